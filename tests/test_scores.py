"""Scores you can trust, in a built project: intervals, validation and learning curves, bounded figures."""

import json
import struct
from pathlib import Path

from baked import MODELS, REPORTING, planned_outputs, succeed

# A figure in the report stays small enough to embed and to read: at most this many pixels a side and bytes.
MAX_SIDE = 2000
MAX_BYTES = 400_000


def metrics(project: Path, model: str) -> dict:
    return json.loads((project / "reports" / "metrics" / f"{model}.json").read_text())


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header (its IHDR chunk)."""
    return struct.unpack(">II", path.read_bytes()[16:24])


def test_every_metric_of_every_model_has_its_interval(built_project):
    """Each metrics file holds a 95% interval around each of its scores, from the same resamples."""
    for model in MODELS:
        result = metrics(built_project, model)
        assert set(result["intervals"]) == set(result["metrics"]), model
        for name, (low, high) in result["intervals"].items():
            assert low <= result["metrics"][name] <= high, (model, name)
        assert result["bootstrap"]["units"] == result["n_test"] == 67


def test_the_leaderboard_says_knn_is_better_than_random_with_the_interval_of_its_gain(built_project):
    """On the penguins sample KNN's gain is far from chance: "yes" and an interval above zero."""
    leaderboard = (built_project / "reports" / "leaderboard.md").read_text()
    knn_row = next(line for line in leaderboard.splitlines() if "| knn |" in line)
    verdict = knn_row.split(" | ")[-1]
    assert verdict.startswith("yes: [+") and float(verdict.split()[1].strip("[,")) > 0
    assert "the whole interval of its gain is above zero" in leaderboard


def test_knns_validation_curve_is_kept_drawn_and_read_in_the_report(built_project):
    """Every k of the grid with its training and validation score; the figure; the report's line."""
    curve = metrics(built_project, "knn")["validation_curve"]
    assert curve["values"] == [1, 3, 5, 9, 15, 25] and curve["chosen"] in curve["values"]
    assert len(curve["train"]) == len(curve["validation"]) == 6
    assert (built_project / "reports" / "figures" / "knn-validation.png").is_file()
    report = (built_project / "reports" / "REPORT.md").read_text()
    assert f"Validation curve: n_neighbors = {curve['chosen']} chosen: validation balanced_accuracy" in report
    assert metrics(built_project, "rules")["validation_curve"] is None


def test_the_learning_curves_are_built_drawn_and_read_in_the_report(built_project):
    """Each model scored on 10/25/50/100% of its rows; one figure; one sentence per model."""
    report = (built_project / "reports" / "REPORT.md").read_text()
    assert "## Would more data help?" in report
    for model in MODELS:
        curve = json.loads((built_project / "reports" / "learning" / f"{model}.json").read_text())
        assert curve["shares"] == [0.1, 0.25, 0.5, 1.0]
        assert curve["rows"][-1] == metrics(built_project, model)["n_train"]
        assert f"{model} gains " in report
    assert (built_project / "reports" / "figures" / "learning-curve.png").is_file()


def test_every_model_records_what_it_costs_and_the_report_says_what_to_ship(built_project):
    """Each metrics file holds its prediction time per held-out row and make's training seconds for it
    (from the build log); the report draws score against cost and names the model to ship."""
    log = [json.loads(line) for line in (built_project / "reports" / "build-log.jsonl").read_text().splitlines()]
    for model in MODELS:
        cost = metrics(built_project, model)["cost"]
        trained = [r["seconds"] for r in log if r["step"] == "train" and r["args"][-1] == f"models/{model}.joblib"]
        assert cost["predict_seconds_per_unit"] > 0 and cost["train_seconds"] == trained[-1], model
    report = (built_project / "reports" / "REPORT.md").read_text()
    assert "(figures/cost.png)" in report and "Ship **" in report


def test_a_good_enough_threshold_ships_a_cheaper_model_and_rescores_nothing(project):
    """Setting [leaderboard] good_enough redoes the leaderboard, the figures and the report, no model's
    score; on the penguins sample a bar that rules clears (and random does not) ships rules."""
    config = project / "config.toml"
    config.write_text(config.read_text() + "\n[leaderboard]\ngood_enough = 0.6\n")
    assert planned_outputs(project) == {"reports/leaderboard.md", *REPORTING}
    succeed(["make"], project)
    leaderboard = (project / "reports" / "leaderboard.md").read_text()
    assert "Ship **rules**: the cheapest model whose whole 95% interval" in leaderboard


def test_every_figure_is_bounded_in_size(built_project):
    """However many models or candidates, each PNG stays within MAX_SIDE pixels and MAX_BYTES."""
    figures = sorted((built_project / "reports" / "figures").glob("*.png"))
    assert {"leaderboard.png", "cost.png", "learning-curve.png", "knn-validation.png"} <= {f.name for f in figures}
    for figure in figures:
        assert max(png_size(figure)) <= MAX_SIDE and figure.stat().st_size <= MAX_BYTES, figure.name


def test_a_recommenders_scores_have_intervals_from_resampled_users(built_recommender):
    """Every metric but coverage has an interval; item-KNN's neighbour grid is its validation curve."""
    knn = metrics(built_recommender, "knn")
    assert set(knn["intervals"]) == set(knn["metrics"]) - {"coverage"}
    assert knn["bootstrap"]["units"] == knn["n_test"]
    assert knn["validation_curve"]["parameter"] == "neighbors" and knn["validation_curve"]["train"] is None
    assert (built_recommender / "reports" / "figures" / "knn-validation.png").is_file()
