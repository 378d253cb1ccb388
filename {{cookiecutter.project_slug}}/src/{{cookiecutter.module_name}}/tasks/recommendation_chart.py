"""The recommendation chart: metrics at every cut-off, coverage and popularity.

Only the model_figures step loads this module (tasks.load(task, "model_figures")), so editing a chart
redraws the models' figures and retrains nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from .ranking import CURVES

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def chart(predictions: pd.DataFrame, result: Mapping[str, Any]) -> Figure:
    """The metrics at every cut-off 1..2k, and how much of the catalogue the model shows, how popular."""
    # Drawing is judged by eye in the report, not by the tests: `make mutants` leaves it alone.
    # pragma: no mutate block
    from matplotlib.figure import Figure

    k, found = result["k"], result["curves"]
    figure = Figure(figsize=(11, 4.5), layout="constrained")
    left, right = figure.subplots(1, 2, width_ratios=(2, 1))
    cuts = range(1, len(found[CURVES[0]]) + 1)
    for name in CURVES:
        left.plot(cuts, found[name], marker="o", markersize=3, label=name.removesuffix("_at_k") + "@j")
    left.axvline(k, color="#7f7f7f", linestyle="--", label=f"k = {k} (the leaderboard's)")
    left.set(title="ranking metrics at each cut-off j", xlabel="j: recommendations looked at", ylim=(0, None))
    left.xaxis.get_major_locator().set_params(integer=True)  # a cut-off is a whole number of items
    left.legend(loc="best")
    shares = {
        "catalogue coverage": result["metrics"]["coverage"],
        "popularity percentile": result["metrics"]["popularity_percentile"],
    }
    bars = right.bar(list(shares), list(shares.values()), color=["#1f77b4", "#ff7f0e"])
    right.bar_label(bars, fmt="%.2f", padding=3)
    right.set(title=f"what the top {k} lists show", ylim=(0, 1.1))
    right.set_ylabel("coverage: share of training items in any top k\npopularity: 1 = blockbusters only")
    figure.suptitle(f"{result['model']}: top {k} of {result['n_test']} held-out users")
    return figure
