"""The task families, one record each: config.py, make, submit and the app learn every task fact here.

A family is the tasks one project can switch between in config.toml (a table: classification or
regression; or recommendation); a project is baked with one family's code.

To add a model: write `models/<module>.py` with a `build(task, seed, **params)` function
(see `knn.py`, or `item_knn.py` for a recommender), add `"<name>": "<module>"` to its family's
models below and a `[models.<name>]` section to config.toml. `make` then trains and scores it,
and the leaderboard, the report and the demo app show it.
The training steps never import this file, so registering a model retrains only that model.
Standard library only.
"""

from __future__ import annotations

from typing import Any, NamedTuple

# The model every other is measured against: the floor of the leaderboard.
BASELINE = "random"


class Family(NamedTuple):
    """What differs by task family outside its modules under tasks/ (which say what its words mean, and
    name the modules of a task that one step alone runs: tasks/__init__.py's STEP_MODULES)."""

    # "table" or "recommendation": the API serves the family with serve/<name>_routes.py
    name: str
    # model name (as in config.toml) -> the module under models/ that builds it
    models: dict[str, str]
    # the [data] keys that name the snapshot's columns (read from cleanup on, never by the snapshot,
    # so changing one re-cleans rather than re-fetches) -> whether config.toml must set it
    data_keys: dict[str, bool]
    # the folder under reports/ that holds each model's output on the test set
    predicted: str
    # the sections whose defaults differ from config.DEFAULTS
    defaults: dict[str, dict[str, Any]]
    # the [submit] keys whose defaults are [data] keys: [submit] key -> [data] key
    submission_columns: dict[str, str]


TABLE_MODELS = {
    BASELINE: "random_baseline",
    "rules": "rules",
    "knn": "knn",
}
RECOMMENDERS = {
    BASELINE: "random_items",
    "rules": "popularity",
    "knn": "item_knn",
    "als": "als",
}

TABLE = Family(
    name="table",
    models=TABLE_MODELS,
    data_keys={"target": True},
    predicted="predictions",
    defaults={},
    submission_columns={"column": "target"},
)
RECOMMENDATION = Family(
    name="recommendation",
    models=RECOMMENDERS,
    data_keys={
        "user": True,
        "item": True,
        "rating": False,
        "time": False,
        "rating_kind": False,
        "items": False,
        "item_separator": False,
    },
    predicted="recommendations",
    defaults={
        "features": {"test_size": 0.2, "holdout": "random", "min_interactions": 2},
        "evaluate": {"k": 10},
    },
    submission_columns={"id": "user", "column": "item"},
)

# task (as in config.toml) -> its family
TASKS = {
    "classification": TABLE,
    "regression": TABLE,
    "recommendation": RECOMMENDATION,
}
