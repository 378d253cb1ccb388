"""Every score carries a 95% interval that means what it says, and models are compared through it."""

import numpy as np
import pytest

from {{ cookiecutter.module_name }}.bootstrap import bootstrap
from {{ cookiecutter.module_name }}.intervals import percentile, tied, versus
from {{ cookiecutter.module_name }}.results import headline, to_markdown


def accuracy_of(right: np.ndarray):
    """The metric function of right/wrong answers, as a task's `score` of some of its rows."""
    return lambda rows: {"accuracy": float(right[rows].mean())}


def covered(true_accuracy: float, rows: int, runs: int, max_rows: int) -> float:
    """The share of `runs` seeded test sets of `rows` whose interval holds the true accuracy."""
    hits = 0
    for run in range(runs):
        right = np.random.default_rng(run).random(rows) < true_accuracy
        point = {"accuracy": float(right.mean())}
        drawn = bootstrap(accuracy_of(right), rows, point, seed=run, max_rows=max_rows)
        low, high = drawn["intervals"]["accuracy"]
        hits += low <= true_accuracy <= high
    return hits / runs


def test_the_95_interval_holds_the_true_accuracy_in_about_95_of_100_test_sets():
    """On 300 test sets of 200 rows drawn from a model right 80% of the time, 90-99% of the
    intervals hold 0.8."""
    assert 0.90 <= covered(0.8, rows=200, runs=300, max_rows=10_000) <= 0.99


def test_a_bootstrap_of_fewer_rows_than_the_test_set_is_still_calibrated():
    """Beyond max_rows each resample draws fewer rows and narrows its spread to the full test set's."""
    assert 0.90 <= covered(0.7, rows=20_000, runs=200, max_rows=500) <= 0.99


def test_percentiles_interpolate_as_numpy_does():
    """The standard-library percentile the leaderboard uses agrees with numpy's default."""
    values = list(np.random.default_rng(0).normal(size=37))
    for q in (0, 2.5, 50, 97.5, 100):
        assert percentile(values, q) == pytest.approx(np.percentile(values, q))


def scored(model: str, right: np.ndarray, seed: int = 0) -> dict:
    """A metrics file of a classifier whose answers on the test rows were `right`."""
    point = {"accuracy": round(float(right.mean()), 6)}
    return {
        "model": model,
        "task": "classification",
        "target": "species",
        "n_test": len(right),
        "test_unit": "rows",
        "primary_metric": "accuracy",
        "higher_is_better": True,
        "metrics": point,
        **bootstrap(accuracy_of(right), len(right), point, seed),
    }


ROWS = 300
GUESSES = np.random.default_rng(1).random((3, ROWS))


def test_a_second_random_baseline_is_not_better_than_the_first():
    """Two coin flips on the same rows: the interval of the gain straddles zero, so "NOT better"."""
    first, second = scored("random", GUESSES[0] < 0.5), scored("random2", GUESSES[1] < 0.5)
    compared = versus(second, first)
    assert compared["difference"][0] < 0 < compared["difference"][1] and not compared["better"]
    assert headline(second, first).endswith("vs the random baseline: NOT better)")


def test_a_clearly_better_model_is_better():
    """Right 80% of the time against a coin flip: the whole interval of the gain is above zero."""
    compared = versus(scored("knn", GUESSES[2] < 0.8), scored("random", GUESSES[0] < 0.5))
    assert compared["better"] and compared["difference"][0] > 0.1


def test_a_gain_smaller_than_the_noise_is_not_called_better():
    """A model right on 3 more of 300 rows than the baseline (a higher score) is not better."""
    baseline = GUESSES[0] < 0.5
    lucky = baseline.copy()
    lucky[np.flatnonzero(~baseline)[:3]] = True
    assert headline(scored("knn", lucky), scored("random", baseline)).endswith("NOT better)")


def test_for_an_error_a_lower_score_is_the_gain():
    """With RMSE, lower is better: the model with the smaller errors has a positive gain."""
    errors = np.random.default_rng(2).normal(size=(2, ROWS))

    def rmse_file(model, error):
        score = lambda rows: {"rmse": float(np.sqrt(np.mean(error[rows] ** 2)))}  # noqa: E731
        point = score(np.arange(ROWS))
        drawn = bootstrap(score, ROWS, point, seed=0)
        return {"model": model, "primary_metric": "rmse", "higher_is_better": False, "metrics": point} | drawn

    assert versus(rmse_file("knn", errors[0] * 0.3), rmse_file("random", errors[1]))["better"]


def test_models_scored_on_other_resamples_are_not_compared():
    """Another seed drew other resamples: no paired difference, rather than a wrong one."""
    assert versus(scored("knn", GUESSES[2] < 0.8), scored("random", GUESSES[0] < 0.5, seed=1)) is None


def test_models_whose_intervals_overlap_the_best_are_shown_tied_with_it():
    """The leaderboard ranks them, but says the data cannot tell them apart from the best."""
    shares = {"knn": 0.8, "rules": 0.78, "random": 0.3}
    best, close, far = (scored(model, GUESSES[0] < share) for model, share in shares.items())
    assert tied(close, best) and not tied(far, best)
    rows = [line for line in to_markdown([best, close, far]).splitlines() if line.startswith("| ")][1:]
    assert [row.split(" | ")[0] for row in rows] == ["| 1", "| 2 (tied with 1)", "| 3"]


def test_the_score_line_shows_the_interval():
    """The line `invoke knn` prints carries the primary score's interval beside it."""
    best, baseline = scored("knn", GUESSES[2] < 0.8), scored("random", GUESSES[0] < 0.5)
    low, high = best["intervals"]["accuracy"]
    score = f"{best['metrics']['accuracy']:.3f} [{low:.3f}, {high:.3f}]"
    assert headline(best, baseline).startswith(f"knn: accuracy = {score} on 300 held-out rows")


def test_the_leaderboard_shows_each_interval_and_the_verdict_against_random():
    """Beside each score its interval; in the last column whether the gain's interval clears zero."""
    best, baseline = scored("knn", GUESSES[2] < 0.8), scored("random", GUESSES[0] < 0.5)
    low, high = best["intervals"]["accuracy"]
    table = to_markdown([best, baseline])
    assert f"| {best['metrics']['accuracy']:.3f} [{low:.3f}, {high:.3f}] |" in table
    assert "| yes: [+" in table and table.splitlines()[-1].endswith("| (baseline) | (baseline) |")
