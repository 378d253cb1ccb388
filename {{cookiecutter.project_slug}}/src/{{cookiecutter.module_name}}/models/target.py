"""`[features] target_transform = "log"`: a regressor trained on log(1 + y), its predictions turned back.

For a target judged by RMSLE (prices, counts), errors in log space are what the competition
scores, so every regression model learns there and predicts exp(p) - 1 in the target's units. A grid
search (KNN's) learns each candidate there too, but scores it in the target's units, as evaluate will:
its choice and its cross-validated scores are the metric's own, not the metric of log(1 + y).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin

from ..errors import StepError

TRANSFORMS = ("none", "log")
Undo = Callable[[np.ndarray], np.ndarray]  # a transformed target back in its own units


class LogTarget(RegressorMixin, BaseEstimator):
    """`regressor`, fitted on log(1 + y) and predicting exp(prediction) - 1."""

    def __init__(self, regressor: Any) -> None:
        self.regressor = regressor

    def fit(self, X: pd.DataFrame, y: pd.Series) -> LogTarget:
        negative = int((y < 0).sum())
        if negative:
            raise StepError(
                f'[features] target_transform = "log" needs a target of 0 or more, and {negative} '
                "training rows are negative: remove target_transform, or pick another target"
            )
        if hasattr(self.regressor, "undo_target"):  # a grid search: it scores in the target's units
            self.regressor.undo_target = np.expm1
        self.regressor.fit(X, np.log1p(y))
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return np.expm1(self.regressor.predict(X))

    def chosen_params(self) -> dict[str, Any]:
        """What the regressor chose (learning.py trains each share with it), if it chose anything."""
        return getattr(self.regressor, "chosen_params", dict)()

    def describe(self) -> str:
        from . import describe

        return (
            f"{describe(self.regressor)}\n(learned on log(1 + target): values above are in that scale, "
            "cross-validation scores in the target's own)"
        )


class TurnedBack(RegressorMixin, BaseEstimator):
    """A regressor fitted on a transformed target whose predictions are turned back by `undo`."""

    def __init__(self, model: Any, undo: Undo) -> None:
        self.model, self.undo = model, undo

    def predict(self, X: Any) -> np.ndarray:
        return self.undo(self.model.predict(X))


def in_target_units(scorer: Callable[..., float], undo: Undo) -> Callable[..., float]:
    """`scorer(model, X, y)` for a model fitted on a transformed y, in the target's own units: the actual
    values and the predictions turned back by `undo` before scoring."""
    return lambda model, X, y: scorer(TurnedBack(model, undo), X, undo(np.asarray(y)))


def with_target_transform(model: Any, transform: str) -> Any:
    """`model` as `[features] target_transform` asks: itself ("none"), or learning log(1 + y) ("log")."""
    if transform not in TRANSFORMS:
        raise StepError('[features] target_transform must be "none" or "log"')
    return LogTarget(model) if transform == "log" else model
