"""How sure a score is: a seeded bootstrap of the held-out rows (or users), for the metrics file.

A model's score on 143 held-out rows could have come out several points higher or lower on
another 143. Scoring it again on RESAMPLES resamples of the held-out units (drawn with
replacement) shows how far: the middle 95% of those scores is the interval (the percentile
bootstrap). The task scores each resample with every metric it scores the whole test set with (a
table's from numpy arrays, with the same numbers as its metric functions), so every metric, a new one
included, gets its interval.

Every model draws the same resamples (the same seed, the same number of held-out units in the
same order), so two models' scores on each resample can be subtracted: `intervals.py` compares
them from the per-resample scores kept here. Beyond MAX_ROWS units each resample draws only
MAX_ROWS of them (a million rows would take minutes), and the spread is scaled down by
sqrt(MAX_ROWS / units) to the spread of a full-size resample (the m-out-of-n bootstrap).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .intervals import interval

# Enough for intervals that hold the true score 95% of the time (tests/test_intervals.py checks it);
# each resample costs one call of the task's resample scorer (tabular tasks: numpy on the predictions'
# arrays, ~50 µs for 67 rows, where scikit-learn's metric functions on a DataFrame slice took 5 ms).
RESAMPLES = 200
# Units scored per resample at most: a million-row classification test set is bootstrapped in 0.15 s of CPU.
MAX_ROWS = 10_000

Scores = dict[str, float]


def resample_rows(units: int, seed: int, resamples: int = RESAMPLES, max_rows: int = MAX_ROWS) -> np.ndarray:
    """The positions of each resample's units (one row per resample), drawn with replacement."""
    return np.random.default_rng(seed).integers(0, units, size=(resamples, min(units, max_rows)))


def bootstrap(
    score: Callable[[np.ndarray], Scores | None],
    units: int,
    point: Scores,
    seed: int,
    resamples: int = RESAMPLES,
    max_rows: int = MAX_ROWS,
) -> dict[str, dict]:
    """The metrics file's `intervals` ({metric: [low, high]}) and `bootstrap` (what was drawn, and
    every resample's scores), from `score(positions)`, the metrics of those held-out units, and
    `point`, the metrics of all of them. No resamples, no fields (the learning curve needs none).
    A resample that cannot give every metric of `point` (None, or a metric missing: roc_auc when it
    drew one class of two) is left out; which ones depends on the held-out actual values only, so
    every model leaves out the same ones and stays comparable resample by resample."""
    if not resamples:
        return {}
    drawn = resample_rows(units, seed, resamples, max_rows)
    scores = [found for found in map(score, drawn) if found is not None and point.keys() <= found.keys()]
    if not scores:
        return {}
    values = {name: [round(float(s[name]), 6) for s in scores] for name in point}
    scale = drawn.shape[1] / units
    return {
        "intervals": {name: interval(point[name], values[name], scale) for name in point},
        "bootstrap": {
            "seed": seed,
            "resamples": resamples,
            "units_per_resample": drawn.shape[1],
            "units": units,
            "values": values,
        },
    }
