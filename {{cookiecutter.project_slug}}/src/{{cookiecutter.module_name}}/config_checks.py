"""The checks of config.toml's values that every stage relies on, each failing with the key to fix.

Standard library only: config.py runs them before anything else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import StepError
from .metrics import names as metric_names
from .models.registry import TASKS
from .step_files import ENGINES, module_file

# The most folds [evaluate] folds may ask for: each one is one more training of every model.
MAX_FOLDS = 20


def baked_tasks() -> list[str]:
    """The tasks of the family this project was baked for: those whose module is in tasks/."""
    return [task for task in TASKS if module_file(f"tasks.{task}").is_file()]


def check_data_keys(data: dict[str, Any], task: str, path: Path) -> None:
    """The [data] keys the task needs are set, as strings; the other task family's are refused."""
    keys = TASKS[task].data_keys
    for key in ("source", *(key for key, required in keys.items() if required)):
        if not isinstance(data.get(key), str):
            raise StepError(f"{path}: set [data] {key} to a string (see the comments in the file)")
    for key in keys:
        if key in data and not isinstance(data[key], str):
            raise StepError(f"{path}: [data] {key} must be a string (a column or file name)")
    others = {key for family in TASKS.values() for key in family.data_keys} - set(keys)
    refused = sorted(others & set(data))
    if refused:
        wanted = ", ".join(key for key in keys if keys[key])
        raise StepError(
            f"{path}: [data] {refused[0]} is not used by the {task} task; remove it "
            f"(it reads [data] {wanted})"
        )


def check_k(evaluate: dict[str, Any], path: Path) -> None:
    """[evaluate] k, when set, is how many items each model recommends: a whole number, 1 or more."""
    k = evaluate.get("k", 1)
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise StepError(
            f"{path}: [evaluate] k is how many items to recommend: a whole number, 1 or more, not {k!r}"
        )


def check_metric(evaluate: dict[str, Any], task: str, path: Path) -> None:
    """[evaluate] metric, when set, is one of the task's metrics (metrics.py)."""
    metric = evaluate.get("metric")
    if metric is not None and metric not in metric_names(task):
        raise StepError(
            f"{path}: [evaluate] metric must be one of {', '.join(metric_names(task))} for {task}, "
            f"not {metric!r}"
        )


def check_folds(evaluate: dict[str, Any], task: str, path: Path) -> None:
    """[evaluate] folds, when set, is 2 to MAX_FOLDS (each fold is one more training), where the family
    cross-validates."""
    folds = evaluate.get("folds")
    if folds is None:
        return
    if not TASKS[task].cross_validates:
        raise StepError(f"{path}: [evaluate] folds is for table tasks, not {task}; remove it")
    if isinstance(folds, bool) or not isinstance(folds, int) or not 2 <= folds <= MAX_FOLDS:
        raise StepError(f"{path}: [evaluate] folds must be a whole number from 2 to {MAX_FOLDS}")


def check_engine(config: dict[str, Any], path: Path) -> None:
    """[data] engine names an engine, and "spark" comes with the recommendation task and a [spark] section."""
    engine, engines = config["data"].get("engine", "pandas"), TASKS[config["task"]].engines
    if engine not in ENGINES:
        raise StepError(f'{path}: [data] engine must be "pandas" or "spark", not {engine!r}')
    if engine not in engines or (engine == "spark" and "spark" not in config):
        raise StepError(
            f'{path}: [data] engine = "spark" needs task = "recommendation" and a [spark] section '
            '(master = "local[*]" or your cluster); remove engine to use pandas'
        )
