"""Classification and regression metrics equal their textbook definitions on hand-made predictions."""

import math

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.module_name }} import metrics
from {{ cookiecutter.module_name }}.errors import StepError
from {{ cookiecutter.module_name }}.files import write_table
from {{ cookiecutter.module_name }}.models import build
from {{ cookiecutter.module_name }}.tasks import classification, regression, tabular


def predictions(actual: list, predicted: list) -> pd.DataFrame:
    return pd.DataFrame({"actual": actual, "predicted": predicted})


# Three of class a, one of b; always predicting a is right 3 times in 4 but never finds b.
ALWAYS_A = predictions(["a", "a", "a", "b"], ["a", "a", "a", "a"])


def test_balanced_accuracy_averages_each_class_not_each_row():
    """Predicting only the majority class scores 0.75 accuracy but 0.5 balanced accuracy (the ranked one)."""
    scores = classification.score(ALWAYS_A)
    assert scores["accuracy"] == 0.75
    assert scores["balanced_accuracy"] == 0.5
    assert metrics.primary("classification").name == "balanced_accuracy"
    assert metrics.primary("classification").higher_is_better


def test_macro_f1_averages_the_f1_of_every_class():
    """F1 of a is 2·0.75·1/(0.75+1); of b, never predicted, 0; the macro F1 is their mean."""
    f1_a = 2 * 0.75 * 1.0 / (0.75 + 1.0)
    assert classification.score(ALWAYS_A)["f1_macro"] == pytest.approx((f1_a + 0) / 2, abs=1e-6)


@pytest.mark.filterwarnings("ignore:y_pred contains classes not in y_true")
def test_a_predicted_class_never_seen_in_the_test_set_counts_as_wrong():
    """Classes are matched by value across actual and predicted, whatever their order of appearance."""
    scores = classification.score(predictions(["b", "a", "a", "c"], ["b", "z", "a", "a"]))
    assert scores["accuracy"] == 0.5
    assert scores["balanced_accuracy"] == pytest.approx((1 + 0.5 + 0) / 3, abs=1e-6)


def test_regression_errors_are_mean_absolute_root_mean_squared_and_r2():
    """MAE, RMSE and R² of errors 1, -1, 2, 0 around the actual values 1..4."""
    actual, predicted = [1.0, 2.0, 3.0, 4.0], [0.0, 3.0, 1.0, 4.0]
    errors = [a - p for a, p in zip(actual, predicted, strict=True)]
    mean = sum(actual) / 4
    scores = regression.score(predictions(actual, predicted))
    assert scores["mae"] == pytest.approx(sum(map(abs, errors)) / 4)
    assert scores["rmse"] == pytest.approx(math.sqrt(sum(e * e for e in errors) / 4), abs=1e-6)
    r2 = 1 - sum(e * e for e in errors) / sum((a - mean) ** 2 for a in actual)
    assert scores["r2"] == pytest.approx(r2, abs=1e-6)
    assert metrics.primary("regression").name == "rmse" and not metrics.primary("regression").higher_is_better


def test_metrics_are_plain_floats_rounded_to_six_decimals():
    """Stable in the metrics JSON: 1/3 is written 0.333333."""
    assert tabular.rounded({"third": 1 / 3, "one": 1}) == {"third": 0.333333, "one": 1.0}
    assert type(tabular.rounded({"x": 1})["x"]) is float


class Halver:
    """A model that predicts half of `x`, counting the rows of each call."""

    def __init__(self):
        self.calls = []

    def predict(self, rows: pd.DataFrame):
        self.calls.append(len(rows))
        return rows["x"].to_numpy() / 2


def test_predictions_pair_each_test_rows_actual_and_predicted_value_in_order(monkeypatch):
    """Predicted in batches of BATCH_ROWS rows, the rows keep their order and their own target."""
    monkeypatch.setattr(tabular, "BATCH_ROWS", 2)
    values = {"x": [10.0, 4.0, 8.0, 2.0, 6.0], "y": [1.0, 2.0, 3.0, 4.0, 5.0]}
    rows = pd.DataFrame(values, index=[9, 3, 5, 1, 7])
    model = Halver()
    predicted = tabular.predict(model, rows, {"target": "y"})
    assert model.calls == [2, 2, 1]
    assert predicted.to_dict("list") == {"actual": values["y"], "predicted": [5.0, 2.0, 4.0, 1.0, 3.0]}


def test_evaluate_reports_the_scores_and_what_they_mean():
    """The fields of the metrics file that say what was predicted, on how many rows, and how it scored."""
    rows = pd.DataFrame({"x": [2.0, 4.0, 6.0], "y": [1.0, 2.0, 4.0]})
    predicted, fields = regression.evaluate(Halver(), rows, rows, {"target": "y", "seed": 0})
    assert list(predicted["predicted"]) == [1.0, 2.0, 3.0]
    intervals = fields.pop("intervals")
    assert fields.pop("bootstrap")["units"] == 3
    assert set(intervals) == set(fields["metrics"])
    assert fields == {
        "goal": "predicting y",
        "target": "y",
        "n_test": 3,
        "test_unit": "rows",
        "metric_meaning": "root mean squared error, in y units",
        "metrics": regression.score(predicted),
    }
    assert fields["metrics"]["mae"] == pytest.approx(1 / 3, abs=1e-6)


