"""`[submit]` in config.toml: which unlabeled source to predict for, and how to name the submission.

config.py asks this module for the two settings files of `make submit` and for make's view of
them, so a submission is rebuilt only when [submit], the chosen model or the source changes:
- `.settings/submit-data.json`: how to read the source (the [data] reader's keys), for the snapshot
  (data/raw/submit.parquet, taken by the same step as the training data's);
- `.settings/submit.json`: the id column, the prediction column, the model, probabilities (and, for
  model = "good_enough", [leaderboard] good_enough: the threshold the model is chosen by).
Standard library only: it runs before anything else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import StepError
from .metrics import BY_TASK
from .models.registry import TASKS
from .results import BEST, GOOD_ENOUGH
from .sources import local_files
from .sources.credentials import without_secrets

# The [submit] keys that say what to predict and how to write it; every other key reads the source.
SUBMISSION_KEYS = ("id", "column", "model", "probabilities")


def defaults(config: dict[str, Any]) -> dict[str, Any]:
    """What [submit] falls back to: the [data] target (or item) for the column, the best model."""
    data, columns = config["data"], TASKS[config["task"]].submission_columns
    return {**{key: data[column] for key, column in columns.items()}, "model": BEST, "probabilities": False}


def submit_section(config: dict[str, Any], path: Path) -> dict[str, Any] | None:
    """[submit] over its defaults, checked; None when config.toml has no [submit]."""
    if "submit" not in config:
        return None
    submit = {**defaults(config), **config["submit"]}
    for key in ("source", "id", "column", "model"):
        if not isinstance(submit.get(key), str) or not submit[key]:
            raise StepError(f"{path}: set [submit] {key} to a string (see the comments in the file)")
    models = list(config.get("models", {}))
    if submit["model"] not in (BEST, GOOD_ENOUGH, *models):
        raise StepError(
            f"{path}: [submit] model must be {BEST!r}, {GOOD_ENOUGH!r} or one of {', '.join(models)}"
        )
    if not isinstance(submit["probabilities"], bool):
        raise StepError(f"{path}: [submit] probabilities must be true or false")
    if submit["probabilities"] and not any(metric.needs_probabilities for metric in BY_TASK[config["task"]]):
        raise StepError(f"{path}: [submit] probabilities is for classification; remove it")
    if submit["id"] == submit["column"]:
        raise StepError(f"{path}: [submit] id and column name the same column; they must differ")
    return submit


def stages(config: dict[str, Any], fields: dict[str, Any], path: Path) -> dict[str, dict[str, Any]]:
    """The settings files of `make submit` (none without [submit]); `fields` are evaluate's task fields."""
    submit = submit_section(config, path)
    if submit is None:
        return {}
    reader = {key: value for key, value in submit.items() if key not in SUBMISSION_KEYS}
    chosen = {key: submit[key] for key in SUBMISSION_KEYS}
    if submit["model"] == GOOD_ENOUGH:  # only then: the threshold changes no other model's submission
        chosen["good_enough"] = config.get("leaderboard", {}).get("good_enough")
    return {
        # "section": where data.py finds a secret source again (the file holds it masked).
        "submit-data": {**without_secrets(reader), "section": "submit"},
        "submit": {"task": config["task"], **fields, **chosen},
    }


def make_variables(config: dict[str, Any], path: Path) -> list[str]:
    """SUBMIT_SOURCE (local files to watch) and SUBMIT_MODEL ("" without [submit]) for settings.mk."""
    submit = submit_section(config, path)
    return [
        "# [submit]: the unlabeled source's local files, and the model that predicts for it.",
        f"SUBMIT_SOURCE := {local_files(submit['source']) if submit else ''}",
        f"SUBMIT_MODEL := {submit['model'] if submit else ''}",
    ]
