"""What classification and regression share: rows of features and one target column, split and
scored (their cleanup is in table_cleanup.py).

The split leaves out of the features the columns that cannot generalise (an id unique per row,
long free text) rather than cleanup dropping them: rows told apart by an id are distinct records,
so cleanup's duplicate removal must still see it, and the cleaned table keeps it for looking rows
up. Which columns the models see is a [features] choice: `keep_columns` keeps one, and changing it
re-splits without re-cleaning.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import metrics
from ..bootstrap import RESAMPLES, Scores, bootstrap
from ..errors import StepError
from ..progress import bar

# Text whose typical value is longer than this many characters is free text, not a category.
LONG_TEXT = 50
# With fewer rows, distinct values in every row may be chance rather than an id.
MIN_ROWS_FOR_IDS = 20

# Rows predicted at once. What a model holds while predicting then stays bounded however many
# rows are scored: KNN's distances to its neighbours and the one-hot features of 10,000 rows
# take a few MB (scikit-learn computes the distances in chunks within that).
BATCH_ROWS = 10_000


# -- split ------------------------------------------------------------------------------------------


def unusable_reason(column: pd.Series) -> str | None:
    """Why `column` cannot be a feature ("unique per row", "long free text", a date), or None if it can."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return "a date: its parts are features"
    present = column.dropna()
    # whole floats: a row number that a stray value made floats when read (cleanup dropped that row)
    floats = pd.api.types.is_float_dtype(column)
    whole = floats and bool((present == np.floor(present)).all())
    if present.empty or (floats and not whole) or pd.api.types.is_bool_dtype(column):
        return None
    text = pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)
    if text and present.astype(str).str.len().median() > LONG_TEXT:
        return "long free text"
    if len(column) < MIN_ROWS_FOR_IDS or present.nunique() < len(column):
        return None
    # Distinct integers are ids when they run in row order; otherwise they may be measurements.
    in_row_order = column.is_monotonic_increasing or column.is_monotonic_decreasing
    integers = pd.api.types.is_integer_dtype(column) or whole
    return "unique per row" if text or (integers and in_row_order) else None


def unusable_columns(frame: pd.DataFrame, target: str, keep_columns: list[str]) -> dict[str, str]:
    """The columns (never the target or a kept one) the models cannot learn from, with why."""
    candidates = [name for name in frame.columns if name not in {target, *keep_columns}]
    reasons = {name: unusable_reason(frame[name]) for name in candidates}
    return {name: reason for name, reason in reasons.items() if reason}


def check_named(frame: pd.DataFrame, columns: list[str], setting: str) -> None:
    missing = sorted(set(columns) - set(frame.columns))
    if missing:
        raise StepError(f"[features] {setting} names columns that do not exist: {', '.join(missing)}")