def test_rmsle_is_the_rmse_of_log_one_plus_the_values():
    """RMSLE of 1 against 0 is log(2); a negative prediction counts as 0, as competitions score it."""
    scores = regression.score(predictions([1.0, 3.0], [0.0, -5.0]), "rmsle")
    assert scores["rmsle"] == pytest.approx(math.sqrt((math.log(2) ** 2 + math.log(4) ** 2) / 2), abs=1e-6)


def test_rmsle_on_a_negative_target_is_a_one_line_error():
    """A target below 0 has no log: rmsle as the primary metric stops evaluation saying so; as another
    metric it is left out."""
    with pytest.raises(StepError, match=r"metric = 'rmsle' needs a target of 0 or more, and 1 test rows"):
        regression.score(predictions([-1.0, 2.0], [0.0, 2.0]), "rmsle")
    assert "rmsle" not in regression.score(predictions([-1.0, 2.0], [0.0, 2.0]))


def test_two_classes_get_roc_auc_and_log_loss_of_the_positive_class():
    """The second class's probability is scored: a perfect ranking is ROC AUC 1, log loss small."""
    rows = pd.DataFrame(
        {
            "actual": ["no", "no", "yes", "yes"],
            "predicted": ["no", "yes", "yes", "yes"],
            "probability": [0.1, 0.6, 0.7, 0.9],
            "positive": "yes",
        }
    )
    scores = classification.score(rows, "roc_auc")
    assert scores["roc_auc"] == 1.0
    expected = -(math.log(0.9) + math.log(0.4) + math.log(0.7) + math.log(0.9)) / 4
    assert scores["log_loss"] == pytest.approx(expected, abs=1e-6)


def test_roc_auc_on_three_classes_is_a_clear_error_listing_the_metrics_that_work():
    with pytest.raises(StepError, match=r"pick one of balanced_accuracy, accuracy, f1_macro"):
        classification.score(predictions(["a", "b", "c"], ["a", "b", "b"]), "roc_auc")


class Threshold:
    """A labels-only model: "yes" above `cut`."""

    def __init__(self, cut: float):
        self.cut = cut

    def predict(self, rows: pd.DataFrame) -> np.ndarray:
        return np.where(rows["x"] > self.cut, "yes", "no")


def test_a_roc_auc_interval_leaves_out_the_resamples_that_drew_one_class():
    """With 2 positives in 40 rows some resamples hold none and have no ROC AUC: they are left out, the
    same ones for every model (so models stay comparable resample by resample), and no error is raised."""
    x = np.arange(40.0)
    rows = pd.DataFrame({"x": x, "y": np.where(x >= 38, "yes", "no")})
    settings = {"target": "y", "seed": 0, "metric": "roc_auc"}
    sharp = classification.evaluate(Threshold(37.5), None, rows, settings)[1]
    loose = classification.evaluate(Threshold(30.0), None, rows, settings)[1]
    kept = len(sharp["bootstrap"]["values"]["roc_auc"])
    assert 0 < kept < sharp["bootstrap"]["resamples"] and kept == len(loose["bootstrap"]["values"]["roc_auc"])
    assert set(sharp["intervals"]) == set(sharp["metrics"]) >= {"roc_auc", "log_loss"}
    low, high = loose["intervals"]["roc_auc"]
    assert low <= loose["metrics"]["roc_auc"] <= high


def test_a_model_without_probabilities_is_scored_on_its_labels():
    """The rules give labels only: their probability is 1 for the positive class predicted, else 0."""

    class Labels:
        def predict(self, rows):
            return np.where(rows["x"] > 1, "yes", "no")

    rows = pd.DataFrame({"x": [0.0, 2.0, 3.0], "y": ["no", "yes", "no"]})
    predicted = classification.predict(Labels(), rows, {"target": "y"})
    assert predicted["probability"].tolist() == [0.0, 1.0, 1.0]


def two_classes(rows: int, seed: int) -> pd.DataFrame:
    """`rows` rows of two numbers and a noisy yes/no that the first one predicts in part."""
    generator = np.random.default_rng(seed)
    x = generator.normal(size=(rows, 2))
    y = np.where(x[:, 0] + generator.normal(size=rows) > 0, "yes", "no")
    return pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "y": y})


def test_knn_predictions_of_two_classes_from_one_search_are_those_of_its_own_predict(tmp_path):
    """KNN's labels are the most probable class, so they are taken from its probabilities (one neighbour
    search, not two): the predictions file is byte for byte the one from its own predict and predict_proba,
    with an even k so that some rows tie."""
    train, test = two_classes(300, 0), two_classes(200, 1)
    model = build("knn", "classification", 0, {"n_neighbors": [4]})
    tabular.fit(model, train, {"target": "y"})
    features = test.drop(columns="y")
    own = pd.DataFrame({"actual": test["y"].to_numpy(), "predicted": model.predict(features)})
    write_table(
        own.assign(probability=model.predict_proba(features)[:, 1], positive="yes"), tmp_path / "own.parquet"
    )
    write_table(classification.predict(model, test, {"target": "y"}), tmp_path / "one_search.parquet")
    assert classification.labels_are_most_probable(model)
    assert (tmp_path / "one_search.parquet").read_bytes() == (tmp_path / "own.parquet").read_bytes()


