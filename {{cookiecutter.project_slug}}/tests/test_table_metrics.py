"""Classification and regression metrics equal their textbook definitions on hand-made predictions."""

import math

import pandas as pd
import pytest

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
    assert classification.PRIMARY_METRIC == "balanced_accuracy" and classification.HIGHER_IS_BETTER


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
    assert regression.PRIMARY_METRIC == "rmse" and not regression.HIGHER_IS_BETTER


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
