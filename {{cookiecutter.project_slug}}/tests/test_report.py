"""The figures are readable and the report shows every model, with its images inside the HTML."""

from pathlib import Path

import pandas as pd

from {{ cookiecutter.module_name }}.figures import leaderboard_chart, save
from {{ cookiecutter.module_name }}.report import to_report
from {{ cookiecutter.module_name }}.report_html import to_html
from {{ cookiecutter.module_name }}.tasks import classification, regression


def result(model: str, score: float, task: str = "classification") -> dict:
    metric = "balanced_accuracy" if task == "classification" else "rmse"
    return {
        "model": model,
        "task": task,
        "target": "label",
        "n_test": 20,
        "primary_metric": metric,
        "higher_is_better": task == "classification",
        "metric_meaning": "what it means",
        "metrics": {metric: score},
        "learned": f"{model} learned this",
    }


CLEANUP = {
    "rows_before": 40,
    "columns_before": 3,
    "rows_after": 37,
    "columns_after": 3,
    "steps": [
        {"name": "drop rows with any missing value", "rows_removed": 3, "columns_removed": [], "note": ""}
    ],
    "warnings": [],
    "sample": None,
}
FEATURES = {"features": ["size"], "removed": {}}


def test_leaderboard_chart_has_a_title_axis_labels_and_the_baseline_floor():
    axes = leaderboard_chart([result("random", 0.4), result("knn", 0.9)]).axes[0]
    assert "Leaderboard" in axes.get_title()
    assert axes.get_xlabel().startswith("balanced_accuracy (higher is better)")
    assert [label.get_text() for label in axes.get_yticklabels()] == ["random", "knn"]  # best on top
    assert axes.get_legend().get_texts()[0].get_text() == "random baseline: the floor"


def test_each_task_gets_its_own_model_chart(tmp_path):
    rows = pd.DataFrame({"actual": ["a", "b", "b"], "predicted": ["a", "a", "b"]})
    matrix = classification.chart(rows, result("knn", 0.9)).axes[0]
    assert "confusion matrix" in matrix.get_title() and matrix.get_xlabel() == "predicted label"
    numbers = pd.DataFrame({"actual": [1.0, 2.0, 3.0], "predicted": [1.5, 2.0, 2.5]})
    errors = regression.chart(numbers, result("knn", 0.5, "regression"))
    assert [axes.get_title() for axes in errors.axes] == ["predicted vs actual", "residuals"]
    save(errors, tmp_path / "knn.png")
    assert (tmp_path / "knn.png").read_bytes().startswith(b"\x89PNG")


def test_report_shows_the_cleanup_every_model_and_its_figure():
    text = to_report(CLEANUP, FEATURES, [result("random", 0.4), result("knn", 0.9)])
    assert "40 rows and 3 columns in the raw snapshot; 37 rows" in text
    assert "| drop rows with any missing value | 3 | none |" in text
    for model in ("random", "knn"):
        assert f"{model} learned this" in text and f"(figures/{model}.png)" in text
    assert text.index("### knn") < text.index("### random")  # in leaderboard order


def test_html_report_embeds_its_images(tmp_path: Path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "knn.png").write_bytes(b"\x89PNG fake")
    page = to_html("# Title\n\n| a |\n|---|\n| 1 |\n\n![knn](figures/knn.png)\n", tmp_path)
    assert '<img alt="knn" src="data:image/png;base64,iVBORyBmYWtl"' in page
    assert "<table>" in page and "<title>Title</title>" in page


def test_the_report_says_when_the_models_saw_a_sample():
    """Built on `[data] sample`, the report's data section says which share or count of rows was used."""
    def report(sample: float | None) -> str:
        return to_report({**CLEANUP, "sample": sample}, FEATURES, [result("random", 0.4)])

    assert "sample: 10% of the rows" in report(0.1)
    assert "sample: 5000 rows" in report(5000)
    assert "every row" in report(None)


def test_a_confusion_matrix_of_many_classes_draws_the_most_frequent_and_says_so():
    """500 classes draw as the 20 most frequent, in a figure of bounded size, with the title saying so."""
    actual = [f"class {i}" for i in range(500) for _ in range(1 + (i < 20))]
    figure = classification.chart(pd.DataFrame({"actual": actual, "predicted": actual}), result("knn", 0.9))
    axes = figure.axes[0]
    assert len(axes.get_xticklabels()) == classification.MAX_CLASSES
    assert "the 20 most frequent of 500 classes" in axes.get_title()
    assert max(figure.get_size_inches()) <= 14


def test_report_shows_cleanup_warnings_notes_and_the_columns_left_out():
    """What cleanup warned about and noted, and which columns the models do not see, are in the report."""
    cleanup = {
        **CLEANUP,
        "warnings": ["'drop duplicate rows' removed 90 of 100 rows"],
        "steps": [
            {"name": "read numbers stored as text", "rows_removed": 0, "columns_removed": [], "note": "x: 1"}
        ],
    }
    features = {"features": ["size"], "removed": {"id": "unique per row"}}
    text = to_report(cleanup, features, [result("random", 0.4)])
    assert "**Warning:** 'drop duplicate rows' removed 90 of 100 rows" in text
    assert "| read numbers stored as text | 0 | none | x: 1 |" in text
    assert "Not used as features: id (unique per row)." in text
