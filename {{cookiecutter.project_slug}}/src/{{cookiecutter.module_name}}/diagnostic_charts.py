"""Charts of how the models learn: a validation curve (curves.py) for model_figures.py, and the learning
curves (learning.py) for learning_figure.py; and how the figure steps save
a figure.

Drawing is judged by eye in the report, not by the tests: `make mutants` leaves it alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from .curves import reading
from .files import atomic_path

# Candidates beyond this many are too many to label on the axis; all are drawn.
MAX_TICKS = 30


def validation_chart(result: dict[str, Any]) -> Figure:
    """Training and validation score of each candidate of the grid, the chosen one marked."""
    # pragma: no mutate block
    curve = result["validation_curve"]
    values, chosen = curve["values"], curve["chosen"]
    positions = range(len(values))  # evenly spaced: grids are often uneven (1, 3, 5, 9, 15, 25)
    figure = Figure(figsize=(7, 4.5), layout="constrained")
    axes = figure.subplots()
    if curve["train"] is not None:
        axes.plot(positions, curve["train"], marker="o", label="training folds")
    axes.plot(positions, curve["validation"], marker="o", label="validation")
    axes.axvline(values.index(chosen), color="#7f7f7f", linestyle="--", label=f"chosen: {chosen}")
    if len(values) <= MAX_TICKS:
        axes.set_xticks(list(positions), [str(value) for value in values])
    better = "higher" if curve["higher_is_better"] else "lower"
    axes.set(xlabel=curve["parameter"], ylabel=f"{curve['metric']} ({better} is better)")
    axes.legend(loc="best")
    axes.set_title(f"{result['model']}: validation curve\n{reading(curve)}", fontsize=9, wrap=True)
    return figure


def learning_chart(curves: list[dict[str, Any]]) -> Figure:
    """Each model's primary score against the share of its training rows it was trained on."""
    # pragma: no mutate block
    figure = Figure(figsize=(7, 4.5), layout="constrained")
    axes = figure.subplots()
    if not curves:  # make lists this figure: it says why it is empty rather than missing
        axes.text(0.5, 0.5, "No learning curves: every model trains on Spark", ha="center", va="center")
        axes.set_axis_off()
        return figure
    for curve in curves:
        shares = [100 * share for share in curve["shares"]]
        label = f"{curve['model']} ({curve['rows'][-1]} rows at 100%)"
        axes.plot(shares, curve["scores"], marker="o", label=label)
    first = curves[0]
    better = "higher" if first["higher_is_better"] else "lower"
    axes.set_xticks([100 * share for share in first["shares"]], [f"{share:.0%}" for share in first["shares"]])
    axes.set_xlabel("share of its training rows")
    axes.set_ylabel(f"{first['metric']} on the test set ({better} is better)")
    axes.legend(loc="best")
    axes.set_title("Learning curves: would more data help?\n(still rising at 100%: yes; flat: no)")
    return figure


def save(figure: Figure, path: Path) -> None:
    """Write `figure` to `path` as a PNG, atomically."""
    with atomic_path(path) as temporary:
        figure.savefig(temporary, format="png", dpi=110)
