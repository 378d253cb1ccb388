"""The app factory: the API over a built project, its routes those of the project's task family.

The family's routes are a module of this package picked by name, as `tasks.load` picks a task
module (`table_routes` or `recommendation_routes`, from the family's record in models/registry.py),
so a project baked for one family ships only its own. Each routes module has
`add_routes(app, root, models, default, best)`.
"""

# No `from __future__ import annotations`: FastAPI reads the endpoints' types (built at start-up) at run time.
from importlib import import_module
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware

from ..models.registry import TASKS
from .limits import DEFAULT_MAX_BODY, invalid_request
from .loading import chosen_model, good_enough, load_models, load_ranked, newer_builds
from .schemas import Health, ModelScore, health, leaderboard


def create_app(root: Path, model: str | None = None, max_body: int = DEFAULT_MAX_BODY) -> FastAPI:
    """The API over the project at `root`, its models loaded; `model` (default: the leaderboard's best;
    "good_enough": the model the leaderboard says to ship) answers requests that name none; a body over
    `max_body` bytes is a 413. A StepError says what to build first."""
    ranked = load_ranked(root)
    default = chosen_model(ranked, model, good_enough(root))
    models, served = load_models(root, ranked)
    best = ranked[0]
    app = FastAPI(
        title=f"{best['goal'][0].upper()}{best['goal'][1:]}",
        description=f"The project's trained models ({best['task']}); `/models` is the leaderboard.",
        max_body_size=max_body,
    )
    app.add_exception_handler(RequestValidationError, invalid_request)
    # A front-end served from another origin (its dev server, a teammate's page) may call it in a browser.
    app.add_middleware(
        CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"]
    )

    @app.get("/health", response_model=Health, tags=["about"])
    async def answer_health() -> Health:
        """Up, with the model files served and whether `make` has built newer ones since the start."""
        return health(best["task"], default, served, newer_builds(root, served))

    @app.get("/models", response_model=list[ModelScore], tags=["about"])
    async def scored_models() -> list[ModelScore]:
        """Every model, best first, with its primary metric, its lift over random, every metric with its
        95% interval, what it costs and the file served."""
        return leaderboard(ranked, default, served, newer_builds(root, served))

    family = TASKS[best["task"]].name
    import_module(f"{__package__}.{family}_routes").add_routes(app, root, models, default, best)
    return app
