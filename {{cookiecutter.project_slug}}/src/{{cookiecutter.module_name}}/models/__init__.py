"""The model progression: random baseline -> rules -> KNN.

Every model is a scikit-learn estimator built by a `build(task, seed, **params)`
function; `params` is the model's `[models.<name>]` section of config.toml.
To add a model: write `models/<yours>.py` with a `build` function, add it to
BUILDERS and add a `[models.<name>]` section to config.toml.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# model name (as in config.toml) -> module in this package that builds it
BUILDERS = {
    "random": "random_baseline",
    "rules": "rules",
    "knn": "knn",
}


def build(name: str, task: str, seed: int, params: dict[str, Any]) -> Any:
    """An unfitted estimator for model `name`; only that model's module is imported."""
    module = import_module(f"{__name__}.{BUILDERS[name]}")
    return module.build(task, seed, **params)
