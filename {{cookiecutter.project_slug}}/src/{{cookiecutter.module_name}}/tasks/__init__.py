"""What differs by task: one module per task (models/registry.py lists them), one interface.

A task module says what its words mean, so the steps never ask which task they serve:

- `PRIMARY_METRIC`, `HIGHER_IS_BETTER`, `METRIC_MEANING`: how the leaderboard ranks models;
- `check(frame, settings)`: stop with a clear error if cleaned rows cannot be trained on;
- `split(frame, settings) -> (train, test)`: the held-out rows;
- `fit(model, rows, settings)`: train a model on the training rows;
- `predict(model, rows, settings) -> predictions`: what a model says about the test rows;
- `score(predictions) -> metrics`: the task's metrics, the primary one included;
- `chart(predictions, result) -> Figure`: how one model errs, for the figures.

`settings` is the calling stage's settings file; `result` a reports/metrics/<model>.json.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType


def load(task: str) -> ModuleType:
    """The module of `task`; only that task's libraries are imported."""
    return import_module(f"{__name__}.{task}")
