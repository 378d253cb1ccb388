"""The model progression: random baseline -> rules -> KNN, listed in registry.py.

Every model is built by its module's `build(task, seed, **params)` from the model's
`[models.<name>]` section of config.toml, and follows the task's interface (a
scikit-learn estimator for classification and regression).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any


def build(module: str, task: str, seed: int, params: dict[str, Any]) -> Any:
    """An unfitted model from `models/<module>.py`; only that model's module is imported."""
    return import_module(f"{__name__}.{module}").build(task, seed, **params)


def describe(model: Any) -> str:
    """What a fitted model learned, in a line or a few."""
    if hasattr(model, "describe"):
        return model.describe()
    if hasattr(model, "best_params_"):
        chosen = ", ".join(f"{k.split('__')[-1]}={v}" for k, v in model.best_params_.items())
        return f"chose {chosen} by cross-validation ({model.scoring} {model.best_score_:.3f})"
    return repr(model)
