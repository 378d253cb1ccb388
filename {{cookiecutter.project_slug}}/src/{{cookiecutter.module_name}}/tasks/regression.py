"""Regression: predict a number; ranked by root mean squared error."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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

PRIMARY_METRIC = "rmse"
HIGHER_IS_BETTER = False
METRIC_MEANING = "root mean squared error, in {target} units"


def check(frame: pd.DataFrame, settings: Mapping[str, Any]) -> None:
    """A regression target must be numeric."""
    target = settings["target"]
    if not pd.api.types.is_numeric_dtype(frame[target]):
        raise StepError(
            f"target {target!r} is not numeric, so it cannot be regressed: "
            'pick a numeric [data] target, or set task = "classification"'
        )


def random_split(frame: pd.DataFrame, settings: Mapping[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A seeded random split."""
    test = frame.sample(frac=settings["test_size"], random_state=settings["seed"])
    return frame.drop(index=test.index), test


def split(
    frame: pd.DataFrame, settings: Mapping[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """The feature columns of [features], their rows held out at random (seeded)."""
    return tabular.split(frame, settings, random_split)


def score(predictions: pd.DataFrame) -> dict[str, float]:
    """Mean absolute error, root mean squared error and R² of the predicted values."""
    # Imported here: the split step uses this module too, and sklearn.metrics takes a second to import.
    from sklearn import metrics

    actual, predicted = predictions["actual"], predictions["predicted"]
    return rounded(
        {
            "mae": metrics.mean_absolute_error(actual, predicted),
            "rmse": metrics.root_mean_squared_error(actual, predicted),
            "r2": metrics.r2_score(actual, predicted),
        }
    )


def evaluate(
    model: Any, train: pd.DataFrame | None, test: pd.DataFrame, settings: Mapping[str, Any]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The predictions for the test rows and their scores (the training rows are not needed)."""
    return tabular.evaluate(model, test, settings, score, METRIC_MEANING)
