"""The random baseline: the floor every other model must beat."""

from __future__ import annotations

from sklearn.dummy import DummyClassifier, DummyRegressor


def build(task: str, seed: int, strategy: str | None = None) -> DummyClassifier | DummyRegressor:
    """Guess at the training distribution (classification) or the mean (regression)."""
    if task == "classification":
        return DummyClassifier(strategy=strategy or "stratified", random_state=seed)
    return DummyRegressor(strategy=strategy or "mean")
