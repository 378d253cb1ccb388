"""What the bootstrap (bootstrap.py) says when models meet: intervals, "better than", "tied".

A metrics file keeps every resample's scores (`bootstrap`); the models drew the same resamples,
so a model's gain over the baseline on each resample is one subtraction, and its interval says
whether the gain is real: "better" only when the whole interval is above zero. A model whose
interval overlaps the best model's is shown as tied with it: the data cannot tell them apart.

Standard library only: the leaderboard and `invoke` read it.
"""

from __future__ import annotations

import math
from typing import Any

# The middle 95% of the resampled scores.
LOW, HIGH = 2.5, 97.5

Result = dict[str, Any]  # one reports/metrics/<model>.json


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile of `values`, interpolated between the two nearest (as numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def interval(point: float, values: list[float], share: float = 1.0) -> list[float]:
    """The 95% interval around `point` from the resampled `values`; when each resample held only
    `share` of the units, their spread is narrowed by sqrt(share) to a full resample's."""
    shrink = math.sqrt(share)
    return [round(point + (percentile(values, q) - point) * shrink, 6) for q in (LOW, HIGH)]


def paired(result: Result, other: Result) -> bool:
    """Whether both models were scored on the same resamples (same seed, draws and units)."""
    mine, theirs = result.get("bootstrap"), other.get("bootstrap")
    keys = ("seed", "resamples", "units_per_resample", "units")
    return bool(mine and theirs) and all(mine[key] == theirs[key] for key in keys)


def versus(result: Result, baseline: Result, metric: str | None = None) -> dict[str, Any] | None:
    """The interval of `result`'s gain over `baseline` in `metric` (the primary one by default),
    positive when better, and whether all of it is above zero; None if they drew other resamples."""
    if not paired(result, baseline):
        return None
    metric = metric or result["primary_metric"]
    sign = 1 if result["higher_is_better"] else -1
    mine, theirs = result["bootstrap"]["values"][metric], baseline["bootstrap"]["values"][metric]
    gains = [sign * (a - b) for a, b in zip(mine, theirs, strict=True)]
    point = sign * (result["metrics"][metric] - baseline["metrics"][metric])
    drawn = result["bootstrap"]
    low, high = interval(point, gains, drawn["units_per_resample"] / drawn["units"])
    return {"difference": [low, high], "better": low > 0}


def tied(result: Result, best: Result) -> bool:
    """Whether `result`'s interval on the primary metric overlaps the best model's."""
    metric = best["primary_metric"]
    if metric not in result.get("intervals", {}) or metric not in best.get("intervals", {}):
        return False
    low, high = result["intervals"][metric]
    best_low, best_high = best["intervals"][metric]
    return low <= best_high and best_low <= high
