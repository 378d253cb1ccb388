"""The trained models as a JSON API for the team's front-end: `invoke serve` (`make serve`), docs at /docs.

    python -m <package>.serve [--host 127.0.0.1] [--port 8000] [--model NAME] [--root .]

Everything is read once, at start-up, from what the pipeline built: the scored models
(reports/metrics/, in leaderboard order), the saved models (models/) and, for a table, the
training rows (data/processed/), whose columns make the request schema, so /docs shows the real
columns. A missing or out-of-date file stops the start with the make target that builds it.
Nothing is ever written.

Endpoints: GET /health, GET /models (the leaderboard), and by task POST /predict (tables) or
GET /recommend/{user} and POST /recommend (a basket of items someone likes).
"""

# No `from __future__ import annotations`: FastAPI reads the endpoints' types (built at start-up) at run time.
import argparse
import asyncio
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import joblib
import numpy as np
import pandas as pd
import uvicorn
from fastapi import FastAPI, HTTPException, Query
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseModel, ConfigDict, Field, create_model
from sklearn.pipeline import Pipeline

from .errors import StepError
from .files import read_json
from .models.features import row_features
from .models.popularity import Popularity
from .recommend import REASONS, item_names
from .results import Result, baseline_of, gain, lift, rank
from .tasks.recommendation import read_items
from .tasks.tabular import BATCH_ROWS, LARGEST

METRICS = Path("reports/metrics")
MODELS = Path("models")
SETTINGS = Path(".settings")
TRAIN = Path("data/processed/train.parquet")
FEATURES = Path("data/processed/features.json")
LARGEST_INTEGER = 2**53  # integers beyond this lose digits as the floats the models compute with
MOST_ITEMS = 1000  # the longest recommendation list asked for at once
CATEGORIES_LISTED = 20  # a category column's description names at most this many of its values
ROWS_PREDICTED_IN_THE_LOOP = 100  # more rows at once are predicted in a thread (Batcher)
EXAMPLE_ROWS = 1000  # training rows on which a fast feature preparation must match scikit-learn's


# -- what is loaded at start-up ---------------------------------------------------------------------


def stale_reason(output: Path, inputs: list[Path], target: str) -> str | None:
    """Why `output` cannot be served (missing, or older than one of `inputs`), with the make target that
    builds it; None when it is up to date."""
    if not output.is_file():
        return f"{output} is not built: run `make {target}` (or `invoke all`) first"
    built = output.stat().st_mtime
    newer = [path for path in inputs if path.is_file() and path.stat().st_mtime > built]
    if newer:
        return f"{output} is older than {newer[0]}: run `make {target}` (or `invoke all`) to rebuild it"
    return None


def load_ranked(root: Path) -> list[Result]:
    """The scored models, best first (as on the leaderboard)."""
    paths = sorted((root / METRICS).glob("*.json"))
    if not paths:
        raise StepError(f"no scored models in {METRICS}: run `make leaderboard` (or `invoke all`) first")
    return rank([read_json(path) for path in paths])


def load_models(root: Path, ranked: list[Result]) -> dict[str, Any]:
    """Every scored model, loaded from models/; a model out of date with its training data, its settings
    or its score is an error naming the target that rebuilds it."""
    loaded = {}
    for result in ranked:
        name = result["model"]
        model_file = MODELS / f"{name}.joblib"
        reason = stale_reason(
            root / model_file, [root / TRAIN, root / SETTINGS / f"{name}.json"], str(model_file)
        )
        reason = reason or stale_reason(root / METRICS / f"{name}.json", [root / model_file], "leaderboard")
        if reason:
            raise StepError(reason.replace(str(root) + "/", ""))
        loaded[name] = joblib.load(root / model_file)
    return loaded


def chosen_model(ranked: list[Result], model: str | None) -> str:
    """`model` if it is one of the scored models, else the leaderboard's best."""
    names = [result["model"] for result in ranked]
    if model is not None and model not in names:
        raise StepError(f"--model {model!r} is not a scored model; choose one of {', '.join(names)}")
    return model or names[0]


