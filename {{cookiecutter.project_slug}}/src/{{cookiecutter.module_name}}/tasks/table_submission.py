"""A table model's predictions for the rows of an unlabeled source (`make submit`).

The source (its column names stripped by the step) gets the cleanup that needs no target and
removes no row: the parts of a date the model learned from (`datetime_hour`) read from the date,
the columns that are numbers in training read as numbers (stray text made missing), infinite and
overflowing numbers made missing. Missing values are filled in by the saved model's pipeline
(models/features.py), so every row gets a prediction; the notes say how many rows needed it, and
which categories the model never saw in training (it treats them as missing).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..errors import StepError
from .dates import with_date_parts
from .table_cleanup import as_training_types, treat_overflowing_as_missing
from .tabular import in_batches

SHOWN = 3  # unseen categories named per column; the count says how many there are


def check_has_columns(frame: pd.DataFrame, needed: list[str]) -> None:
    """Stop in one line when the source lacks columns the model was trained on."""
    missing = [name for name in needed if name not in frame.columns]
    if missing:
        raise StepError(
            f"the submission source lacks column(s) the model needs: {', '.join(missing)}; "
            "add them to [submit] source (the model was trained with them)"
        )


def unseen_categories(frame: pd.DataFrame, train: pd.DataFrame) -> list[str]:
    """One line for each text column of `frame` holding values never seen in `train`'s column."""
    lines = []
    for name in frame.columns:
        if name not in train or pd.api.types.is_numeric_dtype(train[name]):
            continue
        present = frame[name].dropna()
        unseen = present[~present.isin(set(train[name].dropna()))]
        if len(unseen):
            values = ", ".join(map(repr, unseen.unique()[:SHOWN]))
            lines.append(
                f"{name}: {len(unseen)} row(s) with a value never seen in training ({values}); "
                "the model treats it as missing"
            )
    return lines


def rows_with_missing(frame: pd.DataFrame) -> int:
    return int(frame.isna().any(axis=1).sum())


def predictions(model: Any, features: pd.DataFrame, column: str, probabilities: bool) -> pd.DataFrame:
    """The predicted `column` of each row, or (probabilities) one column per class named after it."""
    if not probabilities:
        return pd.DataFrame({column: in_batches(model.predict, features)})
    if not hasattr(model, "predict_proba"):
        raise StepError(
            "this model gives no probabilities: set [submit] model to one that does (knn, random), "
            "or remove [submit] probabilities"
        )
    return pd.DataFrame(in_batches(model.predict_proba, features), columns=[str(c) for c in model.classes_])


def submission(
    model: Any, source: pd.DataFrame, train: pd.DataFrame, settings: Mapping[str, Any]
) -> tuple[pd.DataFrame, list[str]]:
    """The id and the predictions of every source row, in order; notes on the rows that needed care."""
    used = [name for name in train.columns if name != settings["target"]]  # in the order the model saw
    source = with_date_parts(source, used)  # datetime_hour... from its datetime, as cleanup made them
    check_has_columns(source, used)
    rows, overflow = treat_overflowing_as_missing(as_training_types(source[used], train))
    notes = [overflow] if overflow else []
    notes += unseen_categories(rows, train)
    filled = rows_with_missing(rows)
    if filled:
        notes.append(f"{filled} of {len(rows)} row(s) had missing values: the model's pipeline filled them")
    predicted = predictions(model, rows, settings["column"], settings["probabilities"])
    ids = source[[settings["id"]]].reset_index(drop=True)
    return pd.concat([ids, predicted], axis=1), notes
