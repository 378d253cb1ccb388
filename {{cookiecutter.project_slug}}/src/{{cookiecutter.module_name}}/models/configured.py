"""A model as its settings ask for it: built, scored by `[evaluate] metric`, learning log(1 + y) on request.

The train step and the learning step build their models here. It is not in models/__init__.py because
target.py, which it imports, imports `describe` from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import build


def configured(settings: Mapping[str, Any], params: dict[str, Any], search: bool = True) -> Any:
    """The unfitted model of `settings` (a .settings/<model>.json) built with `params`, as the train step
    and each learning-curve share train it: a grid search scores by `[evaluate] metric`, and a regressor
    learns log(1 + y) when `[features] target_transform = "log"` asks. Without `search`, a grid search of
    a single candidate is that candidate's estimator, fitted directly (learning.py)."""
    model = build(settings["module"], settings["task"], settings["seed"], params)
    if not search and hasattr(model, "param_grid"):
        model = only_candidate(model)
    if settings.get("metric") and hasattr(model, "scoring"):
        from ..metrics import METRICS

        model.set_params(scoring=METRICS[settings["metric"]].scorer)
    if settings["task"] == "regression":
        from .target import with_target_transform  # scikit-learn's base: a recommender needs none

        model = with_target_transform(model, settings.get("target_transform", "none"))
    return model


def only_candidate(search: Any) -> Any:
    """The unfitted estimator that the grid `search` would refit when its grid holds a single candidate (with
    nothing to choose, cross-validating it only costs time); else `search` itself."""
    from sklearn.base import clone
    from sklearn.model_selection import ParameterGrid  # only the learning step gets here

    candidates = list(ParameterGrid(search.param_grid))
    return clone(search.estimator).set_params(**candidates[0]) if len(candidates) == 1 else search