# -- the answers both tasks share ---------------------------------------------------------------------


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    task: str
    default_model: str = Field(description="the model used when a request names none")


class ModelScore(BaseModel):
    model: str
    primary_metric: str
    score: float = Field(description="the primary metric on the held-out test set")
    higher_is_better: bool
    lift_over_random: float | None = Field(
        description="the gain in the primary metric over the random baseline (positive is better); "
        "null for the baseline itself, or when there is none"
    )
    lift: str = Field(description="the lift as the leaderboard shows it, absolute and relative")
    default: bool = Field(description="whether requests that name no model use this one")


def leaderboard(ranked: list[Result], default: str) -> list[ModelScore]:
    baseline = baseline_of(ranked)
    return [
        ModelScore(
            model=result["model"],
            primary_metric=result["primary_metric"],
            score=result["metrics"][result["primary_metric"]],
            higher_is_better=result["higher_is_better"],
            lift_over_random=gain(result, baseline) if baseline and result is not baseline else None,
            lift=lift(result, baseline),
            default=result["model"] == default,
        )
        for result in ranked
    ]


def model_choice(names: list[str], default: str) -> Any:
    """The request field naming a model: one of `names`, `default` when left out."""
    return (Literal[tuple(names)], Field(default=default, description=f"which model; default: {default}"))


# -- tables: classification and regression ----------------------------------------------------------


def column_field(column: str, values: pd.Series) -> tuple[Any, Any]:
    """The type and description of one feature column in a request row, from its training values."""
    if pd.api.types.is_bool_dtype(values):
        return bool, Field(alias=column, description="true or false")
    if pd.api.types.is_numeric_dtype(values):
        span = f"a number; from {values.min():g} to {values.max():g} in the training rows"
        example = values.median()
        if pd.api.types.is_integer_dtype(values):
            return int, Field(
                alias=column,
                ge=-LARGEST_INTEGER,
                le=LARGEST_INTEGER,
                description=span,
                examples=[round(example)],
            )
        return float, Field(
            alias=column, ge=-LARGEST, le=LARGEST, allow_inf_nan=False, description=span, examples=[example]
        )
    known = values.astype(str).value_counts().index.tolist()  # most common first
    listed = ", ".join(known[:CATEGORIES_LISTED]) + (", ..." if len(known) > CATEGORIES_LISTED else "")
    description = (
        f"one of the training values ({listed}); another value is accepted, but the models know nothing "
        "of it (the answer lists it under `unseen`)"
    )
    return Literal[tuple(sorted(known))] | str, Field(
        alias=column, description=description, examples=[known[0]]
    )


def row_schema(features: pd.DataFrame) -> type[BaseModel]:
    """A request row: every feature column (fields are named by position, as columns need not be Python
    names); other keys, the target among them, are accepted and ignored."""
    fields = {f"column_{i}": column_field(name, features[name]) for i, name in enumerate(features.columns)}
    return create_model("Row", __config__=ConfigDict(extra="ignore"), **fields)


class Unseen(BaseModel):
    row: int = Field(description="the row's position in `rows`, from 0")
    column: str
    value: str


class Predictions(BaseModel):
    model: str
    predictions: list[str] | list[float] | list[int] | list[bool]
    probabilities: list[dict[str, float]] | None = Field(
        description="for a classifier that has them: each row's probability of each class"
    )
    unseen: list[Unseen] = Field(description="category values the models did not see in training (ignored)")


@dataclass(frozen=True)
class Table:
    """The feature columns of the training rows: their types, and the categories each text column had."""

    dtypes: dict[str, Any]
    categories: dict[str, set[str]]

    @classmethod
    def of(cls, features: pd.DataFrame) -> "Table":
        text = [name for name in features.columns if not pd.api.types.is_numeric_dtype(features[name])]
        return cls(features.dtypes.to_dict(), {name: set(features[name].astype(str)) for name in text})

    def frame(self, rows: list[dict[str, Any]]) -> pd.DataFrame:
        """The request rows as the models' input: the feature columns, typed as in training."""
        return pd.DataFrame(rows, columns=list(self.dtypes)).astype(self.dtypes)

    def unseen(self, rows: list[dict[str, Any]]) -> list[Unseen]:
        return [
            Unseen(row=position, column=name, value=str(row[name]))
            for position, row in enumerate(rows)
            for name, known in self.categories.items()
            if str(row[name]) not in known
        ]


