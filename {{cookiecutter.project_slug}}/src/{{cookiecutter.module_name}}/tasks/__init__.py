"""What differs by task: one module per task (models/registry.py lists them), one interface.

A task module says what its words mean, so the steps never ask which task they serve:

- `evaluation_columns(settings) -> {"train": columns, "test": columns}`: the columns `evaluate`
  reads from each split (None: all of them); a split it does not name is not read, and `evaluate`
  gets None for it;
- `cleanup_steps(settings) -> [Cleanup]` (cleanup_step.py): the task's cleanup, in order, after the
  column names are stripped; each step returns the cleaned frame, or the frame and a note for the report;
- `kept_unlike_removed(before, after, settings) -> str` (tables only): a warning when the target of
  the rows cleanup kept differs from the removed rows', "" when it does not;
- `check(frame, settings)`: stop with a clear error if cleaned rows cannot be trained on;
- `split(frame, settings) -> (train, test, features)`: the held-out rows (per row for tables, per
  user for recommendations) with the columns the models may see, and the record of those columns
  (`features`, and the columns `removed` with why);
- `fit(model, rows, settings)`: train a model on the training rows;
- `evaluate(model, train, test, settings) -> (predictions, fields)`: what a model says about the
  test set (reports/<predicted>/<model>.parquet) and the fields of its metrics file: `goal`,
  `n_test`, `test_unit` ("rows" or "users"), `metric_meaning`, `metrics` (the primary one
  included: `[evaluate] metric`, or the task's first in metrics.py), plus the task's own (a
  recommender's `k` and metric curves);
Two parts of a task live in modules of their own (step_parts.py names them), each
loaded only by the step that runs it, so editing one rebuilds only that step:
- `chart(predictions, result) -> Figure` (model_figures): how one model does on the test set.
- `submission(model, source, train, settings) -> (submission, notes)` (submit): `make submit`'s
  predictions for the rows of an unlabeled source (`[submit]`), one row per source row in its order,
  the id column first; and lines for the team (rows that needed filling in, unseen categories).

`settings` is the calling stage's settings file; `result` a reports/metrics/<model>.json.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

from ..errors import StepError
from .step_parts import step_module

if TYPE_CHECKING:
    import pandas as pd


def strip_column_names(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with spaces stripped from its column names (cleanup's first step, and a submission's)."""
    stripped = frame.rename(columns=lambda name: str(name).strip())
    repeated = stripped.columns[stripped.columns.duplicated()]
    if len(repeated):
        raise StepError(f"two columns are both named {repeated[0]!r} once spaces are stripped; rename one")
    return stripped


def load(task: str, step: str = "") -> ModuleType:
    """The module of `task`, or its part that only `step` runs (its chart for "model_figures", its submission
    for "submit"); only that task's libraries are imported."""
    return import_module(f"{__name__}.{step_module(task, step)}")
