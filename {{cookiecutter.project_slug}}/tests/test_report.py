"""The figures are readable and the report shows every model, with its images inside the HTML."""

from pathlib import Path

from {{ cookiecutter.module_name }}.figures import leaderboard_chart
from {{ cookiecutter.module_name }}.report import to_report
from {{ cookiecutter.module_name }}.report_html import to_html


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


def test_html_report_shows_markup_from_the_data_as_text(tmp_path: Path):
    """HTML, links and images that names in the data carry are shown as text: nothing runs or is read."""
    (tmp_path / "secret.txt").write_text("do not embed me")
    text = (
        "# Predicting <script>alert(1)</script>\n\n"
        "| Cleanup step | Columns removed |\n|---|---|\n"
        "| drop | <img src=x onerror=alert(2)> |\n\n"
        "A class named [win](javascript:alert(3)) and ![x](secret.txt).\n"
    )
    page = to_html(text, tmp_path)
    assert "<script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript' not in page and "[win](javascript:alert(3))" in page
    assert '<img alt="x" />' in page  # neither read from disk (embedded) nor linked
