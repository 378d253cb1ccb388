"""Each table task's chart of one model on the test set, as the figures step draws it."""

import pandas as pd

from {{ cookiecutter.module_name }} import tasks
from {{ cookiecutter.module_name }}.diagnostic_charts import save


def result(model: str, score: float, task: str = "classification") -> dict:
    """A metrics file's fields that the charts read."""
    return {"model": model, "task": task, "target": "label", "n_test": 20, "metrics": {"score": score}}


def test_each_task_gets_its_own_model_chart(tmp_path):
    """A confusion matrix for classification, predicted against actual and residuals for regression."""
    rows = pd.DataFrame({"actual": ["a", "b", "b"], "predicted": ["a", "a", "b"]})
    matrix = tasks.load("classification", "model_figures").chart(rows, result("knn", 0.9)).axes[0]
    assert "confusion matrix" in matrix.get_title() and matrix.get_xlabel() == "predicted label"
    numbers = pd.DataFrame({"actual": [1.0, 2.0, 3.0], "predicted": [1.5, 2.0, 2.5]})
    errors = tasks.load("regression", "model_figures").chart(numbers, result("knn", 0.5, "regression"))
    assert [axes.get_title() for axes in errors.axes] == ["predicted vs actual", "residuals"]
    save(errors, tmp_path / "knn.png")
    assert (tmp_path / "knn.png").read_bytes().startswith(b"\x89PNG")


def test_a_confusion_matrix_of_many_classes_draws_the_most_frequent_and_says_so():
    """500 classes draw as the 20 most frequent, in a figure of bounded size, with the title saying so."""
    chart = tasks.load("classification", "model_figures")
    actual = [f"class {i}" for i in range(500) for _ in range(1 + (i < 20))]
    figure = chart.chart(pd.DataFrame({"actual": actual, "predicted": actual}), result("knn", 0.9))
    axes = figure.axes[0]
    assert len(axes.get_xticklabels()) == chart.MAX_CLASSES
    assert "the 20 most frequent of 500 classes" in axes.get_title()
    assert max(figure.get_size_inches()) <= 14


def test_the_confusion_matrix_names_the_classes_as_the_rows_hold_them():
    """Classes as text, numbers or booleans are the values of the rows themselves (Python's, as a set of
    the column gives them), actual or only predicted."""
    chart = tasks.load("classification", "model_figures")
    for values in (["b", "a", "c"], [3, 1, 2], [True, False, True]):
        rows = pd.DataFrame({"actual": values[:2] * 50, "predicted": values[1:] * 50})
        classes = chart.every_class(rows)
        assert classes == set(rows["actual"]) | set(rows["predicted"])
        assert {type(label) for label in classes} == {type(label) for label in values}
