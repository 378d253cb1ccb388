"""Every model is a scikit-learn estimator that beats, or is, the random baseline."""

import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import GridSearchCV

import conftest
from {{ cookiecutter.module_name }} import metrics, tasks
from {{ cookiecutter.module_name }}.errors import StepError
from {{ cookiecutter.module_name }}.models import knn
from {{ cookiecutter.module_name }}.models.conditions import quote
from {{ cookiecutter.module_name }}.models.knn import fold_count, usable_neighbours
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
    return conftest.clean_table(small_frame, "label")[0].drop(columns=[other_target])


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
    message = "rule 'height > 2': there is no column height; the columns are: size, colour"
    with pytest.raises(StepError, match=message):
        build_rules("classification", 0, rules=[["height > 2", "big"]]).fit(X, y)


def test_the_first_rule_that_matches_wins(small_frame):
    """A later rule never overrides an earlier match, as config.toml and the README promise."""
    X, y = features_and_target(rows_for(small_frame, "classification"), "classification")
    rules = [["size > 2", "big"], ["size > 8", "huge"], ["colour == 'red'", "red"]]
    model = build_rules("classification", 0, rules=rules, default="small").fit(X, y)
    rows = pd.DataFrame({"size": [9.0, 1.0, 1.0], "colour": ["red", "red", "blue"]})
    assert list(model.predict(rows)) == ["big", "red", "small"]


def test_a_rule_in_config_that_holds_code_never_runs_it(small_frame, tmp_path):
    """`[models.rules]` takes conditions, not code: an attempt to run a command is a clear error."""
    X, y = features_and_target(rows_for(small_frame, "classification"), "classification")
    marker = tmp_path / "ran"
    rules = [[f"@pd.io.common.os.system('touch {marker}') == 0", "big"]]
    with pytest.raises(StepError, match="'@' is not supported here"):
        build_rules("classification", 0, rules=rules).fit(X, y)
    assert not marker.exists()


def test_a_column_name_that_holds_code_is_only_a_name(small_frame, tmp_path):
    """A CSV header crafted to run a command is learned from, printed and applied as a plain name."""
    marker = tmp_path / "ran"
    name = f"`island` + (@pd.io.common.os.system('touch {marker}') * '') + `island`"
    X, y = features_and_target(rows_for(small_frame, "classification"), "classification")
    X = X[["size"]].rename(columns={"size": name})
    model = build_rules("classification", 0).fit(X, y)
    assert (model.predict(X) == y).all()
    assert quote(name) in model.describe()
    assert not marker.exists()


def test_a_python_keyword_works_as_a_column_name_learned_or_hand_written(small_frame):
    X, y = features_and_target(rows_for(small_frame, "classification"), "classification")
    X = X.rename(columns={"colour": "class"})[["class"]]
    learned = build_rules("classification", 0).fit(X, y)
    assert learned.describe().startswith("if class == ")
    written = build_rules("classification", 0, rules=[["class == 'red'", "big"]], default="small").fit(X, y)
    assert (written.predict(X) == y).all()


def test_a_threshold_on_a_date_column_is_written_as_a_date_and_runs_as_written(small_frame):
    """Every learned rule runs on the rows it was learned from: a date threshold is a date literal."""
    X, y = features_and_target(rows_for(small_frame, "classification"), "classification")
    X = pd.DataFrame({"day": pd.Timestamp("2024-01-01") + pd.to_timedelta(X["size"] * 10, unit="D")})
    model = build_rules("classification", 0).fit(X, y)
    condition = model.rules_[0][0]
    assert condition.startswith("day <= '2024-")
    assert (model.predict(X) == y).all()
    rewritten = build_rules("classification", 0, rules=model.rules_, default=model.default_).fit(X, y)
    assert (rewritten.predict(X) == y).all()


def test_many_rows_are_learned_from_a_seeded_sample_and_the_rule_says_so(small_frame):
    X, y = features_and_target(rows_for(small_frame, "classification"), "classification")
    first = build_rules("classification", 3, max_learn_rows=20).fit(X, y)
    second = build_rules("classification", 3, max_learn_rows=20).fit(X, y)
    assert f"learned from 20 of {len(X)} rows, a seeded sample" in first.describe()
    assert first.rules_ == second.rules_
    assert f"learned from all {len(X)} rows" in build_rules("classification", 3).fit(X, y).describe()


def test_an_id_column_does_not_win_over_a_column_that_generalises():
    """A per-row lookup fits the training rows perfectly but no new row: a real signal beats it."""
    rng = np.random.default_rng(7)
    size = rng.uniform(0, 10, 400)
    y = pd.Series(np.where(size > 5, "big", "small"))
    noisy = rng.random(400) < 0.15
    y[noisy] = np.where(y[noisy] == "big", "small", "big")
    X = pd.DataFrame({"id": [f"row-{i}" for i in range(400)], "size": size})
    model = build_rules("classification", 0).fit(X, y)
    assert [condition.split(" ")[0] for condition, _ in model.rules_] == ["size"]


