"""Regression: predict a number; ranked by root mean squared error, or the `[evaluate] metric` chosen."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import metrics
from ..bootstrap import Scores
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


def r2_of(actual: np.ndarray, errors: np.ndarray) -> float:
    """r2 from the actual values and the errors; a constant target gives 1 if predicted exactly, else 0
    (as scikit-learn's `r2_score`)."""
    spread = np.sum((actual - actual.mean()) ** 2)
    missed = np.sum(errors**2)
    return 1 - missed / spread if spread else float(missed == 0)


def resampler(predictions: pd.DataFrame, primary: str) -> Callable[[np.ndarray], Scores | None]:
    """`score` of the predictions at the positions given (one bootstrap resample), in numpy on the
    two columns: the numbers of scikit-learn's functions (metrics.py; tests/test_table_metrics.py
    compares them), without their checks on every resample. `score` has checked the point first."""
    actual, predicted = (predictions[column].to_numpy(dtype=float) for column in ("actual", "predicted"))
    logs = (np.log1p(actual), np.log1p(np.clip(predicted, 0, None))) if (actual >= 0).all() else None

    def of_rows(rows: np.ndarray) -> Scores:
        errors = actual[rows] - predicted[rows]
        fast = {"rmse": np.sqrt(np.mean(errors**2)), "mae": np.mean(np.abs(errors))}
        fast["r2"] = r2_of(actual[rows], errors)
        if logs is not None:
            fast["rmsle"] = np.sqrt(np.mean((logs[0][rows] - logs[1][rows]) ** 2))
        return rounded(
            {
                metric.name: fast[metric.name]
                if metric.name in fast
                else metric.compute(actual[rows], predicted[rows])
                for metric in metrics.REGRESSION
                if metric.name != "rmsle" or logs is not None
            }
        )

    return of_rows


def evaluate(
    model: Any, train: pd.DataFrame | None, test: pd.DataFrame, settings: Mapping[str, Any]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The predictions for the test rows and their scores (the training rows are not needed)."""
    return tabular.evaluate(model, test, settings, "regression", score, predict, resampler)