def select_features(
    frame: pd.DataFrame, target: str, drop_columns: list[str], keep_columns: list[str]
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Remove the columns the models must not see: those named in drop_columns, and (unless kept)
    those that cannot generalise; return the rest and the reason for each column removed."""
    check_named(frame, drop_columns, "drop_columns")
    check_named(frame, keep_columns, "keep_columns")
    dates = [name for name in keep_columns if pd.api.types.is_datetime64_any_dtype(frame[name])]
    if dates:
        raise StepError(
            f"[features] keep_columns names a date, {dates[0]}: the models learn from its parts "
            f"({dates[0]}_hour...), which cleanup added; remove it from keep_columns"
        )
    removed = {name: "[features] drop_columns" for name in drop_columns}
    removed |= unusable_columns(frame.drop(columns=drop_columns), target, keep_columns)
    features = frame.drop(columns=list(removed))
    if list(features.columns) == [target]:
        reasons = ", ".join(f"{name}: {reason}" for name, reason in removed.items())
        raise StepError(
            f"no column is left to predict {target!r} from ({reasons}): "
            "name the ones to use in [features] keep_columns, or shorten drop_columns"
        )
    return features, removed


def split(
    frame: pd.DataFrame,
    settings: Mapping[str, Any],
    hold_out: Callable[[pd.DataFrame, Mapping[str, Any]], tuple[pd.DataFrame, pd.DataFrame]],
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """The feature columns of [features], split by the task's `hold_out` of rows (the task's `split`
    says which); with the columns the models see, and which were left out and why."""
    target = settings["target"]
    features, removed = select_features(frame, target, settings["drop_columns"], settings["keep_columns"])
    train, test = hold_out(features, settings)
    used = [name for name in features.columns if name != target]
    return train, test, {"features": used, "removed": removed}


# -- training and scoring ---------------------------------------------------------------------------


def features_and_target(rows: pd.DataFrame, target: str) -> tuple[pd.DataFrame, pd.Series]:
    return rows.drop(columns=[target]), rows[target]


def evaluation_columns(settings: Mapping[str, Any]) -> dict[str, list[str] | None]:
    """Every column of the test rows, and no training rows: a table model predicts from the row alone
    (reading a million-row table's training rows cost each evaluation half a second for nothing)."""
    return {"test": None}


def fit(model: Any, rows: pd.DataFrame, settings: Mapping[str, Any]) -> None:
    """Fit a scikit-learn style model on the training rows."""
    model.fit(*features_and_target(rows, settings["target"]))


def in_batches(predict: Callable[[pd.DataFrame], np.ndarray], features: pd.DataFrame) -> np.ndarray:
    """`predict` of every row of `features`, BATCH_ROWS rows at a time, with a progress bar."""
    batches = []
    with bar(len(features), "predicting", unit="row", unit_scale=True) as shown:
        for start in range(0, len(features), BATCH_ROWS):
            batch = features.iloc[start : start + BATCH_ROWS]
            batches.append(predict(batch))
            shown.update(len(batch))
    return np.concatenate(batches)


def predict(model: Any, rows: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
    """The actual and the predicted target of every test row."""
    features, actual = features_and_target(rows, settings["target"])
    return pd.DataFrame({"actual": actual.to_numpy(), "predicted": in_batches(model.predict, features)})


def rounded(values: Mapping[str, Any]) -> dict[str, float]:
    """Metrics as plain floats with six decimals: stable in JSON, enough to rank by."""
    return {name: round(float(value), 6) for name, value in values.items()}


def evaluate(
    model: Any,
    test: pd.DataFrame,
    settings: Mapping[str, Any],
    task: str,
    score: Callable[[pd.DataFrame, str], dict[str, float]],
    predict: Callable[[Any, pd.DataFrame, Mapping[str, Any]], pd.DataFrame],
    resampler: Callable[[pd.DataFrame, str], Callable[[np.ndarray], Scores | None]],
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The predictions for the test rows and the `task`'s `score` of them (its `evaluate` says which),
    ranked by `[evaluate] metric` (settings["metric"]) or the task's first metric in metrics.py, with
    the interval of each score from resampled test rows (bootstrap.py), each scored by the task's
    `resampler(predictions, primary)`: `score`'s numbers for the rows at the positions it is given."""
    target = settings["target"]
    primary = metrics.primary(task, settings.get("metric"))
    predictions = predict(model, test, settings)
    scores = score(predictions, primary.name)
    resamples = settings.get("resamples", RESAMPLES)
    with warnings.catch_warnings():
        # A resample can miss a rare class; scikit-learn's warning about it says nothing about the model.
        warnings.simplefilter("ignore")
        intervals = bootstrap(
            resampler(predictions, primary.name), len(predictions), scores, settings["seed"], resamples
        )
    return predictions, {
        "goal": f"predicting {target}",
        "target": target,
        "n_test": len(test),
        "test_unit": "rows",
        "metric_meaning": primary.meaning.format(target=target),
        "metrics": scores,
        **intervals,
    }
