"""The regression chart: predicted against actual values, and the residuals.

Only the model_figures step loads this module (tasks.load(task, "model_figures")), so editing a chart
redraws the models' figures and retrains nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure


# Enough points to see the pattern; more only slow the drawing down.
MAX_POINTS = 1000


def chart(predictions: pd.DataFrame, result: Mapping[str, Any]) -> Figure:
    """Predicted against actual values (on the diagonal is right), and the residuals."""
    # Drawing is judged by eye in the report, not by the tests: `make mutants` leaves it alone.
    # pragma: no mutate block
    from matplotlib.figure import Figure

    model, target = result["model"], result["target"]
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