def test_rare_categories_get_no_rule_and_fall_to_the_default():
    """Only categories covering min_rule_share of the rows get a rule of their own."""
    colour = pd.Series(["red"] * 50 + ["blue"] * 45 + ["green"] * 5)
    y = pd.Series(["big"] * 50 + ["small"] * 45 + ["tiny"] * 5)
    model = build_rules("classification", 0, min_rule_share=0.1).fit(colour.to_frame("colour"), y)
    assert "green" not in model.describe()
    assert model.predict(pd.DataFrame({"colour": ["green"]}))[0] == model.default_


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"max_learn_rows": 0}, "max_learn_rows must be a whole number above 0"),
        ({"min_rule_share": 2}, "min_rule_share must be from 0 to below 1"),
    ],
)
def test_a_bad_rules_setting_is_a_clear_error(setting, message):
    with pytest.raises(StepError, match=rf"\[models.rules\] {message}"):
        build_rules("classification", 0, **setting)


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
    """Each model's primary metric on the test set, signed so that higher is better."""
    train, test = split_data
    task = tasks.load(settings["evaluate"]["task"])
    primary = metrics.primary(settings["evaluate"]["task"], settings["evaluate"].get("metric"))
    sign = 1 if primary.higher_is_better else -1
    values = settings["evaluate"]
    scored = {name: task.evaluate(model, train, test, values)[1] for name, model in trained.items()}
    return {name: sign * fields["metrics"][primary.name] for name, fields in scored.items()}


def test_knn_clearly_beats_the_random_baseline(trained, settings, split_data):
    scores = primary_scores(trained, settings, split_data)
    assert scores["knn"] > scores["random"] + 0.2 * abs(scores["random"])


def test_knn_chooses_the_k_and_scores_of_scikit_learns_own_grid_search(settings, split_data):
    """KNN fits its feature pipeline once per fold, yet picks the same k with the same cross-validated
    scores as a plain GridSearchCV over the same pipeline, folds and metric."""
    values = settings["knn"]
    X, y = split_data[0].drop(columns=[values["target"]]), split_data[0][values["target"]]
    params = {key: value for key, value in values["params"].items() if key != "max_train_rows"}
    ours = knn.build(values["task"], values["seed"], **params).fit(X, y)
    plain = GridSearchCV(ours.estimator, ours.param_grid, cv=ours.cv, scoring=ours.scoring).fit(X, y)
    assert ours.best_params_ == plain.best_params_
    np.testing.assert_allclose(
        ours.cv_results_["mean_test_score"], plain.cv_results_["mean_test_score"], rtol=1e-12
    )
    assert list(ours.cv_results_["rank_test_score"]) == list(plain.cv_results_["rank_test_score"])


def counts_rising_with(x: np.ndarray, seed: int = 0) -> pd.Series:
    """A count-like target (0 or more, spread over orders of magnitude) that grows with `x`."""
    noise = np.random.default_rng(seed).normal(0, 0.5, len(x))
    return pd.Series(np.round(np.expm1(np.clip(3 * x + noise, 0, None))), name="count")


def test_knn_on_a_log_target_scores_each_k_in_the_targets_units():
    """With target_transform = "log", KNN learns log(1 + y) yet scores each k as evaluate will, in the
    target's units: the same k and scores as scikit-learn's GridSearchCV over a TransformedTargetRegressor
    (scoring log(1 + y) itself would choose k by another metric, the rmsle of a log)."""
    from sklearn.compose import TransformedTargetRegressor

    from {{ cookiecutter.module_name }}.models.configured import configured

    x = np.random.default_rng(1).uniform(0, 3, 300)
    X, y = pd.DataFrame({"x": x}), counts_rising_with(x)
    settings = {**model_settings("knn", "regression"), "metric": "rmsle", "target_transform": "log"}
    search = configured(settings, {"cv_folds": 3, "n_neighbors": [1, 5, 25]}).fit(X, y).regressor
    logged = TransformedTargetRegressor(search.estimator, func=np.log1p, inverse_func=np.expm1)
    grid = {"regressor__knn__n_neighbors": search.param_grid[knn.GRID]}
    plain = GridSearchCV(logged, grid, cv=search.cv, scoring="neg_root_mean_squared_log_error").fit(X, y)
    assert search.best_params_[knn.GRID] == plain.best_params_["regressor__knn__n_neighbors"]
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"], plain.cv_results_["mean_test_score"], rtol=1e-12
    )


