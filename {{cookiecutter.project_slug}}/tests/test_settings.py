"""Every setting of a table's config.toml reaches the stage that reads it and changes what it makes.

Each case edits one line of a classification config.toml, turns it into the stages' settings as
`make` does, and runs the stage that reads the setting on a small hand-made table: what the stage
makes must differ from what the unedited config makes. The defaults a section falls back to are
checked too.
"""

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.module_name }} import clean, config, tasks, train
from {{ cookiecutter.module_name }}.errors import StepError
from {{ cookiecutter.module_name }}.files import read_toml

CONFIG = """
task = "classification"
seed = 1

[data]
source = "table.csv"
target = "label"

[clean]
max_missing_fraction = 0.5
min_rows = 20
max_removed_share = 0.5
drop_duplicates = true
missing_as_value = false
max_target_shift = 0.25

[features]
test_size = 0.2
drop_columns = []
keep_columns = []

[models.random]
strategy = "stratified"

[models.rules]
max_learn_rows = 50000
min_rule_share = 0.01

[models.knn]
n_neighbors = [1, 3]
cv_folds = 3
max_train_rows = 20000
"""


def stages(text: str, tmp_path) -> dict:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return config.stage_settings(config.load(path))


def table() -> pd.DataFrame:
    """60 rows: `label` follows `size`; `sparse` is missing in 2 rows of 5; `row_id` is an id; 3 repeats."""
    rng = np.random.default_rng(5)
    size = rng.uniform(0, 10, 60).round(2)
    frame = pd.DataFrame(
        {
            "row_id": np.arange(60),
            "size": size,
            "colour": np.where(rng.random(60) < 0.5, "red", "blue"),
            "sparse": np.where(np.arange(60) % 5 < 2, np.nan, rng.uniform(0, 1, 60)),
            "shade": np.where(np.arange(60) % 20 == 3, None, "dark"),
            "label": np.where(size > 5, "big", "small"),
        }
    )
    return pd.concat([frame, frame.iloc[[3, 8, 13]]], ignore_index=True)


def cleaned(settings: dict) -> tuple[pd.DataFrame, list[clean.Step]]:
    return clean.clean(table(), settings["clean"])


def split_rows(settings: dict) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    frame = cleaned(settings)[0]
    return tasks.load("classification").split(frame, settings["split"])


def enough_rows(settings: dict) -> str:
    frame, report = cleaned(settings)
    try:
        clean.check_enough_rows(frame, report, settings["clean"]["min_rows"])
    except StepError as error:
        return str(error)
    return "enough"


def warnings_about_removals(settings: dict) -> tuple[list[str], list[str]]:
    """The columns kept (columns that cost too many rows are dropped) and the warnings."""
    frame, report = cleaned(settings)
    share = settings["clean"]["max_removed_share"]
    return list(frame.columns), clean.removed_too_many(report, len(table()), share)


def kept_unlike_removed(settings: dict) -> str:
    return tasks.load("classification").kept_unlike_removed(table(), cleaned(settings)[0], settings["clean"])


def fitted(name: str) -> Callable[[dict], object]:
    def fit(settings: dict):
        train_rows = split_rows(settings)[0]
        return train.fit(name, settings[name], train_rows)

    return fit


def random_guesses(settings: dict) -> list:
    model = fitted("random")(settings)
    return list(model.predict(split_rows(settings)[1].drop(columns=["label"])))


def described(name: str) -> Callable[[dict], str]:
    return lambda settings: fitted(name)(settings).describe()


def knn_search(settings: dict) -> tuple:
    model = fitted("knn")(settings)
    return model.best_params_["knn__n_neighbors"], model.n_splits_, model.n_train_rows_


# (the line as in CONFIG, the edited line, what the stage that reads it makes)
CASES = {
    "seed": ("seed = 1", "seed = 2", lambda s: sorted(split_rows(s)[1]["size"])),
    "[clean] max_missing_fraction": (
        "max_missing_fraction = 0.5",
        "max_missing_fraction = 0.3",
        lambda s: list(cleaned(s)[0].columns),
    ),
    "[clean] min_rows": ("min_rows = 20", "min_rows = 100", enough_rows),
    "[clean] max_removed_share": (
        "max_removed_share = 0.5",
        "max_removed_share = 0.3",
        warnings_about_removals,
    ),
    "[clean] missing_as_value": (
        "missing_as_value = false",
        "missing_as_value = true",
        lambda s: len(cleaned(s)[0]),
    ),
    "[clean] max_target_shift": ("max_target_shift = 0.25", "max_target_shift = 0.0", kept_unlike_removed),
    "[clean] drop_duplicates": (
        "drop_duplicates = true",
        "drop_duplicates = false",
        lambda s: len(cleaned(s)[0]),
    ),
    "[features] test_size": ("test_size = 0.2", "test_size = 0.5", lambda s: len(split_rows(s)[1])),
    "[features] drop_columns": (
        "drop_columns = []",
        'drop_columns = ["colour"]',
        lambda s: split_rows(s)[2]["features"],
    ),
    "[features] keep_columns": (
        "keep_columns = []",
        'keep_columns = ["row_id"]',
        lambda s: split_rows(s)[2]["features"],
    ),
    "[models.random] strategy": ('strategy = "stratified"', 'strategy = "most_frequent"', random_guesses),
    "[models.rules] max_learn_rows": ("max_learn_rows = 50000", "max_learn_rows = 10", described("rules")),
    "[models.rules] min_rule_share": ("min_rule_share = 0.01", "min_rule_share = 0.6", described("rules")),
    "[models.knn] n_neighbors": ("n_neighbors = [1, 3]", "n_neighbors = [9]", knn_search),
    "[models.knn] cv_folds": ("cv_folds = 3", "cv_folds = 4", knn_search),
    "[models.knn] max_train_rows": ("max_train_rows = 20000", "max_train_rows = 20", knn_search),
}


@pytest.mark.parametrize("setting", CASES)
def test_changing_a_setting_changes_what_its_stage_makes(setting, tmp_path):
    line, edited, makes = CASES[setting]
    assert CONFIG.count(line) == 1
    before = makes(stages(CONFIG, tmp_path))
    assert makes(stages(CONFIG.replace(line, edited), tmp_path)) != before


def test_every_setting_of_a_table_config_has_a_case(tmp_path):
    """A setting added to [clean], [features] or a model's section without a case here fails this test."""
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    parsed = read_toml(path)
    assert set(parsed["clean"]) == set(config.DEFAULTS["clean"])
    assert set(parsed["features"]) == set(config.DEFAULTS["features"])
    named = {f"[{section}] {key}" for section in ("clean", "features") for key in parsed[section]}
    named |= {f"[models.{model}] {key}" for model, values in parsed["models"].items() for key in values}
    assert named | {"seed"} == set(CASES)


def test_sections_left_out_fall_back_to_the_defaults(tmp_path):
    """A config.toml with only the task and the data gets the documented defaults."""
    minimal = 'task = "classification"\n[data]\nsource = "table.csv"\ntarget = "label"\n'
    settings = stages(minimal, tmp_path)
    assert settings["clean"] == {
        "task": "classification",
        "target": "label",
        "seed": 42,
        "sample": None,
        "max_missing_fraction": 0.5,
        "min_rows": 20,
        "max_removed_share": 0.5,
        "drop_duplicates": True,
        "missing_as_value": False,
        "max_target_shift": 0.25,
    }
    assert settings["split"] == {
        "task": "classification",
        "target": "label",
        "seed": 42,
        "test_size": 0.2,
        "drop_columns": [],
        "keep_columns": [],
    }
