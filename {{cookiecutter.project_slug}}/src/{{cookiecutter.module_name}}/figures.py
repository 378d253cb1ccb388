"""The results as pictures for the demo: reports/figures/*.png.

- leaderboard.png: every model's primary metric, the random baseline drawn as the floor;
- <model>.png: how the model does on the held-out test set, drawn by its task (a confusion
  matrix for classification, predicted against actual values and residuals for regression,
  metrics at every cut-off, coverage and popularity bias for recommendation);
- learning-curve.png: each model's score trained on 10% to 100% of its rows (learning.py);
- <model>-validation.png: for a grid-searched model, each candidate's training and validation
  score, the chosen one marked (diagnostic_charts.py). Make does not list these (which models
  search a grid is known only once they are trained): they are drawn with the others.

Figures are drawn with matplotlib's object API (`Figure`, no pyplot), which
renders to files only: no window, no display needed. scikit-learn's display
helpers would draw the same charts, but importing sklearn.metrics costs a
second on every build, so the simple charts are drawn directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from . import diagnostic_charts, tasks
from .cli import run
from .files import atomic_path, read_json
from .models.registry import BASELINE
from .results import baseline_of, goal, held_out, rank


def metric_label(result: dict[str, Any]) -> str:
    better = "higher" if result["higher_is_better"] else "lower"
    return f"{result['primary_metric']} ({better} is better)\n{result['metric_meaning']}"


def leaderboard_chart(results: list[dict[str, Any]]) -> Figure:
    """One bar per model, best at the top, with the random baseline as a dashed floor."""
    ranked = rank(results)
    best, metric = ranked[0], ranked[0]["primary_metric"]
    names = [r["model"] for r in reversed(ranked)]
    values = [r["metrics"][metric] for r in reversed(ranked)]
    figure = Figure(figsize=(7, 1.6 + 0.55 * len(names)), layout="constrained")
    axes = figure.subplots()
    colours = ["#9e9e9e" if n == BASELINE else "#1f77b4" for n in names]
    bars = axes.barh(names, values, color=colours, xerr=interval_errors(list(reversed(ranked)), metric))
    axes.bar_label(bars, fmt="%.3f", padding=3)
    baseline = baseline_of(ranked)
    if baseline is not None:
        floor = baseline["metrics"][metric]
        axes.axvline(floor, color="#d62728", linestyle="--", label="random baseline: the floor")
        axes.legend(loc="lower right")
    highest = max(max(values), *(r.get("intervals", {}).get(metric, [0, 0])[1] for r in ranked))
    axes.set_xlim(0, highest * 1.15 or 1)
    axes.set_title(f"Leaderboard: {goal(best)} ({best['task']})\nscored on {held_out(best)}")
    axes.set_xlabel(metric_label(best))
    axes.set_ylabel("model")
    return figure


def interval_errors(results: list[dict[str, Any]], metric: str) -> list[list[float]] | None:
    """How far each bar's 95% interval reaches below and above its score (None without intervals)."""
    if not all(metric in r.get("intervals", {}) for r in results):
        return None
    below = [r["metrics"][metric] - r["intervals"][metric][0] for r in results]
    above = [r["intervals"][metric][1] - r["metrics"][metric] for r in results]
    return [[max(0.0, span) for span in below], [max(0.0, span) for span in above]]


def save(figure: Figure, path: Path) -> None:
    with atomic_path(path) as temporary:
        figure.savefig(temporary, format="png", dpi=110)


def main(learning: Path, metrics: list[Path], output: Path) -> None:
    """Draw the leaderboard from METRICS (JSON files), the learning curves in the folder LEARNING and
    each model's errors into the folder OUTPUT."""
    results = [read_json(path) for path in metrics]
    save(leaderboard_chart(results), output / "leaderboard.png")
    curves = [read_json(path) for r in results if (path := learning / f"{r['model']}.json").is_file()]
    save(diagnostic_charts.learning_chart(curves), output / "learning-curve.png")
    for result in results:
        predictions = pd.read_parquet(result["predictions"])
        chart = tasks.load(result["task"], "figures").chart
        save(chart(predictions, result), output / f"{result['model']}.png")
        if result.get("validation_curve"):
            save(diagnostic_charts.validation_chart(result), output / f"{result['model']}-validation.png")
    print(f"figures: leaderboard and {', '.join(r['model'] for r in results)} -> {output}/")


if __name__ == "__main__":
    run(main)