Rows = list[dict[str, Any]]
Answer = tuple[list[Any], list[dict[str, float]] | None]  # predictions, probabilities


@dataclass(frozen=True)
class Predictor:
    """A saved model ready to answer request rows: `prepare` turns them into what `estimator` takes."""

    prepare: Callable[[Rows], Any]
    estimator: Any

    def __call__(self, rows: Rows) -> Answer:
        """The predictions for `rows` and, for a classifier that has them, its class probabilities."""
        features = self.prepare(rows)
        values = self.estimator.predict(features).tolist()
        if not hasattr(self.estimator, "predict_proba"):
            return values, None
        classes = [str(label) for label in self.estimator.classes_]
        probabilities = self.estimator.predict_proba(features).tolist()
        return values, [dict(zip(classes, row, strict=True)) for row in probabilities]


def predictor(model: Any, table: Table, examples: pd.DataFrame) -> Predictor:
    """`model` as a Predictor. What a grid search or a pipeline would do on each call is done once here:
    take the refitted best estimator, and its feature preparation as numpy alone (RowFeatures) when
    that gives scikit-learn's numbers for `examples`: it was most of the time of a small request."""
    estimator = getattr(model, "best_estimator_", model)
    if not isinstance(estimator, Pipeline):
        return Predictor(table.frame, estimator)
    fast = row_features(estimator[0], examples) if len(estimator) == 2 else None
    if fast is not None:
        return Predictor(fast, estimator[-1])
    return Predictor(lambda rows: estimator[:-1].transform(table.frame(rows)), estimator[-1])


def predict_together(predictors: dict[str, Predictor], requests: list[tuple[str, Rows]]) -> list[Answer]:
    """Each request's (model name, rows) answer, from one prediction per model for all its requests' rows."""
    answers: list[Answer] = [([], None)] * len(requests)
    for name in dict.fromkeys(name for name, _ in requests):
        positions = [i for i, (asked, _) in enumerate(requests) if asked == name]
        rows = [row for i in positions for row in requests[i][1]]
        values, probabilities = predictors[name](rows)
        start = 0
        for i in positions:
            stop = start + len(requests[i][1])
            answers[i] = (values[start:stop], probabilities[start:stop] if probabilities else None)
            start = stop
    return answers


class Batcher:
    """Predicts the rows of requests that arrive together in one call per model.

    Most of a small request's time is the per-call work of the feature preparation and the model,
    whatever the rows, so eight one-row requests answered together cost little more than one.
    Nothing waits on purpose: the first request predicts at once; those arriving meanwhile are
    answered together in the next round, until none is waiting. A round of a few rows is predicted
    in the event loop (a millisecond or two: a hop to a thread cost more, and under load its hand-offs
    of the GIL with the loop added a third to the latency), a larger one in a thread, so the server
    keeps answering meanwhile. The rounds run in their own task, so a request whose client has gone
    cancels only its own wait.
    """

    def __init__(self, predictors: dict[str, Predictor]) -> None:
        self.predictors = predictors
        self.waiting: list[tuple[str, Rows, asyncio.Future]] = []
        self.rounds: asyncio.Task | None = None

    async def predict(self, model: str, rows: Rows) -> Answer:
        answer = asyncio.get_running_loop().create_future()
        self.waiting.append((model, rows, answer))
        if self.rounds is None or self.rounds.done():
            self.rounds = asyncio.create_task(self.answer_all())
        return await answer

    async def answer_all(self) -> None:
        while self.waiting:
            batch, self.waiting = self.waiting, []
            await self.answer(batch)

    async def answer(self, batch: list[tuple[str, Rows, asyncio.Future]]) -> None:
        requests = [(model, rows) for model, rows, _ in batch]
        try:
            if sum(len(rows) for _, rows in requests) <= ROWS_PREDICTED_IN_THE_LOOP:
                answers = predict_together(self.predictors, requests)
            else:
                answers = await asyncio.to_thread(predict_together, self.predictors, requests)
        except Exception as error:  # every request of the round gets the error (FastAPI answers 500)
            answers = [error] * len(batch)
        for (*_, future), result in zip(batch, answers, strict=True):
            if future.cancelled():
                continue
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)