class Predicting:
    """A model that predicts the labels it is given, whatever the rows."""

    def __init__(self, labels: np.ndarray) -> None:
        self.labels = labels

    def predict(self, X):
        return self.labels


@pytest.mark.parametrize("seed", range(20))
def test_knns_balanced_accuracy_is_scikit_learns_number_for_number(seed):
    """The grid search's own balanced accuracy gives the very float of scikit-learn's, which its
    "balanced_accuracy" scorer returns (k is chosen on it): labels as text or numbers, a class never actual
    or never predicted, and scikit-learn's warning."""
    rng = np.random.default_rng(seed)
    classes = [["low", "medium", "high", "very high"], [3, 1, 2], [True, False]][seed % 3]
    rows = int(rng.integers(1, 60))
    actual = pd.Series(rng.choice(classes[: max(1, len(classes) - seed % 2)], rows))
    predicted = rng.choice(classes, rows)
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        expected = balanced_accuracy_score(actual, predicted)
    with warnings.catch_warnings(record=True) as ours:
        warnings.simplefilter("always")
        score = knn.balanced_accuracy(Predicting(predicted), None, actual)
    assert score == expected and type(score) is type(expected)
    assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]


def test_rules_beat_the_random_baseline(trained, settings, split_data):
    scores = primary_scores(trained, settings, split_data)
    assert scores["rules"] > scores["random"]


def test_a_saved_model_scores_the_same_once_loaded(trained, settings, split_data, tmp_path):
    """What evaluate, the app and `invoke recommend` load is the model that was trained."""
    train, test = split_data
    task = tasks.load(settings["evaluate"]["task"])
    joblib.dump(trained["knn"], tmp_path / "knn.joblib")
    loaded = joblib.load(tmp_path / "knn.joblib")
    before, after = (task.evaluate(m, train, test, settings["evaluate"]) for m in (trained["knn"], loaded))
    pd.testing.assert_frame_equal(before[0], after[0])
    assert before[1] == after[1]


def test_knn_on_tiny_data_trims_its_grid_and_folds_in_one_line(capsys):
    """27 rows with a rare class: k and the folds are cut to what the rows allow, said once, no warnings."""
    rows = pd.DataFrame({"x": [float(i) for i in range(27)], "label": ["a"] * 12 + ["b"] * 12 + ["c"] * 3})
    settings = model_settings("knn", "classification", n_neighbors=[1, 3, 5, 9, 15, 25], cv_folds=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = fit("knn", settings, rows)
    assert model.param_grid == {"knn__n_neighbors": [1, 3, 5, 9, 15]}
    lines = [line for line in capsys.readouterr().out.splitlines() if "knn:" in line]
    assert lines == ["  knn: 27 training rows allow 3 folds and k <= 18: searching [1, 3, 5, 9, 15]"]


def test_knn_chooses_k_on_a_seeded_sample_of_many_rows_and_fits_it_on_all(monkeypatch, capsys):
    """Above SEARCH_ROWS training rows the grid search cross-validates on a seeded sample of that many
    (the same rows each time, in their order), says so, and the chosen k is fitted on every row."""
    monkeypatch.setattr(knn, "SEARCH_ROWS", 60)
    rows = pd.DataFrame({"x": np.arange(200.0), "label": ["a", "b"] * 100})
    X, y = rows[["x"]], rows["label"]
    searched_x, searched_y = knn.search_sample(X, y, 0)
    assert len(searched_x) == len(searched_y) == 60
    assert (
        searched_x.index.equals(knn.search_sample(X, y, 0)[0].index)
        and searched_x.index.is_monotonic_increasing
    )
    model = fit("knn", model_settings("knn", "classification", n_neighbors=[1, 3], cv_folds=3), rows)
    assert model.best_estimator_.named_steps["knn"].n_samples_fit_ == 200
    assert "  knn: choosing k on a seeded 60 of its 200 training rows" in capsys.readouterr().out.splitlines()


def test_knn_uses_the_folds_asked_for_down_to_two_as_the_rarest_class_allows():
    """[models.knn] cv_folds, cut to the rows of the rarest class (stratified), never below 2."""
    labels = pd.Series(["a"] * 10 + ["b"] * 2)
    assert fold_count(labels, 2, stratified=False) == 2
    assert fold_count(labels, 5, stratified=True) == 2
    assert fold_count(labels, 5, stratified=False) == 5


def test_knn_tries_the_neighbour_counts_a_fold_allows_or_the_largest_it_does():
    assert usable_neighbours([1, 3, 9], fold_rows=5) == [1, 3]
    assert usable_neighbours([9, 15], fold_rows=5) == [5]
    assert usable_neighbours([9], fold_rows=0) == [1]
