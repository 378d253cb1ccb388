"""Each stage sees only its own settings, and its settings file changes only when they do."""

import json
import os
import re
from pathlib import Path

import pytest

from {{ cookiecutter.module_name }} import config
from {{ cookiecutter.module_name }}.config import load, main, stage_settings
from {{ cookiecutter.module_name }}.errors import StepError
from {{ cookiecutter.module_name }}.step_files import relative_imports

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
    expected = {"data", "clean", "split", "evaluate", "leaderboard", "random", "knn"}
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
        # a table project's code has no recommender: its family is chosen when the project is baked
        (CONFIG.replace('task = "classification"', 'task = "recommendation"'), "task must be one of"),
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


def test_reordering_a_section_rewrites_no_stage_settings(tmp_path):
    """The same settings in another order are the same settings: no stage rebuilds."""
    reordered = CONFIG.replace("n_neighbors = [1, 3]", "cv_folds = 3\nn_neighbors = [1, 3]")
    write_settings(tmp_path, reordered)
    for path in (tmp_path / "settings").iterdir():
        os.utime(path, ns=(1, 1))
    after = write_settings(
        tmp_path,
        reordered.replace("cv_folds = 3\nn_neighbors = [1, 3]", "n_neighbors = [1, 3]\ncv_folds = 3"),
    )
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


# A module importing the package's own code every way it can (and two libraries, which are not the package).
IMPORTING = """import os
from pathlib import Path

from .files import read_json
from . import results as ranked


def later():
    from .models import (
        knn,  # the neighbours
        rules,
    )
    from .tasks import \\
        tabular
"""
IMPORTED = {
    (1, "files", ("read_json",)),
    (1, None, ("results",)),
    (1, "models", ("knn", "rules")),
    (1, "tasks", ("tabular",)),
}


@pytest.mark.parametrize("comment", ["# the neighbours", "# not rules)"])
def test_the_code_scan_finds_every_relative_import(comment):
    """make's CODE_<step> lists come from the package's relative imports, read statement by statement: at
    the top and in a function, over a bracketed list or a backslash; a comment holding a bracket, which
    leaves a statement unreadable alone, has the whole module read instead, with the same result."""
    found = relative_imports(IMPORTING.replace("# the neighbours", comment))
    assert {(node.level, node.module, tuple(name.name for name in node.names)) for node in found} == IMPORTED


def test_a_missing_config_toml_says_where_to_run_make(tmp_path):
    with pytest.raises(StepError, match="config.toml not found: run make from the project's root folder"):
        load(tmp_path / "config.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            CONFIG.replace('"classification"', '"clustering"'),
            "task must be one of 'classification', 'regression'",
        ),
        (CONFIG + "\n[models.forest]\n", "no model named forest; known models: random, rules, knn"),
    ],
)
def test_a_wrong_name_in_config_toml_lists_the_names_it_could_be(tmp_path, text, message):
    (tmp_path / "config.toml").write_text(text)
    with pytest.raises(StepError, match=message):
        load(tmp_path / "config.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            CONFIG.replace("max_missing_fraction", "max_missing_fractoin"),
            "[clean] max_missing_fractoin is not a setting; did you mean max_missing_fraction?",
        ),
        (
            CONFIG + '\n[evaluate]\nmetrc = "rmse"\n',
            "[evaluate] metrc is not a setting; did you mean metric?",
        ),
        (
            CONFIG.replace("n_neighbors", "n_neighbours"),
            "[models.knn] n_neighbours is not a setting; did you mean n_neighbors?",
        ),
        (CONFIG.replace("seed = 1", "sed = 1"), "sed is not a setting; did you mean seed?"),
        (CONFIG.replace("[clean]", "[cleaning]"), "[cleaning] is not a section; did you mean clean?"),
        (CONFIG.replace('target = "species"', 'target = "species"\nmax_page = 5'), "did you mean max_pages?"),
        (
            CONFIG.replace("max_missing_fraction = 0.5", 'max_missing_fraction = "half"'),
            "[clean] max_missing_fraction must be a number, not text",
        ),
        (CONFIG.replace("seed = 1", "seed = 1.5"), "seed must be a whole number, not a number"),
        (
            CONFIG + "\n[features]\ndrop_columns = true\n",
            "[features] drop_columns must be a list, not true or false",
        ),
        (
            CONFIG + '\n[leaderboard]\ngood_enough = "half"\n',
            "[leaderboard] good_enough must be a number, not text",
        ),
        (CONFIG + "\n[evaluate]\nfolds = 1\n", "[evaluate] folds must be a whole number from 2 to 20"),
        (CONFIG + "\n[evaluate]\nfolds = 500\n", "[evaluate] folds must be a whole number from 2 to 20"),
    ],
)
def test_a_setting_that_does_not_exist_or_has_the_wrong_type_is_one_line(tmp_path, text, message):
    """A typo in config.toml is refused, naming the section, the key and the closest setting; a value
    of the wrong type names the type expected, without echoing the value."""
    (tmp_path / "config.toml").write_text(text)
    with pytest.raises(StepError, match=re.escape(message)) as error:
        load(tmp_path / "config.toml")
    assert "\n" not in str(error.value) and "half" not in str(error.value)


def test_every_data_reader_setting_and_model_parameter_is_accepted(tmp_path):
    """The table takes [data]'s reader settings from the reader, and a model's from its build()."""
    reader = 'target = "species"\nmax_bytes = 1000\nfollow_redirects = "any"'
    rules = "\n[models.rules]\nmax_learn_rows = 10\nmax_train_rows = 5\n"
    (tmp_path / "config.toml").write_text(CONFIG.replace('target = "species"', reader) + rules)
    assert load(tmp_path / "config.toml")["models"]["rules"] == {"max_learn_rows": 10, "max_train_rows": 5}


def test_evaluate_metric_must_be_one_of_the_tasks_metrics(tmp_path):
    """[evaluate] metric = "rmsle" on a classification task is refused, listing the task's metrics."""
    path = tmp_path / "config.toml"
    path.write_text(CONFIG + '\n[evaluate]\nmetric = "rmsle"\n')
    with pytest.raises(
        StepError, match=r"metric must be one of balanced_accuracy, accuracy, f1_macro, roc_auc"
    ):
        main(path, tmp_path / "settings")


def test_folds_reach_evaluation_only_so_setting_them_retrains_no_model(tmp_path):
    """[evaluate] folds goes to the evaluate stage alone: the models' settings files stay as they were."""
    before = tmp_path / "before"
    (tmp_path / "config.toml").write_text(CONFIG)
    main(tmp_path / "config.toml", before)
    (tmp_path / "config.toml").write_text(CONFIG + "\n[evaluate]\nfolds = 5\n")
    main(tmp_path / "config.toml", tmp_path / "settings")
    assert json.loads((tmp_path / "settings" / "evaluate.json").read_text())["folds"] == 5
    for stage in ("random", "knn"):
        assert (tmp_path / "settings" / f"{stage}.json").read_text() == (before / f"{stage}.json").read_text()


def test_the_chosen_metric_reaches_evaluation_and_the_models(tmp_path):
    """[evaluate] metric goes to the evaluate stage (ranking) and each model's (KNN's grid search)."""
    path = tmp_path / "config.toml"
    path.write_text(CONFIG + '\n[evaluate]\nmetric = "roc_auc"\n')
    main(path, tmp_path / "settings")
    for stage in ("evaluate", "knn"):
        assert json.loads((tmp_path / "settings" / f"{stage}.json").read_text())["metric"] == "roc_auc"
