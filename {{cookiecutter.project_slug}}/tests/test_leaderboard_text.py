"""The leaderboard and the score lines say exactly what the models scored, in the documented form."""

from {{ cookiecutter.module_name }}.results import baseline_of, gain, goal, headline, lift, rank, to_markdown


def scored(model: str, balanced_accuracy: float, accuracy: float = 0.5, **fields) -> dict:
    return {
        "model": model,
        "task": "classification",
        "target": "species",
        "n_test": 30,
        "test_unit": "rows",
        "primary_metric": "balanced_accuracy",
        "higher_is_better": True,
        "metrics": {"accuracy": accuracy, "balanced_accuracy": balanced_accuracy},
        **fields,
    }


def test_the_leaderboard_table_in_full():
    """Ranked best first with the primary metric first and bold, the other metrics, and the lift."""
    ranked = rank([scored("random", 0.4, 0.45), scored("knn", 0.9, 0.925), scored("rules", 0.7, 0.75)])
    assert to_markdown(ranked) == (
        "# Leaderboard\n"
        "\n"
        "Models predicting species (classification), scored on the same 30 held-out rows and ranked by "
        "**balanced_accuracy** (higher is better). Lift is the gain in that metric over the random baseline: "
        "positive is better.\n"
        "\n"
        "| Rank | Model | **balanced_accuracy** | accuracy | Lift over random |\n"
        "|---:|---|---:|---:|---:|\n"
        "| 1 | knn | 0.900 | 0.925 | +0.500 (+125%) |\n"
        "| 2 | rules | 0.700 | 0.750 | +0.300 (+75%) |\n"
        "| 3 | random | 0.400 | 0.450 | (baseline) |\n"
    )


def test_a_recommenders_leaderboard_says_lower_or_higher_and_k():
    """The line above the table names the goal, the users, k, and which way the metric is better."""
    common = {"goal": "recommending items to each user", "test_unit": "users", "k": 10}
    text = to_markdown([scored("knn", 0.2, **common, higher_is_better=False)], heading="## Top")
    assert text.splitlines()[0] == "## Top"
    assert text.splitlines()[2].startswith(
        "Models recommending items to each user (classification), scored on the same 30 held-out users, "
        "top 10 recommendations each and ranked by **balanced_accuracy** (lower is better)."
    )


def test_without_a_random_baseline_the_lift_is_not_available():
    """No baseline scored: every lift is n/a, not a number against nothing."""
    ranked = [scored("knn", 0.9)]
    assert baseline_of(ranked) is None
    assert lift(ranked[0], None) == "n/a"
    assert to_markdown(ranked).splitlines()[-1].endswith("| n/a |")


def test_a_zero_baseline_shows_the_absolute_lift_only():
    """A relative lift over a baseline scoring 0 would divide by zero: only the difference is shown."""
    assert lift(scored("knn", 0.25), scored("random", 0.0)) == "+0.250"


def test_gain_is_positive_when_the_model_is_better_whichever_way_the_metric_goes():
    """Higher balanced accuracy and lower RMSE are both gains."""
    assert gain(scored("knn", 0.75), scored("random", 0.5)) == 0.25
    error = {"primary_metric": "rmse", "higher_is_better": False}
    assert gain({**error, "metrics": {"rmse": 3.0}}, {**error, "metrics": {"rmse": 5.0}}) == 2.0


def test_a_tie_with_the_baseline_is_not_better():
    """The headline says "better" only for a strictly higher score, however small the gain."""
    random = scored("random", 0.5)
    assert headline(scored("knn", 0.5), random).endswith("(+0.000 (+0%) vs the random baseline: NOT better)")
    assert headline(scored("knn", 0.6), random).endswith("(+0.100 (+20%) vs the random baseline: better)")


def test_the_goal_falls_back_to_predicting_the_target():
    """Metrics files without a goal (written before it existed) still read as "predicting <target>"."""
    assert goal({"target": "species"}) == "predicting species"
    assert goal({"target": "species", "goal": "recommending items"}) == "recommending items"
