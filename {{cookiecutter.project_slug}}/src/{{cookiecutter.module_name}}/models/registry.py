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

from collections.abc import Callable
from typing import Any, NamedTuple

# The model every other is measured against: the floor of the leaderboard.
BASELINE = "random"


class Family(NamedTuple):
    """What differs by task family outside its modules under tasks/ (which say what its words mean, and
    name the modules of a task that one step alone runs: tasks/step_parts.py's STEP_MODULES)."""

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
    # config.toml -> what each stage after the snapshot knows of the data's columns, by stage kind
    # ("clean", "split", "model", "evaluate"); only what config.toml sets, so a settings file (and what
    # make rebuilds) changes only with it
    stage_fields: Callable[[dict[str, Any]], dict[str, dict[str, Any]]]
    # the [data] engines that can run its data steps (config.py: ENGINE_STEPS)
    engines: tuple[str, ...] = ("pandas",)
    # whether [evaluate] folds can score its models over folds of their training rows (cross_validation.py)
    cross_validates: bool = False


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

RECOMMENDATION_DEFAULTS = {
    "features": {"test_size": 0.2, "holdout": "random", "min_interactions": 2},
    "evaluate": {"k": 10},
}


def only(config: dict[str, Any], section: str, key: str) -> dict[str, Any]:
    """`{key: value}` if config.toml's [section] sets `key`, else `{}`."""
    return {name: value for name, value in config.get(section, {}).items() if name == key}


def table_fields(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A table's stages know its target; KNN's grid search scores by [evaluate] metric, and regressors
    learn the transformed target."""
    target = {"target": config["data"]["target"]}
    metric = only(config, "evaluate", "metric")
    return {
        "clean": target,
        "split": target,
        "model": target | metric | only(config, "features", "target_transform"),
        "evaluate": target | metric | only(config, "evaluate", "folds"),
    }


def recommendation_fields(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A recommender's stages know the interaction columns; a model also the item table, and the holdout
    and k it will be judged by (KNN picks its neighbour count the same way)."""
    data = config["data"]
    columns = {key: data.get(key) for key in ("user", "item", "rating", "time")}
    separator = only(config, "data", "item_separator")
    k = {**RECOMMENDATION_DEFAULTS["evaluate"], **config.get("evaluate", {})}["k"]
    holdout = {**RECOMMENDATION_DEFAULTS["features"], **config.get("features", {})}["holdout"]
    return {
        "clean": {"columns": columns, "rating_kind": data.get("rating_kind", "rating")},
        "split": {"columns": columns},
        "model": {"columns": columns, "items": data.get("items"), **separator, "k": k, "holdout": holdout},
        # items: for `invoke recommend` to show the items' details (evaluation itself never reads it)
        "evaluate": {"columns": columns, "k": k, "items": data.get("items")}
        | separator
        | only(config, "evaluate", "metric"),
    }


TABLE = Family(
    name="table",
    models=TABLE_MODELS,
    data_keys={"target": True},
    predicted="predictions",
    defaults={},
    submission_columns={"column": "target"},
    stage_fields=table_fields,
    cross_validates=True,
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
    defaults=RECOMMENDATION_DEFAULTS,
    submission_columns={"id": "user", "column": "item"},
    stage_fields=recommendation_fields,
    engines=("pandas", "spark"),
)

# task (as in config.toml) -> its family
TASKS = {
    "classification": TABLE,
    "regression": TABLE,
    "recommendation": RECOMMENDATION,
}
