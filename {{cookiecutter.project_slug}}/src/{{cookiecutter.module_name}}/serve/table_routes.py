"""POST /predict: the table models (classification and regression) answering rows of features.

The training rows' feature columns make the request schema, so /docs shows the real columns. A
feature left out, null or NaN is missing, and the model fills it as its pipeline does for
`invoke submit` (the median, or the most frequent category, of the training rows); the answer
lists it under `missing`. A category never seen in training is ignored by the models and listed
under `unseen`. Infinite or overflowing numbers are a 422 naming the column.
"""

# No `from __future__ import annotations`: FastAPI reads the endpoints' types (built at start-up) at run time.
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field, create_model

from ..files import read_json
from ..models.features import as_cleaned
from ..results import Result
from ..tasks.table_cleanup import LARGEST, as_training_types
from ..tasks.tabular import BATCH_ROWS
from .batching import Batcher, Rows, predictor
from .limits import NAN_AS_MISSING, Text
from .loading import TRAIN
from .schemas import model_choice

FEATURES = Path("data/processed/features.json")
LARGEST_INTEGER = 2**53  # integers beyond this lose digits as the floats the models compute with
CATEGORIES_LISTED = 20  # a category column's description names at most this many of its values
EXAMPLE_ROWS = 1000  # training rows on which a fast feature preparation must match scikit-learn's
MISSING = "; null, NaN or left out: missing, filled in as for `invoke submit` (the answer lists it)"


def value_type(values: pd.Series) -> tuple[Any, str, Any]:
    """The type of one feature column's values in a request, its description and an example."""
    if pd.api.types.is_bool_dtype(values):
        return bool, "true or false", bool(values.mode()[0])
    if pd.api.types.is_numeric_dtype(values):
        span = f"a number; from {values.min():g} to {values.max():g} in the training rows"
        if pd.api.types.is_integer_dtype(values):
            whole = Annotated[int, Field(ge=-LARGEST_INTEGER, le=LARGEST_INTEGER)]
            return whole, span, round(values.median())
        number = Annotated[float, Field(ge=-LARGEST, le=LARGEST, allow_inf_nan=False)]
        return number, span, float(values.median())
    known = values.astype(str).value_counts().index.tolist()  # most common first
    listed = ", ".join(known[:CATEGORIES_LISTED]) + (", ..." if len(known) > CATEGORIES_LISTED else "")
    description = (
        f"one of the training values ({listed}); another value is accepted, but the models know nothing "
        "of it (the answer lists it under `unseen`)"
    )
    return Text, description, known[0]


def column_field(column: str, values: pd.Series) -> tuple[Any, Any]:
    """The type and description of one feature column in a request row, from its training values."""
    kind, description, example = value_type(values)
    field = Field(default=None, alias=column, description=description + MISSING, examples=[example])
    return Annotated[kind | None, NAN_AS_MISSING], field


def row_schema(features: pd.DataFrame) -> type[BaseModel]:
    """A request row: every feature column (fields are named by position, as columns need not be Python
    names); other keys, the target among them, are accepted and ignored."""
    fields = {f"column_{i}": column_field(name, features[name]) for i, name in enumerate(features.columns)}
    return create_model("Row", __config__=ConfigDict(extra="ignore"), **fields)


class Cell(BaseModel):
    row: int = Field(description="the row's position in `rows`, from 0")
    column: str


class Unseen(Cell):
    value: str


class Predictions(BaseModel):
    model: str
    predictions: list[str] | list[float] | list[int] | list[bool]
    probabilities: list[dict[str, float]] | None = Field(
        description="for a classifier that has them: each row's probability of each class"
    )
    missing: list[Cell] = Field(
        description="features sent as null or NaN, or left out: the model filled them in as for a submission"
    )
    unseen: list[Unseen] = Field(description="category values the models did not see in training (ignored)")


@dataclass(frozen=True)
class Table:
    """The feature columns of the training rows: their types, and the categories each text column had."""

    columns: pd.DataFrame  # no rows: the training columns and their types
    categories: dict[str, set[str]]

    @classmethod
    def of(cls, features: pd.DataFrame) -> "Table":
        text = [name for name in features.columns if not pd.api.types.is_numeric_dtype(features[name])]
        return cls(features.head(0), {name: set(features[name].astype(str)) for name in text})

    def frame(self, rows: Rows) -> pd.DataFrame:
        """The request rows as the models' input, as submit makes it of a source: the feature columns,
        numbers as numbers, a missing value as NaN (what the pipeline fills in)."""
        frame = as_training_types(pd.DataFrame(rows, columns=list(self.columns.columns)), self.columns)
        complete = {name: kind for name, kind in self.columns.dtypes.items() if frame[name].notna().all()}
        text = dict.fromkeys(set(self.categories) - set(complete), object)  # text even when all missing
        return frame.fillna(np.nan).astype(complete | text)

    def unseen(self, rows: Rows) -> list[Unseen]:
        return [
            Unseen(row=position, column=name, value=str(row[name]))
            for position, row in enumerate(rows)
            for name, known in self.categories.items()
            if as_cleaned(row[name]) is not None and str(as_cleaned(row[name])) not in known
        ]


def missing(rows: Rows) -> list[Cell]:
    """The cells sent as null or NaN (made None by the request schema), left out, or of spaces alone."""
    return [
        Cell(row=position, column=name)
        for position, row in enumerate(rows)
        for name, value in row.items()
        if as_cleaned(value) is None
    ]


def add_routes(app: FastAPI, root: Path, models: dict[str, Any], default: str, best: Result) -> None:
    """POST /predict over the table `models`, `default` answering requests that name none."""
    features = read_json(root / FEATURES)["features"]
    train = pd.read_parquet(root / TRAIN, columns=features)
    table = Table.of(train)
    request = create_model(
        "PredictRequest",
        rows=(
            list[row_schema(train)],
            Field(min_length=1, max_length=BATCH_ROWS, description=f"rows to predict {best['target']} of"),
        ),
        model=model_choice(list(models), default),
    )

    examples = train.head(EXAMPLE_ROWS)
    batcher = Batcher({name: predictor(model, table.frame, examples) for name, model in models.items()})

    @app.post("/predict", response_model=Predictions, tags=["predict"])
    async def predict(body: request) -> Predictions:  # type: ignore[valid-type]
        """Predict the target of one or many rows (at most 10,000) with one model."""
        rows = [entry.model_dump(by_alias=True) for entry in body.rows]
        values, probabilities = await batcher.predict(body.model, rows)
        return Predictions(
            model=body.model,
            predictions=values,
            probabilities=probabilities,
            missing=missing(rows),
            unseen=table.unseen(rows),
        )
