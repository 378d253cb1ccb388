"""What differs by task: one module per task (models/registry.py lists them), one interface.

A task module says what its words mean, so the steps never ask which task they serve:

- `PRIMARY_METRIC`, `HIGHER_IS_BETTER`: how the leaderboard ranks models;
- `check(frame, settings)`: stop with a clear error if cleaned rows cannot be trained on;
- `split(frame, settings) -> (train, test)`: the held-out rows (per row for tables, per user for
  recommendations);
- `fit(model, rows, settings)`: train a model on the training rows;
- `evaluate(model, train, test, settings) -> (predictions, fields)`: what a model says about the
  test set (reports/<predicted>/<model>.parquet) and the fields of its metrics file: `goal`,
  `n_test`, `test_unit` ("rows" or "users"), `metric_meaning`, `metrics` (the primary one
  included), plus the task's own (a recommender's `k` and metric curves);
- `chart(predictions, result) -> Figure`: how one model does on the test set, for the figures.

`settings` is the calling stage's settings file; `result` a reports/metrics/<model>.json.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType


def load(task: str) -> ModuleType:
    """The module of `task`; only that task's libraries are imported."""
    return import_module(f"{__name__}.{task}")
