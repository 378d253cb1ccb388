"""The one list of tasks and of the models each trains: config.py, make and the app learn it here.

To add a model: write `models/<module>.py` with a `build(task, seed, **params)` function
(see `knn.py`), add `"<name>": "<module>"` below and a `[models.<name>]` section to config.toml.
`make` then trains and scores it, and the leaderboard, the report and the demo app show it.
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

# task (as in config.toml) -> the models it can train
TASKS = {
    "classification": TABLE_MODELS,
    "regression": TABLE_MODELS,
}
