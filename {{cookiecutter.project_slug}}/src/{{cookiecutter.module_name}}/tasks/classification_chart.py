"""The classification chart: a confusion matrix of the test rows.

Only the model_figures step loads this module (tasks.load(task, "model_figures")), so editing a chart
redraws the models' figures and retrains nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure


# The confusion matrix draws at most this many classes (the most frequent), so it stays readable and small.
MAX_CLASSES = 20
# Class names longer than this are cut short on the axes.
MAX_LABEL = 24


def every_class(predictions: pd.DataFrame) -> set[Any]:
    """The classes actual or predicted. Each column's distinct values are found first: a set of the
    column itself takes every row's value out of pandas one at a time (0.3 s on 196,000 test rows)."""
    return set(predictions["actual"].drop_duplicates()) | set(predictions["predicted"].drop_duplicates())


def shown_classes(predictions: pd.DataFrame) -> list[Any]:
    """The classes the chart draws: all of them, or the MAX_CLASSES most frequent actual ones."""
    classes = every_class(predictions)
    if len(classes) > MAX_CLASSES:
        classes = set(predictions["actual"].value_counts().index[:MAX_CLASSES])
    return sorted(classes, key=str)


def short(label: Any) -> str:
    text = str(label)
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def chart(predictions: pd.DataFrame, result: Mapping[str, Any]) -> Figure:
    """Counts of actual (rows) against predicted (columns) classes on the test rows;
    with many classes, those of the most frequent classes only (the title says so)."""
    # Drawing is judged by eye in the report, not by the tests: `make mutants` leaves it alone.
    # pragma: no mutate block
    from matplotlib.figure import Figure

    model, target = result["model"], result["target"]
    labels = shown_classes(predictions)
    every = len(every_class(predictions))
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
    names = [short(label) for label in labels]
    axes.set_xticks(range(len(labels)), names, rotation=30 if len(labels) > 4 else 0)
    axes.set_yticks(range(len(labels)), names)
    shown = f", the {len(labels)} most frequent of {every} classes" if len(labels) < every else ""
    axes.set_title(
        f"{model}: confusion matrix, {len(predictions)} test rows{shown}\n(right answers on the diagonal)"
    )
    axes.set_xlabel(f"predicted {target}")
    axes.set_ylabel(f"actual {target}")
    return figure
