"""Classification: predict a category; ranked by balanced accuracy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import StepError
from . import tabular
from .tabular import cleanup_steps, evaluation_columns, fit, predict, rounded

__all__ = [
    "cleanup_steps",
    "check",
    "split",
    "fit",
    "predict",
    "evaluation_columns",
    "evaluate",
]

PRIMARY_METRIC = "balanced_accuracy"
HIGHER_IS_BETTER = True
METRIC_MEANING = "share of each class predicted right, averaged over classes (0 to 1)"


def check(frame: pd.DataFrame, settings: Mapping[str, Any]) -> None:
    """A classifier needs at least two classes."""
    target = settings["target"]
    if frame[target].nunique() < 2:
        raise StepError(
            f"after cleanup every row has {target} = {frame[target].iloc[0]!r}; "
            "a classifier needs at least two classes: check [data] target"
        )


def stratified_split(frame: pd.DataFrame, settings: Mapping[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A seeded split stratified by the target: each class is held out in the same share,
    so a rare class is in both halves."""
    target = settings["target"]
    counts = frame[target].value_counts()
    rare = counts[counts < 2]
    if not rare.empty:
        numeric = pd.api.types.is_numeric_dtype(frame[target])
        hint = (
            f"; {target} is numeric with {len(counts)} distinct values: "
            'if it is a quantity, set task = "regression"'
            if numeric
            else ""
        )
        raise StepError(
            f"target class {rare.index.tolist()[0]!r} has only one row, too few to "
            f"hold out; remove it from the data or merge it with another class{hint}"
        )
    by_class = frame.groupby(target, group_keys=False)
    test = by_class.sample(frac=settings["test_size"], random_state=settings["seed"])
    return frame.drop(index=test.index), test


def split(
    frame: pd.DataFrame, settings: Mapping[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """The feature columns of [features], their rows stratified by the target."""
    return tabular.split(frame, settings, stratified_split)


def score(predictions: pd.DataFrame) -> dict[str, float]:
    """Accuracy, balanced accuracy and macro F1 of the predicted classes."""
    # Imported here: the split step uses this module too, and sklearn.metrics takes a second to import.
    from sklearn import metrics

    actual, predicted = as_codes(predictions["actual"], predictions["predicted"])
    return rounded(
        {
            "accuracy": metrics.accuracy_score(actual, predicted),
            "balanced_accuracy": metrics.balanced_accuracy_score(actual, predicted),
            "f1_macro": metrics.f1_score(actual, predicted, average="macro", zero_division=0),
        }
    )


def as_codes(actual: pd.Series, predicted: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Both as integer codes of one set of classes: the metrics then count classes by hashing,
    where on text they would sort every row's label (seconds on a million rows)."""
    codes, _ = pd.factorize(pd.concat([actual, predicted], ignore_index=True))
    return codes[: len(actual)], codes[len(actual) :]


def evaluate(
    model: Any, train: pd.DataFrame | None, test: pd.DataFrame, settings: Mapping[str, Any]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The predictions for the test rows and their scores (the training rows are not needed)."""
    return tabular.evaluate(model, test, settings, score, METRIC_MEANING)
