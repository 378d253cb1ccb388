"""Regression: predict a number; ranked by root mean squared error, or the `[evaluate] metric` chosen."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from .. import metrics
from ..errors import StepError
from . import tabular
from .table_cleanup import cleanup_steps, kept_unlike_removed
from .tabular import evaluation_columns, fit, predict, rounded

__all__ = [
    "cleanup_steps",
    "kept_unlike_removed",
    "check",
    "split",
    "fit",
    "predict",
    "evaluation_columns",
    "evaluate",
]


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


def score(predictions: pd.DataFrame, primary: str = "rmse") -> dict[str, float]:
    """Every regression metric of the table (metrics.py); rmsle only for a target never below 0,
    and an error if it is the `primary` one of a target that is."""
    actual, predicted = predictions["actual"], predictions["predicted"]
    negative = int((actual < 0).sum())
    if primary == "rmsle" and negative:
        raise StepError(
            f"[evaluate] metric = 'rmsle' needs a target of 0 or more, and {negative} test rows are "
            "negative: pick rmse or mae, or a target that is never negative"
        )
    scored = [metric for metric in metrics.REGRESSION if metric.name != "rmsle" or not negative]
    return rounded({metric.name: metric.compute(actual, predicted) for metric in scored})


def evaluate(
    model: Any, train: pd.DataFrame | None, test: pd.DataFrame, settings: Mapping[str, Any]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The predictions for the test rows and their scores (the training rows are not needed)."""
    return tabular.evaluate(model, test, settings, "regression", score, predict)