@pytest.mark.filterwarnings("ignore:The `probability` parameter was deprecated")
def test_a_model_whose_labels_are_not_its_most_probable_class_keeps_its_own_predict():
    """An SVC's Platt-scaled probabilities disagree with its labels on some rows: its labels stay its own."""
    from sklearn.svm import SVC

    train, test = two_classes(60, 2), two_classes(400, 3)
    model = SVC(probability=True, random_state=0).fit(train[["a", "b"]], train["y"])
    features = test[["a", "b"]]
    most_probable = model.classes_[np.argmax(model.predict_proba(features), axis=1)]
    assert (most_probable != model.predict(features)).any()  # the case this test is about
    predicted = classification.predict(model, test, {"target": "y"})
    assert predicted["predicted"].tolist() == model.predict(features).tolist()


def test_every_metric_of_the_table_knows_its_direction_and_its_grid_search_scorer():
    """One table: names are unique, the table metrics have a scikit-learn scorer, and the scorer exists."""
    from sklearn.metrics import get_scorer

    for task in ("classification", "regression"):
        for metric in metrics.BY_TASK[task]:
            assert get_scorer(metric.scorer) is not None and metrics.METRICS[metric.name] is metric
    assert not metrics.METRICS["rmsle"].higher_is_better and metrics.METRICS["roc_auc"].needs_probabilities


def test_a_log_target_is_learned_in_log_space_and_predicted_back():
    """[features] target_transform = "log": the model sees log(1 + y) and its predictions come back as y."""
    from {{ cookiecutter.module_name }}.models.target import with_target_transform

    class Remember:
        def fit(self, X, y):
            self.y = list(y)
            return self

        def predict(self, X):
            return np.array(self.y)

    model = with_target_transform(Remember(), "log").fit(pd.DataFrame({"x": [1, 2]}), pd.Series([0.0, 99.0]))
    assert model.regressor.y == pytest.approx([0.0, math.log(100)])
    assert model.predict(pd.DataFrame({"x": [1, 2]})) == pytest.approx([0.0, 99.0])


def resamples_of(rows: int, seed: int = 0) -> np.ndarray:
    """100 bootstrap resamples of `rows` positions, as bootstrap.py draws them."""
    return np.random.default_rng(seed).integers(0, rows, size=(100, rows))


def scored_slowly(score, predictions: pd.DataFrame, rows: np.ndarray, primary: str) -> dict | None:
    """The task's `score` of the resampled rows themselves; None where it cannot give the primary metric."""
    try:
        return score(predictions.iloc[rows], primary)
    except StepError:
        return None


# A resample that draws a class only among the predictions: scikit-learn warns, and scores it all the same.
@pytest.mark.filterwarnings("ignore:y_pred contains classes not in y_true")
@pytest.mark.parametrize("shares", [[0.9, 0.1], [0.5, 0.4, 0.07, 0.03]])
def test_a_classification_resample_scores_as_its_rows_would(shares):
    """The bootstrap's fast path (confusion counts) gives every metric exactly as scoring the resampled
    rows does, rare classes missing from some resamples included."""
    rng = np.random.default_rng(1)
    classes = ["a", "b", "c", "d"][: len(shares)]
    actual = rng.choice(classes, 60, p=shares)
    rows = predictions(list(actual), list(np.where(rng.random(60) < 0.7, actual, rng.choice(classes, 60))))
    if len(classes) == 2:
        rows = rows.assign(probability=rng.random(60), positive="b")
    primary = "roc_auc" if len(classes) == 2 else "f1_macro"
    fast = classification.resampler(rows, primary)
    for drawn in resamples_of(60):
        assert fast(drawn) == scored_slowly(classification.score, rows, drawn, primary)


@pytest.mark.parametrize("shift", [0.0, -50.0])
def test_a_regression_resample_scores_as_its_rows_would(shift):
    """The bootstrap's fast path (numpy) gives every metric exactly as scoring the resampled rows does;
    rmsle only for a target never below 0."""
    rng = np.random.default_rng(2)
    actual = rng.gamma(2.0, 20.0, 50) + shift
    rows = predictions(list(actual), list(actual + rng.normal(0, 10, 50)))
    fast = regression.resampler(rows, "rmse")
    for drawn in resamples_of(50):
        assert fast(drawn) == scored_slowly(regression.score, rows, drawn, "rmse")


def test_a_constant_resample_has_the_r2_scikit_learn_gives():
    """A resample of one repeated row has no variance: r2 is 1 if predicted exactly, else 0."""
    rows = predictions([3.0, 5.0], [3.0, 4.0])
    fast = regression.resampler(rows, "rmse")
    for drawn in (np.array([0, 0]), np.array([1, 1])):
        assert fast(drawn) == regression.score(rows.iloc[drawn])
