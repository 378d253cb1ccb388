"""The leaderboard ranks by the task's primary metric and shows the lift over random."""

from {{ cookiecutter.module_name }}.leaderboard import lift, rank, to_markdown


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
