"""`python -m <package>.serve`: the app factory, and the command that starts the API (see the
package's docstring).

The family's routes are a module of this package picked by name, as `tasks.load` picks a task
module (`table_routes` or `recommendation_routes`, from the family's record in models/registry.py),
so a project baked for one family ships only its own. Each routes module has
`add_routes(app, root, models, default, best)`.
"""

# No `from __future__ import annotations`: FastAPI reads the endpoints' types (built at start-up) at run time.
import argparse
import sys
from importlib import import_module
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware

from ..errors import StepError
from ..models.registry import TASKS
from . import __doc__ as about
from .limits import DEFAULT_MAX_BODY, body_size, invalid_request
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


def size_option(text: str) -> int:
    """--max-body's value in bytes; argparse shows the error's own words only for this exception."""
    try:
        return body_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def main() -> None:
    parser = argparse.ArgumentParser(prog=f"python -m {__package__}", description=about.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="0.0.0.0 to let other machines call it")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--model",
        help="the model for requests that name none: a model's name, best (the default) or good_enough",
    )
    parser.add_argument(
        "--max-body",
        type=size_option,
        default=DEFAULT_MAX_BODY,
        help=f"the largest request body, e.g. 20MB (default: {DEFAULT_MAX_BODY:,} bytes); larger is a 413",
    )
    parser.add_argument("--root", type=Path, default=Path("."), help="the project folder")
    options = parser.parse_args()
    try:
        app = create_app(options.root, options.model, options.max_body)
    except StepError as error:
        sys.exit(f"error: {error}")
    print(f"API on http://{options.host}:{options.port}, interactive docs at /docs (Ctrl+C stops it)")
    uvicorn.run(app, host=options.host, port=options.port)


if __name__ == "__main__":
    main()
