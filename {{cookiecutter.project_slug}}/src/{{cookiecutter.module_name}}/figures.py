"""The results as pictures for the demo: reports/figures/*.png.

- leaderboard.png: every model's primary metric, the random baseline drawn as the floor;
- <model>.png: a confusion matrix (classification), or predicted against actual
  values beside the residuals (regression), on the held-out test rows.

Figures are drawn with matplotlib's object API (`Figure`, no pyplot), which
renders to files only: no window, no display needed. scikit-learn's display
helpers would draw the same charts, but importing sklearn.metrics costs a
second on every build, so the two simple charts are drawn here directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from .cli import run
from .files import atomic_path, read_json
from .leaderboard import BASELINE, rank

# Enough points to see the pattern; more only slow the drawing down.
MAX_POINTS = 1000

METRIC_MEANING = {
    "balanced_accuracy": "share of each class predicted right, averaged over classes (0 to 1)",
    "rmse": "root mean squared error, in {target} units",
}


def metric_label(result: dict[str, Any]) -> str:
    metric = result["primary_metric"]
    meaning = METRIC_MEANING.get(metric, metric).format(target=result["target"])
    better = "higher" if result["higher_is_better"] else "lower"
    return f"{metric} ({better} is better)\n{meaning}"


def leaderboard_chart(results: list[dict[str, Any]]) -> Figure:
    """One bar per model, best at the top, with the random baseline as a dashed floor."""
    ranked = rank(results)
    best, metric = ranked[0], ranked[0]["primary_metric"]
    names = [r["model"] for r in reversed(ranked)]
    values = [r["metrics"][metric] for r in reversed(ranked)]
    figure = Figure(figsize=(7, 1.6 + 0.55 * len(names)), layout="constrained")
    axes = figure.subplots()
    bars = axes.barh(names, values, color=["#9e9e9e" if n == BASELINE else "#1f77b4" for n in names])
    axes.bar_label(bars, fmt="%.3f", padding=3)
    baseline = next((r for r in ranked if r["model"] == BASELINE), None)
    if baseline is not None:
        floor = baseline["metrics"][metric]
        axes.axvline(floor, color="#d62728", linestyle="--", label="random baseline: the floor")
        axes.legend(loc="lower right")
    axes.set_xlim(0, max(values) * 1.15 or 1)
    axes.set_title(f"Leaderboard: {best['target']} ({best['task']}), {best['n_test']} test rows")
    axes.set_xlabel(metric_label(best))
    axes.set_ylabel("model")
    return figure


def confusion_chart(predictions: pd.DataFrame, model: str, target: str) -> Figure:
    """Counts of actual (rows) against predicted (columns) classes on the test rows."""
    labels = sorted(set(predictions["actual"]) | set(predictions["predicted"]), key=str)
    counts = pd.crosstab(predictions["actual"], predictions["predicted"]).reindex(
        index=labels, columns=labels, fill_value=0
    )
    size = 3 + 0.5 * len(labels)
    figure = Figure(figsize=(size + 1, size), layout="constrained")
    axes = figure.subplots()
    axes.imshow(counts.to_numpy(), cmap="Blues")
    darkest = counts.to_numpy().max()
    for (row, column), count in pd.DataFrame(counts.to_numpy()).stack().items():
        colour = "white" if count > darkest / 2 else "black"
        axes.text(column, row, str(count), ha="center", va="center", color=colour)
    names = [str(label) for label in labels]
    axes.set_xticks(range(len(labels)), names, rotation=30 if len(labels) > 4 else 0)
    axes.set_yticks(range(len(labels)), names)
    axes.set_title(
        f"{model}: confusion matrix, {len(predictions)} test rows\n(right answers on the diagonal)"
    )
    axes.set_xlabel(f"predicted {target}")
    axes.set_ylabel(f"actual {target}")
    return figure


def error_chart(predictions: pd.DataFrame, model: str, target: str) -> Figure:
    """Predicted against actual values (on the diagonal is right), and the residuals."""
    shown = predictions.sample(min(len(predictions), MAX_POINTS), random_state=0)
    residuals = shown["actual"] - shown["predicted"]
    figure = Figure(figsize=(11, 4.5), layout="constrained")
    left, right = figure.subplots(1, 2)
    left.scatter(shown["predicted"], shown["actual"], alpha=0.6, s=14)
    low = min(shown["actual"].min(), shown["predicted"].min())
    high = max(shown["actual"].max(), shown["predicted"].max())
    left.plot([low, high], [low, high], color="#d62728", linestyle="--", label="perfect prediction")
    left.legend(loc="upper left")
    left.set(title="predicted vs actual", xlabel=f"predicted {target}", ylabel=f"actual {target}")
    right.scatter(shown["predicted"], residuals, alpha=0.6, s=14)
    right.axhline(0, color="#d62728", linestyle="--")
    right.set(title="residuals", xlabel=f"predicted {target}", ylabel=f"actual - predicted {target}")
    sample = f" ({MAX_POINTS} shown)" if len(predictions) > MAX_POINTS else ""
    figure.suptitle(f"{model}: errors on {len(predictions)} test rows{sample}")
    return figure


def model_chart(result: dict[str, Any], predictions: pd.DataFrame) -> Figure:
    chart = confusion_chart if result["task"] == "classification" else error_chart
    return chart(predictions, result["model"], result["target"])


def save(figure: Figure, path: Path) -> None:
    with atomic_path(path) as temporary:
        figure.savefig(temporary, format="png", dpi=110)


def main(metrics: list[Path], output: Path) -> None:
    """Draw the leaderboard from METRICS (JSON files) and each model's errors into the folder OUTPUT."""
    results = [read_json(path) for path in metrics]
    save(leaderboard_chart(results), output / "leaderboard.png")
    for result in results:
        predictions = pd.read_parquet(result["predictions"])
        save(model_chart(result, predictions), output / f"{result['model']}.png")
    print(f"figures: leaderboard and {', '.join(r['model'] for r in results)} -> {output}/")


if __name__ == "__main__":
    run(main)
