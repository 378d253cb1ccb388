"""Each stage sees only its own settings, and its settings file changes only when they do."""

import json
import os
from pathlib import Path

import pytest

from {{ cookiecutter.module_name }} import config
from {{ cookiecutter.module_name }}.config import load, main, stage_settings
from {{ cookiecutter.module_name }}.errors import StepError

CONFIG = """
task = "classification"
seed = 1

[data]
source = "data/sample/penguins.csv"
target = "species"

[clean]
max_missing_fraction = 0.5

[models.random]
[models.knn]
n_neighbors = [1, 3]
"""


def write_settings(tmp_path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text)
    main(path, tmp_path / "settings")
    return {p.name: p.stat().st_mtime_ns for p in (tmp_path / "settings").iterdir()}


def test_every_stage_and_model_gets_a_settings_file(tmp_path):
    written = write_settings(tmp_path, CONFIG)
    expected = {"data", "clean", "split", "evaluate", "random", "knn"}
    assert set(written) == {f"{stage}.json" for stage in expected} | {"settings.mk"}
    knn = json.loads((tmp_path / "settings" / "knn.json").read_text())
    assert knn == {
        "model": "knn",
        "module": "knn",
        "task": "classification",
        "target": "species",
        "seed": 1,
        "params": {"n_neighbors": [1, 3]},
    }


def test_editing_one_model_section_rewrites_only_that_models_settings(tmp_path):
    before = write_settings(tmp_path, CONFIG)
    for path in (tmp_path / "settings").iterdir():  # make any rewrite visible in the timestamps
        os.utime(path, ns=(1, 1))
    after = write_settings(tmp_path, CONFIG.replace("[1, 3]", "[5]") + "\n# a comment\n")
    changed = {name for name in before if after[name] != 1}
    assert changed == {"knn.json", "settings.mk"}


def test_settings_mk_tells_make_the_source_and_the_models(tmp_path):
    write_settings(tmp_path, CONFIG)
    text = (tmp_path / "settings" / "settings.mk").read_text()
    assert "DATA_SOURCE := data/sample/penguins.csv" in text
    assert "MODELS := random knn" in text


