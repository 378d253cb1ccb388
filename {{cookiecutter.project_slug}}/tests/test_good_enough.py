"""The model to ship: the cheapest whose whole 95% interval clears `[leaderboard] good_enough`."""

import json

import pytest

from {{ cookiecutter.module_name }}.errors import StepError
from {{ cookiecutter.module_name }}.evaluate import Timed, training_seconds
from {{ cookiecutter.module_name }}.results import chosen, to_markdown, to_ship
from {{ cookiecutter.module_name }}.submit import chosen_result
from {{ cookiecutter.module_name }}.submit_config import stages


def scored(model: str, score: float, interval: list[float], per_row: float, train: float, **fields) -> dict:
    """A metrics file with a balanced accuracy, its interval and what the model costs."""
    return {
        "model": model,
        "task": "classification",
        "target": "species",
        "n_test": 100,
        "primary_metric": "balanced_accuracy",
        "higher_is_better": True,
        "metrics": {"balanced_accuracy": score},
        "intervals": {"balanced_accuracy": interval},
        "cost": {"predict_seconds_per_unit": per_row, "train_seconds": train},
        **fields,
    }


RANDOM = scored("random", 0.33, [0.25, 0.41], per_row=1e-6, train=1.0)
RULES = scored("rules", 0.86, [0.81, 0.91], per_row=2e-5, train=1.5)
KNN = scored("knn", 0.95, [0.91, 0.99], per_row=4e-4, train=6.0)


def test_of_two_models_that_clear_the_threshold_the_cheaper_is_shipped():
    """rules and knn both clear 0.8 with their whole interval: rules, cheaper to run, is the one to ship,
    and the sentence says why."""
    model, why = to_ship([RANDOM, KNN, RULES], 0.8)
    assert model is RULES
    assert why.startswith("Ship **rules**: the cheapest model whose whole 95% interval")
    assert "clears good_enough = 0.8" in why and "20 µs a row to predict" in why


def test_a_model_whose_interval_reaches_below_the_threshold_is_not_good_enough():
    """rules scores 0.86 but its interval reaches 0.81: at a bar of 0.85 only knn is known to clear it."""
    assert to_ship([RANDOM, RULES, KNN], 0.85)[0] is KNN


def test_when_no_model_clears_the_threshold_the_best_is_shipped_and_the_sentence_says_so():
    """A bar no interval clears falls back to the leaderboard's best, saying none is good enough."""
    model, why = to_ship([RANDOM, RULES, KNN], 0.97)
    assert model is KNN
    assert why.startswith("Ship **knn**, the best") and "no model's whole 95% interval" in why


def test_without_a_threshold_the_best_is_shipped_and_the_setting_is_named():
    """No [leaderboard] good_enough: ship the best, and say which setting would choose otherwise."""
    model, why = to_ship([RANDOM, RULES, KNN], None)
    assert model is KNN and "`[leaderboard] good_enough`" in why


def test_for_a_lower_is_better_metric_the_whole_interval_must_be_below_the_threshold():
    """With rmse, clearing 500 means an interval entirely at or below 500: the cheap model reaching 520
    does not, so the dearer one is shipped."""
    lower = {"primary_metric": "rmse", "higher_is_better": False, "task": "regression"}
    cheap = {**scored("rules", 450, [400, 520], per_row=1e-5, train=1.0), **lower, "metrics": {"rmse": 450}}
    dear = {**scored("knn", 380, [340, 420], per_row=1e-3, train=5.0), **lower, "metrics": {"rmse": 380}}
    cheap["intervals"], dear["intervals"] = {"rmse": [400, 520]}, {"rmse": [340, 420]}
    assert to_ship([cheap, dear], 500)[0] is dear
    assert to_ship([cheap, dear], 550)[0] is cheap


def test_an_unmeasured_cost_counts_as_the_highest():
    """A model scored by hand (no cost recorded) is shipped only when no measured model clears the bar."""
    unmeasured = {**RULES, "cost": {"predict_seconds_per_unit": None, "train_seconds": None}}
    assert to_ship([unmeasured, KNN], 0.8)[0] is KNN


def test_good_enough_names_the_same_model_for_submit_as_the_leaderboard_ships():
    """[submit] model = "good_enough" and the API's default go through the one choice: `to_ship`."""
    results = [RANDOM, RULES, KNN]
    assert chosen(results, "good_enough", 0.8) is RULES
    assert chosen_result(results, "good_enough", 0.8)["model"] == "rules"
    assert chosen(results, "best", 0.8) is KNN
    with pytest.raises(StepError, match="'trees' has no scores"):
        chosen_result(results, "trees")


def test_the_leaderboard_ends_with_the_sentence_saying_what_to_ship():
    """The Markdown leaderboard carries the model to ship below its table; the table is unchanged."""
    plain = to_markdown([KNN, RULES, RANDOM])
    table = to_markdown([KNN, RULES, RANDOM], ship=to_ship([KNN, RULES, RANDOM], 0.8)[1])
    assert table.startswith(plain.rstrip("\n")) and table.rstrip().endswith("s to train).")


def test_submit_reads_the_threshold_only_when_it_ships_the_good_enough_model():
    """submit.json carries [leaderboard] good_enough for model = "good_enough" alone, so changing the bar
    redoes no other submission."""
    config = {
        "task": "classification",
        "data": {"source": "data.csv", "target": "species"},
        "models": {"random": {}, "knn": {}},
        "leaderboard": {"good_enough": 0.8},
        "submit": {"source": "test.csv", "id": "id", "model": "good_enough"},
    }
    assert stages(config, {}, None)["submit"]["good_enough"] == 0.8
    named = {**config, "submit": {**config["submit"], "model": "knn"}}
    assert "good_enough" not in stages(named, {}, None)["submit"]


def trained(model: str, seconds: float) -> dict:
    """A build log line: make's train step for `model` took `seconds`."""
    arguments = [f".settings/{model}.json", "data/processed/train.parquet", f"models/{model}.joblib"]
    return {"step": "train", "args": arguments, "seconds": seconds}


def test_the_training_time_is_the_latest_train_step_of_that_model_in_the_build_log(tmp_path, monkeypatch):
    """evaluate takes a model's training seconds from the build log make names: its latest train line,
    never another model's; a damaged line is skipped; with no log there is no figure."""
    log = tmp_path / "build-log.jsonl"
    lines = [trained("knn", 9.0), trained("rules", 2), trained("knn", 4.5)]
    log.write_text("\n".join(map(json.dumps, lines)) + '\n{"step": "tra')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BUILD_LOG", str(log))
    assert training_seconds(tmp_path / "models" / "knn.joblib") == 4.5
    monkeypatch.delenv("BUILD_LOG")
    assert training_seconds(tmp_path / "models" / "knn.joblib") is None


def test_only_the_models_predictions_count_as_its_prediction_time():
    """The timed model adds up the seconds of predict, predict_proba and recommend, nothing else."""

    class Slow:
        classes_ = ["a", "b"]

        def predict(self, rows):
            return [sum(range(200_000)) for _ in rows]

    timed = Timed(Slow())
    assert timed.seconds == 0.0 and timed.classes_ == ["a", "b"]
    timed.predict([1, 2])
    assert timed.seconds > 0.0