def add_table_routes(app: FastAPI, root: Path, models: dict[str, Any], default: str, target: str) -> None:
    features = read_json(root / FEATURES)["features"]
    train = pd.read_parquet(root / TRAIN, columns=features)
    table = Table.of(train)
    row = row_schema(train)
    request = create_model(
        "PredictRequest",
        rows=(
            list[row],
            Field(min_length=1, max_length=BATCH_ROWS, description=f"rows to predict {target} of"),
        ),
        model=model_choice(list(models), default),
    )

    examples = train.head(EXAMPLE_ROWS)
    batcher = Batcher({name: predictor(model, table, examples) for name, model in models.items()})

    @app.post("/predict", response_model=Predictions, tags=["predict"])
    async def predict(body: request) -> Predictions:  # type: ignore[valid-type]
        """Predict the target of one or many rows (at most 10,000) with one model."""
        rows = [entry.model_dump(by_alias=True) for entry in body.rows]
        values, probabilities = await batcher.predict(body.model, rows)
        return Predictions(
            model=body.model, predictions=values, probabilities=probabilities, unseen=table.unseen(rows)
        )


# -- recommendation -------------------------------------------------------------------------------------


class Reason(BaseModel):
    item: str | int | float
    title: str | None = Field(default=None, description="its title (or name) in the item table, if any")


class Recommended(BaseModel):
    item: str | int | float
    rank: int
    score: float
    details: dict[str, Any] | None = Field(
        default=None, description="the item's row of the item table ([data] items), when there is one"
    )
    because: list[Reason] = Field(
        default=[], description="the user's (or basket's) items that added most to the score, the most first"
    )


class Recommendations(BaseModel):
    model: str
    user: str | None = None
    cold_start: bool = Field(
        description="the user (or every item of the basket) is unknown, so these are the most popular items"
    )
    unknown_items: list[str] = Field(
        default=[], description="basket items not in the training data (ignored)"
    )
    items: list[Recommended]


def item_details(items: pd.DataFrame | None, item: str) -> dict[Any, dict[str, Any]]:
    """Each item's row of the item table by id (missing values as null); empty without a table."""
    if items is None or item not in items.columns:
        return {}
    table = items.drop_duplicates(item).set_index(item)
    return table.astype(object).where(table.notna(), None).to_dict(orient="index")


def as_items(
    found: pd.DataFrame, details: dict[Any, dict[str, Any]], names: dict[Any, Any]
) -> list[Recommended]:
    """The found recommendations as the API returns them, with the item table's details and titles."""
    reasons = [
        [Reason(item=item, title=None if item not in names else str(names[item])) for item in why]
        for why in found["because"]
    ]
    return [
        Recommended(item=item, rank=position, score=score, details=details.get(item), because=why)
        for item, position, score, why in zip(
            found["item"].tolist(), found["rank"].tolist(), found["score"].tolist(), reasons, strict=True
        )
    ]


def scores_baskets(model: Any) -> bool:
    """Whether `model` can score someone it was not trained on (from the items they like)."""
    try:
        model.basket_scores(np.array([], dtype=np.int64))
    except StepError:
        return False
    return True


