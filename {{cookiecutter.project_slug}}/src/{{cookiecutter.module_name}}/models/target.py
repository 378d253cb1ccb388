"""`[features] target_transform = "log"`: a regressor trained on log(1 + y), its predictions turned back.

For a target judged by RMSLE (prices, counts), errors in log space are what the competition
scores, so every regression model learns there and predicts exp(p) - 1 in the target's units.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin

from ..errors import StepError

TRANSFORMS = ("none", "log")


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
        self.regressor.fit(X, np.log1p(y))
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return np.expm1(self.regressor.predict(X))

    def chosen_params(self) -> dict[str, Any]:
        """What the regressor chose (learning.py trains each share with it), if it chose anything."""
        return getattr(self.regressor, "chosen_params", dict)()

    def describe(self) -> str:
        from . import describe

        return f"{describe(self.regressor)}\n(learned on log(1 + target): its values are in that scale)"


def with_target_transform(model: Any, transform: str) -> Any:
    """`model` as `[features] target_transform` asks: itself ("none"), or learning log(1 + y) ("log")."""
    if transform not in TRANSFORMS:
        raise StepError('[features] target_transform must be "none" or "log"')
    return LogTarget(model) if transform == "log" else model
