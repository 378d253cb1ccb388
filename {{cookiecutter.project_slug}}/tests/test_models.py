"""Every model is a scikit-learn estimator that beats, or is, the random baseline."""

import joblib
import pandas as pd
import pytest

from {{ cookiecutter.module_name }} import tasks
from {{ cookiecutter.module_name }}.clean import clean
from {{ cookiecutter.module_name }}.errors import StepError
from {{ cookiecutter.module_name }}.models.registry import TABLE_MODELS
from {{ cookiecutter.module_name }}.models.rules import build as build_rules
from {{ cookiecutter.module_name }}.train import cap_rows, fit

TARGETS = {"classification": "label", "regression": "weight"}


def model_settings(name: str, task: str, **params) -> dict:
    return {
        "model": name,
        "module": TABLE_MODELS[name],
        "task": task,
        "target": TARGETS[task],
        "seed": 0,
        "params": params,
    }


def rows_for(small_frame: pd.DataFrame, task: str) -> pd.DataFrame:
    """The cleaned small frame with only the task's target column."""
    other_target = ({"label", "weight"} - {TARGETS[task]}).pop()
    return clean(small_frame, "label")[0].drop(columns=[other_target])


def features_and_target(frame: pd.DataFrame, task: str) -> tuple[pd.DataFrame, pd.Series]:
    return frame.drop(columns=[TARGETS[task]]), frame[TARGETS[task]]


def fit_small(name: str, task: str, rows: pd.DataFrame):
    params = {"cv_folds": 3, "n_neighbors": [1, 3]} if name == "knn" else {}
    return fit(name, model_settings(name, task, **params), rows)


@pytest.mark.parametrize("task", ["classification", "regression"])
@pytest.mark.parametrize("name", list(TABLE_MODELS))
def test_every_model_fits_and_predicts_one_value_per_row(small_frame, name, task):
    rows = rows_for(small_frame, task)
    model = fit_small(name, task, rows)
    X, _ = features_and_target(rows, task)
    assert len(model.predict(X)) == len(X)
    assert model.n_train_rows_ == len(rows)


@pytest.mark.parametrize("task", ["classification", "regression"])
@pytest.mark.parametrize("name", list(TABLE_MODELS))
def test_an_unseen_category_does_not_crash_a_model(small_frame, name, task):
    model = fit_small(name, task, rows_for(small_frame, task))
    assert len(model.predict(pd.DataFrame({"size": [4.0], "colour": ["green"]}))) == 1


def test_learned_rule_is_readable_and_separates_the_classes(small_frame):
    X, y = features_and_target(rows_for(small_frame, "classification"), "classification")
    model = build_rules("classification", seed=0).fit(X, y)
    assert (model.predict(X) == y).all()
    text = model.describe()
    assert text.startswith("if ")
    assert "rules = [" in text and "default = " in text


def test_hand_written_rules_replace_the_learned_one(small_frame):
    X, y = features_and_target(rows_for(small_frame, "classification"), "classification")
    model = build_rules("classification", 0, rules=[["size > 8", "big"]], default="small").fit(X, y)
    assert list(model.predict(pd.DataFrame({"size": [9.0, 6.0], "colour": ["red", "red"]}))) == [
        "big",
        "small",
    ]


def test_a_rule_over_a_missing_column_is_a_clear_error(small_frame):
    X, y = features_and_target(rows_for(small_frame, "classification"), "classification")
    with pytest.raises(StepError, match="'height > 2' does not work"):
        build_rules("classification", 0, rules=[["height > 2", "big"]]).fit(X, y)


def test_an_unknown_model_setting_is_a_clear_error(small_frame):
    frame = rows_for(small_frame, "classification")
    with pytest.raises(StepError, match=r"\[models.knn\] in config.toml has a setting"):
        fit("knn", model_settings("knn", "classification", neighbours=3), frame)


def test_training_rows_are_capped_reproducibly(small_frame):
    first, second = cap_rows(small_frame, 10, seed=3), cap_rows(small_frame, 10, seed=3)
    assert len(first) == 10
    assert first.index.equals(second.index)
    assert cap_rows(small_frame, 100, seed=3) is small_frame


# Model tests on the project's configured data (the penguins sample until you change it).


@pytest.fixture(scope="session")
def trained(settings, split_data) -> dict:
    train, _ = split_data
    return {name: fit(name, values, train) for name, values in settings.items() if "model" in values}


def primary_scores(trained, settings, split_data) -> dict[str, float]:
    """Each model's primary metric on the test rows, signed so that higher is better."""
    _, test = split_data
    task = tasks.load(settings["evaluate"]["task"])
    sign = 1 if task.HIGHER_IS_BETTER else -1
    return {
        name: sign * task.score(task.predict(model, test, settings["evaluate"]))[task.PRIMARY_METRIC]
        for name, model in trained.items()
    }


def test_knn_clearly_beats_the_random_baseline(trained, settings, split_data):
    scores = primary_scores(trained, settings, split_data)
    assert scores["knn"] > scores["random"] + 0.2 * abs(scores["random"])


def test_rules_beat_the_random_baseline(trained, settings, split_data):
    scores = primary_scores(trained, settings, split_data)
    assert scores["rules"] > scores["random"]


def test_a_saved_model_predicts_one_row(trained, settings, split_data, tmp_path):
    _, test = split_data
    joblib.dump(trained["knn"], tmp_path / "knn.joblib")
    row = test.drop(columns=[settings["evaluate"]["target"]]).head(1)
    assert len(joblib.load(tmp_path / "knn.joblib").predict(row)) == 1