def add_recommendation_routes(
    app: FastAPI, root: Path, models: dict[str, Any], default: str, result: Result
) -> None:
    fitted = models[default].interactions_  # every model learned from the same training interactions
    # [data] items is relative to the project's folder
    table = read_items({"items": result["items"] and str(root / result["items"])})
    details = item_details(table, result["columns"]["item"])
    names = item_names(table, result["columns"]["item"])
    k = result["k"]
    users = pd.Index(fitted.users.astype(str))
    items = pd.Index(fitted.items.astype(str))
    basket_models = [name for name, model in models.items() if scores_baskets(model)]
    popular = next((name for name, model in models.items() if isinstance(model, Popularity)), None)
    cold_start = popular or (basket_models[0] if basket_models else None)
    how_many = Query(k, ge=1, le=MOST_ITEMS, description="how many items")

    # The recommendation endpoints are async: their work (a millisecond) costs less than a hop to a thread.
    @app.get("/recommend/{user}", response_model=Recommendations, tags=["recommend"])
    async def recommend_user(
        user: str,
        k: int = how_many,
        model: Literal[tuple(models)] = default,  # type: ignore[valid-type]
    ) -> Recommendations:
        """A user's top k items, none they had in training; an unknown user gets the most popular ones."""
        row = users.get_indexer([user])[0]
        if row >= 0:
            found = models[model].recommend_batch(np.array([row]), k, REASONS)
            return Recommendations(
                model=model, user=user, cold_start=False, items=as_items(found, details, names)
            )
        if cold_start is None:
            raise HTTPException(404, f"no user {user!r} in the training data, and no model for a new user")
        found = models[cold_start].recommend_basket(np.array([], dtype=np.int64), k, REASONS)
        return Recommendations(
            model=cold_start, user=user, cold_start=True, items=as_items(found, details, names)
        )

    if not basket_models:
        return
    request = create_model(
        "BasketRequest",
        items=(
            list[str],
            Field(min_length=1, max_length=MOST_ITEMS, description="ids of items the person likes"),
        ),
        k=(int, Field(k, ge=1, le=MOST_ITEMS, description="how many items")),
        model=model_choice(basket_models, default if default in basket_models else basket_models[0]),
    )

    @app.post("/recommend", response_model=Recommendations, tags=["recommend"])
    async def recommend_basket(body: request) -> Recommendations:  # type: ignore[valid-type]
        """The top k items for someone new, from the items they like (scored without retraining)."""
        columns = items.get_indexer(body.items)
        unknown = [item for item, column in zip(body.items, columns, strict=True) if column < 0]
        known = np.unique(columns[columns >= 0])
        found = models[body.model].recommend_basket(known, body.k, REASONS)
        return Recommendations(
            model=body.model,
            cold_start=not len(known),
            unknown_items=unknown,
            items=as_items(found, details, names),
        )


# -- the app ----------------------------------------------------------------------------------------------


def create_app(root: Path, model: str | None = None) -> FastAPI:
    """The API over the project at `root`, its models loaded; `model` (default: the leaderboard's best)
    answers requests that name none. A StepError says what to build first."""
    ranked = load_ranked(root)
    default = chosen_model(ranked, model)
    models = load_models(root, ranked)
    best = ranked[0]
    app = FastAPI(
        title=f"{best['goal'][0].upper()}{best['goal'][1:]}",
        description=f"The project's trained models ({best['task']}); `/models` is the leaderboard.",
    )
    # A front-end served from another origin (its dev server, a teammate's page) may call it in a browser.
    app.add_middleware(
        CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"]
    )

    @app.get("/health", response_model=Health, tags=["about"])
    async def health() -> Health:
        return Health(task=best["task"], default_model=default)

    @app.get("/models", response_model=list[ModelScore], tags=["about"])
    async def scored_models() -> list[ModelScore]:
        """Every model, best first, with its primary metric and lift over the random baseline."""
        return leaderboard(ranked, default)

    if best["task"] == "recommendation":
        add_recommendation_routes(app, root, models, default, best)
    else:
        add_table_routes(app, root, models, default, best["target"])
    return app


def main() -> None:
    parser = argparse.ArgumentParser(prog=f"python -m {__spec__.name}", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="0.0.0.0 to let other machines call it")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--model", help="the model for requests that name none (default: the leaderboard's best)"
    )
    parser.add_argument("--root", type=Path, default=Path("."), help="the project folder")
    options = parser.parse_args()
    try:
        app = create_app(options.root, options.model)
    except StepError as error:
        sys.exit(f"error: {error}")
    print(f"API on http://{options.host}:{options.port}, interactive docs at /docs (Ctrl+C stops it)")
    uvicorn.run(app, host=options.host, port=options.port)


if __name__ == "__main__":
    main()
