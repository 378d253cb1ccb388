"""The one list of tasks and of the models each trains: config.py, make and the app learn it here.

To add a model: write `models/<module>.py` with a `build(task, seed, **params)` function
(see `knn.py`, or `item_knn.py` for a recommender), add `"<name>": "<module>"` below and a
`[models.<name>]` section to config.toml. `make` then trains and scores it, and the
leaderboard, the report and the demo app show it.
The training steps never import this file, so registering a model retrains only that model.
Standard library only.
"""

# The model every other is measured against: the floor of the leaderboard.
BASELINE = "random"

# model name (as in config.toml) -> module under models/ that builds it
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

# task (as in config.toml) -> the models it can train
TASKS = {
    "classification": TABLE_MODELS,
    "regression": TABLE_MODELS,
    "recommendation": RECOMMENDERS,
}

# task -> the [data] keys that say how to read the snapshot's columns (read from cleanup on, never by
# the snapshot, so changing one re-cleans rather than re-fetches) -> whether config.toml must set it
TABLE_KEYS = {"target": True}
INTERACTION_KEYS = {
    "user": True,
    "item": True,
    "rating": False,
    "time": False,
    "rating_kind": False,
    "items": False,
}
TASK_DATA_KEYS = {
    "classification": TABLE_KEYS,
    "regression": TABLE_KEYS,
    "recommendation": INTERACTION_KEYS,
}

# task -> the folder under reports/ that holds each model's output on the test set
PREDICTED = {
    "classification": "predictions",
    "regression": "predictions",
    "recommendation": "recommendations",
}
