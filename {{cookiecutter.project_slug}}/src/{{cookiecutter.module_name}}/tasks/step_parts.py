"""Which module of a task one step alone runs: standard library only, so `step_files.py` (make's
CODE_<step> lists) reads it without importing the tasks package's interface."""

# task -> its modules here that one step alone runs, by step: the model_figures step's chart and the
# submit step's submission. No other step imports them, so editing a chart redraws the models' figures
# and retrains nothing. (Here, not in models/registry.py: the steps import this package, and registering a
# model must retrain only that model.)
STEP_MODULES = {
    "classification": {"model_figures": "classification_chart", "submit": "table_submission"},
    "regression": {"model_figures": "regression_chart", "submit": "table_submission"},
    "recommendation": {"model_figures": "recommendation_chart", "submit": "recommendation_submission"},
}


def step_module(task: str, step: str = "") -> str:
    """The module here that `step` runs for `task`: its part for that step, else the task's own module."""
    return STEP_MODULES[task].get(step, task)
