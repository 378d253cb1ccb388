"""The model progression: random baseline -> rules -> KNN, listed in registry.py.

Every model is built by its module's `build(task, seed, **params)` from the model's
`[models.<name>]` section of config.toml, and follows the task's interface (a
scikit-learn estimator for classification and regression).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from typing import Any


def build(module: str, task: str, seed: int, params: dict[str, Any]) -> Any:
    """An unfitted model from `models/<module>.py`; only that model's module is imported."""
    return import_module(f"{__name__}.{module}").build(task, seed, **params)


def configured(settings: Mapping[str, Any], params: dict[str, Any]) -> Any:
    """The unfitted model of `settings` (a .settings/<model>.json) built with `params`, as the train step
    and each learning-curve share train it: a grid search scores by `[evaluate] metric`, and a regressor
    learns log(1 + y) when `[features] target_transform = "log"` asks."""
    model = build(settings["module"], settings["task"], settings["seed"], params)
    if settings.get("metric") and hasattr(model, "scoring"):
        from ..metrics import METRICS

        model.set_params(scoring=METRICS[settings["metric"]].scorer)
    if settings["task"] == "regression":
        from .target import with_target_transform  # scikit-learn's base: a recommender needs none

        model = with_target_transform(model, settings.get("target_transform", "none"))
    return model


def describe(model: Any) -> str:
    """What a fitted model learned, in a line or a few."""
    if hasattr(model, "describe"):
        return model.describe()
    if hasattr(model, "best_params_"):
        chosen = ", ".join(f"{k.split('__')[-1]}={v}" for k, v in model.best_params_.items())
        return f"chose {chosen} by cross-validation ({model.scoring} {model.best_score_:.3f})"
    return repr(model)
