"""The contract every task module keeps: the steps call each task through the same interface.

Run over every task this project was baked with, so a task added to the family (a module under
tasks/ and a line in models/registry.py) is checked the same way as the others.
"""

import inspect

import pytest

from {{ cookiecutter.module_name }} import config, metrics, tasks, train
from {{ cookiecutter.module_name }}.models import build
from {{ cookiecutter.module_name }}.models.registry import BASELINE, TASKS

# What the steps call on a task module, and how many arguments each takes (tasks/__init__.py).
INTERFACE = {"cleanup_steps": 1, "check": 2, "split": 2, "evaluation_columns": 1, "fit": 3, "evaluate": 4}
BAKED = config.baked_tasks()


def test_the_project_has_one_family_of_tasks():
    """A project is baked with one family's code: every task it offers shares one record."""
    assert BAKED and len({id(TASKS[task]) for task in BAKED}) == 1


@pytest.mark.parametrize("task", BAKED)
def test_a_task_module_has_every_function_the_steps_call(task):
    """cleanup, split, train and evaluate find the functions they call, taking the arguments they pass."""
    module = tasks.load(task)
    for name, count in INTERFACE.items():
        assert len(inspect.signature(getattr(module, name)).parameters) == count, name
    assert metrics.primary(task).name in metrics.names(task)  # the table of metrics knows the task


@pytest.mark.parametrize("task", BAKED)
def test_a_tasks_chart_and_submission_load_apart_from_its_training_code(task):
    """model_figures and submit load what they alone run; the task module that training loads has neither."""
    assert callable(tasks.load(task, "model_figures").chart)
    assert callable(tasks.load(task, "submit").submission)
    assert not {"chart", "submission"} & set(vars(tasks.load(task)))


@pytest.mark.parametrize("task", BAKED)
def test_every_model_of_the_family_builds_for_the_task(task):
    """Each registered model's module builds an unfitted model with its defaults."""
    for module in TASKS[task].models.values():
        assert build(module, task, 0, {}) is not None, module


def test_the_baseline_scores_the_primary_metric_on_the_configured_data(settings, split_data):
    """Trained and scored as the steps do it, the random baseline reports the task's primary metric."""
    train_rows, test_rows = split_data
    model = train.fit(BASELINE, settings[BASELINE], train_rows)
    task = settings["evaluate"]["task"]
    _, fields = tasks.load(task).evaluate(model, train_rows, test_rows, settings["evaluate"])
    assert metrics.primary(task, settings["evaluate"].get("metric")).name in fields["metrics"]
