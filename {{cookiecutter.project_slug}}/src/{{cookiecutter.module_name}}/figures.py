"""The results as pictures for the demo: reports/figures/*.png, one step per group of inputs, so a change
redraws only the figures it touches and make draws the groups side by side.

This step draws the figures of every model's scores:
- leaderboard.png: every model's primary metric, the random baseline drawn as the floor;
- cost.png: every model's primary metric (with its interval) against what it costs, its training
  seconds and its prediction time per row, with [leaderboard] good_enough drawn as a line and the
  model to ship (results.to_ship) marked.
model_figures.py draws each model's own (<model>.png, <model>-validation.png), learning_figure.py
the learning curves (learning-curve.png).

Figures are drawn with matplotlib's object API (`Figure`, no pyplot), which
renders to files only: no window, no display needed. scikit-learn's display
helpers would draw the same charts, but importing sklearn.metrics costs a
second on every build, so the simple charts are drawn directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from .cli import run
from .diagnostic_charts import save
from .files import read_json
from .models.registry import BASELINE
from .results import baseline_of, goal, held_out, rank, to_ship

# What each panel of cost.png puts on its x axis: the metrics file's cost field, its unit and scale.
COSTS = (("train_seconds", "seconds to train (make's train step)", 1.0),
         ("predict_seconds_per_unit", "µs to predict one held-out {unit}", 1e6))  # fmt: skip


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


def cost_chart(results: list[dict[str, Any]], threshold: float | None) -> Figure:
    """Each model's score, its 95% interval as a bar, against its training seconds (left) and its
    prediction time per row (right), both on a log scale; the threshold a dashed line, the model to ship
    ringed. A model whose cost was not measured (a step run by hand) is left out of that panel."""
    # pragma: no mutate block
    shipped, _ = to_ship(results, threshold)
    metric = shipped["primary_metric"]
    figure = Figure(figsize=(10, 4.5), layout="constrained")
    for axes, (field, label, scale) in zip(figure.subplots(1, 2, sharey=True), COSTS, strict=True):
        measured = [r for r in results if (r.get("cost") or {}).get(field) is not None]
        for result in measured:
            x = max(result["cost"][field] * scale, 1e-3)  # a log axis has no zero
            errors = interval_errors([result], metric)
            ringed = result is shipped
            ring = {"markersize": 12, "markeredgecolor": "#d62728", "markeredgewidth": 2} if ringed else {}
            axes.errorbar([x], [result["metrics"][metric]], yerr=errors, fmt="o", capsize=4, **ring)
            point = (x, result["metrics"][metric])
            axes.annotate(result["model"], point, xytext=(6, 4), textcoords="offset points")
        if threshold is not None:
            axes.axhline(threshold, color="#d62728", linestyle="--", label=f"good_enough = {threshold:g}")
            axes.legend(loc="best")
        axes.set_xscale("log")
        axes.margins(x=0.2)  # room for the names beside the outermost points
        axes.set_xlabel(label.format(unit=shipped.get("test_unit", "rows").rstrip("s")))
        if len(measured) < len(results):
            axes.set_title(f"{len(results) - len(measured)} model(s) not measured", fontsize=9)
    better = "higher" if shipped["higher_is_better"] else "lower"
    figure.axes[0].set_ylabel(f"{metric} ({better} is better)")
    figure.suptitle(f"Score against cost: ship {shipped['model']} (ringed)")
    return figure


def interval_errors(results: list[dict[str, Any]], metric: str) -> list[list[float]] | None:
    """How far each bar's 95% interval reaches below and above its score (None without intervals)."""
    if not all(metric in r.get("intervals", {}) for r in results):
        return None
    below = [r["metrics"][metric] - r["intervals"][metric][0] for r in results]
    above = [r["intervals"][metric][1] - r["metrics"][metric] for r in results]
    return [[max(0.0, span) for span in below], [max(0.0, span) for span in above]]


def main(settings: Path, metrics: list[Path], output: Path) -> None:
    """Draw the leaderboard and the cost of each model from METRICS (JSON files) with SETTINGS' good_enough
    threshold into the folder OUTPUT."""
    results = [read_json(path) for path in metrics]
    save(leaderboard_chart(results), output / "leaderboard.png")
    save(cost_chart(results, read_json(settings).get("good_enough")), output / "cost.png")
    print(f"figures: leaderboard and cost of {', '.join(r['model'] for r in results)} -> {output}/")


if __name__ == "__main__":
    run(main)
