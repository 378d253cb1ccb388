"""Models rank by the task's primary metric and show their lift over random."""

from {{ cookiecutter.module_name }}.results import headline, lift, rank, to_markdown


def result(model: str, rmse: float) -> dict:
    return {
        "model": model,
        "task": "regression",
        "target": "price",
        "n_train": 80,
        "n_test": 20,
        "primary_metric": "rmse",
        "higher_is_better": False,
        "metrics": {"rmse": rmse, "r2": 0.5},
    }


def test_lower_error_ranks_first_and_counts_as_positive_lift():
    ranked = rank([result("random", 10.0), result("knn", 4.0), result("rules", 7.0)])
    assert [r["model"] for r in ranked] == ["knn", "rules", "random"]
    assert lift(ranked[0], ranked[2]) == "+6.000 (+60%)"


def test_markdown_table_has_one_row_per_model_and_the_primary_metric_first():
    table = to_markdown(rank([result("random", 10.0), result("knn", 4.0)]))
    rows = [line for line in table.splitlines() if line.startswith("| ") and "Rank" not in line]
    assert rows[0].startswith("| 1 | knn | 4.000 | 0.500 | +6.000")
    assert rows[1].endswith("(baseline) |")


def test_the_headline_says_whether_a_model_beats_the_baseline():
    """The line `invoke knn` prints: the score, and better or NOT better than random."""
    random, knn, bad = result("random", 10.0), result("knn", 4.0), result("rules", 12.0)
    assert headline(knn, random) == (
        "knn: rmse = 4.000 on 20 held-out rows (+6.000 (+60%) vs the random baseline: better)"
    )
    assert headline(bad, random).endswith("vs the random baseline: NOT better)")
    assert headline(random, random) == "random: rmse = 10.000 on 20 held-out rows"


def test_a_recommenders_headline_counts_held_out_users():
    """Recommenders are scored per user: the line says how many users, not rows."""
    knn = {**result("knn", 0.2), "test_unit": "users", "higher_is_better": True}
    assert headline(knn, None).endswith("on 20 held-out users")


def test_a_tie_goes_to_the_simpler_model_whatever_order_the_files_come_in():
    """On equal scores "best" is the simpler model (random < rules < knn), so the leaderboard, submit
    and the API (which read the metric files in different orders) all pick the same one."""
    for order in (["knn", "rules", "random"], ["rules", "knn", "random"], ["random", "knn", "rules"]):
        scores = {"knn": 0.757, "rules": 0.757, "random": 0.5}
        ranked = rank(
            [
                {
                    **result(name, 0.0),
                    "task": "classification",
                    "primary_metric": "accuracy",
                    "higher_is_better": True,
                    "metrics": {"accuracy": scores[name]},
                }
                for name in order
            ]
        )
        assert [r["model"] for r in ranked] == ["rules", "knn", "random"]


def test_the_leaderboard_warns_when_cleanup_kept_rows_unlike_the_removed():
    """The metrics files carry cleanup's warning about the kept rows: the leaderboard shows it under its
    ranking sentence, with the share of rows kept."""
    warned = {"rows_kept_share": 0.4, "kept_rows_warning": "the kept rows' mean is 222,759 against 153,108"}
    table = to_markdown(rank([{**result("random", 10.0), **warned}, {**result("knn", 4.0), **warned}]))
    assert "**Warning:** cleanup kept 40% of the rows; the kept rows' mean is 222,759 against 153,108" in (
        table
    )
    assert "Warning" not in to_markdown(rank([result("random", 10.0), result("knn", 4.0)]))