def test_the_target_reaches_every_stage_that_reads_it(tmp_path):
    (tmp_path / "config.toml").write_text(CONFIG)
    stages = stage_settings(load(tmp_path / "config.toml"))
    assert {name for name, values in stages.items() if values.get("target") == "species"} == {
        "clean",
        "split",
        "evaluate",
        "random",
        "knn",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (CONFIG.replace('task = "classification"', 'task = "clustering"'), "task must be"),
        (CONFIG.replace('target = "species"', ""), r"set \[data\] target"),
        (CONFIG + "\n[models.forest]\n", "no model named forest"),
        (CONFIG + "\n[data\n", "not valid TOML"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path, text, message):
    (tmp_path / "config.toml").write_text(text)
    with pytest.raises(StepError, match=message):
        load(tmp_path / "config.toml")


def test_the_sample_reaches_cleanup_and_the_metrics_not_the_snapshot(tmp_path):
    """`[data] sample` is cleanup's setting (and recorded with the scores): changing it keeps the snapshot."""
    sampled = CONFIG.replace('target = "species"', 'target = "species"\nsample = 0.1')
    (tmp_path / "config.toml").write_text(sampled)
    stages = stage_settings(load(tmp_path / "config.toml"))
    assert "sample" not in stages["data"]
    assert stages["clean"]["sample"] == stages["evaluate"]["sample"] == 0.1


RECOMMENDATION = """
task = "recommendation"

[data]
source = "data/sample/interactions.csv"
user = "user"
item = "item"
time = "timestamp"
items = "data/sample/movies.csv"

[evaluate]
k = 5

[models.knn]
neighbors = [10, 20]
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (RECOMMENDATION.replace('user = "user"', ""), r"set \[data\] user"),
        (RECOMMENDATION.replace('item = "item"', "item = 3"), r"set \[data\] item to a string"),
        (
            RECOMMENDATION.replace('user = "user"', 'user = "user"\ntarget = "rating"'),
            r"\[data\] target is not used by the recommendation task",
        ),
        *(
            (RECOMMENDATION.replace("k = 5", f"k = {k}"), r"\[evaluate\] k is how many items to recommend")
            for k in ("0", "-3", "2.5", '"10"', "true")
        ),
    ],
)
def test_bad_recommendation_config_is_a_clear_error(tmp_path, text, message):
    """A recommender needs [data] user and item; a target is refused, by name; k is a count of items."""
    (tmp_path / "config.toml").write_text(text)
    with pytest.raises(StepError, match=message):
        stage_settings(load(tmp_path / "config.toml"))


def test_a_recommenders_column_names_re_clean_rather_than_re_fetch(tmp_path):
    """The snapshot never sees the column names; the stages after it get them, and k where it is judged."""
    (tmp_path / "config.toml").write_text(RECOMMENDATION)
    stages = stage_settings(load(tmp_path / "config.toml"))
    assert stages["data"] == {"source": "data/sample/interactions.csv"}
    columns = {"user": "user", "item": "item", "rating": None, "time": "timestamp"}
    assert stages["clean"]["columns"] == stages["split"]["columns"] == stages["knn"]["columns"] == columns
    assert stages["split"]["holdout"] == "random" and stages["knn"]["holdout"] == "random"
    assert stages["evaluate"]["k"] == stages["knn"]["k"] == 5
    assert stages["knn"]["items"] == "data/sample/movies.csv"


def test_settings_mk_names_the_item_table_and_the_recommendations_folder(tmp_path):
    write_settings(tmp_path, RECOMMENDATION)
    text = (tmp_path / "settings" / "settings.mk").read_text()
    assert "ITEMS := data/sample/movies.csv" in text
    assert "PREDICTED := recommendations" in text


def test_reordering_a_section_rewrites_no_stage_settings(tmp_path):
    """The same settings in another order are the same settings: no stage rebuilds."""
    reordered = CONFIG.replace("n_neighbors = [1, 3]", "cv_folds = 3\nn_neighbors = [1, 3]")
    write_settings(tmp_path, reordered)
    for path in (tmp_path / "settings").iterdir():
        os.utime(path, ns=(1, 1))
    after = write_settings(tmp_path, reordered.replace("cv_folds = 3\nn_neighbors = [1, 3]",
                                                       "n_neighbors = [1, 3]\ncv_folds = 3"))
    assert {name for name, mtime in after.items() if mtime != 1} == {"settings.mk"}


def code_lines(settings_mk: str) -> dict[str, set[str]]:
    """The package files settings.mk lists per step (CODE_<step>) and per model, relative to the package."""
    package = Path(config.__file__).resolve().parent
    lines = {}
    for line in settings_mk.splitlines():
        if line.startswith(("CODE_", "models/")):
            name, files = line.split(":", 1)
            files = files.removeprefix("= ").split()
            lines[name.strip()] = {Path(file).resolve().relative_to(package).as_posix() for file in files}
    return lines


def test_settings_mk_lists_the_code_each_step_runs(tmp_path):
    """A step is rebuilt when a module it imports changes (also through a package, and the task's module);
    files that only shape messages are left out, and the other tasks' modules too."""
    write_settings(tmp_path, CONFIG)
    code = code_lines((tmp_path / "settings" / "settings.mk").read_text())
    assert {"clean.py", "files.py", "tasks/__init__.py", "tasks/tabular.py", "tasks/classification.py"} <= (
        code["CODE_clean"]
    )
    assert {"train.py", "models/__init__.py", "tasks/classification.py"} <= code["CODE_train"]
    assert {"leaderboard.py", "results.py"} <= code["CODE_leaderboard"]
    assert not any(file.startswith("tasks/") for file in code["CODE_leaderboard"])
    assert {"models/knn.py", "models/features.py"} <= code["models/knn.joblib"]
    every = set().union(*code.values())
    assert not every & {"cli.py", "errors.py", "progress.py", "tasks/regression.py"}


def test_a_missing_config_toml_says_where_to_run_make(tmp_path):
    with pytest.raises(StepError, match="config.toml not found: run make from the project's root folder"):
        load(tmp_path / "config.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (CONFIG.replace('"classification"', '"clustering"'),
         "task must be one of 'classification', 'regression', 'recommendation', not 'clustering'"),
        (CONFIG + "\n[models.forest]\n", "no model named forest; known models: random, rules, knn"),
    ],
)
def test_a_wrong_name_in_config_toml_lists_the_names_it_could_be(tmp_path, text, message):
    (tmp_path / "config.toml").write_text(text)
    with pytest.raises(StepError, match=message):
        load(tmp_path / "config.toml")


def test_evaluate_metric_must_be_one_of_the_tasks_metrics(tmp_path):
    """[evaluate] metric = "rmsle" on a classification task is refused, listing the task's metrics."""
    path = tmp_path / "config.toml"
    path.write_text(CONFIG + '\n[evaluate]\nmetric = "rmsle"\n')
    with pytest.raises(StepError, match=r"metric must be one of balanced_accuracy, accuracy, f1_macro, roc"):
        main(path, tmp_path / "settings")


def test_the_chosen_metric_reaches_evaluation_and_the_models(tmp_path):
    """[evaluate] metric goes to the evaluate stage (ranking) and each model's (KNN's grid search)."""
    path = tmp_path / "config.toml"
    path.write_text(CONFIG + '\n[evaluate]\nmetric = "roc_auc"\n')
    main(path, tmp_path / "settings")
    for stage in ("evaluate", "knn"):
        assert json.loads((tmp_path / "settings" / f"{stage}.json").read_text())["metric"] == "roc_auc"
