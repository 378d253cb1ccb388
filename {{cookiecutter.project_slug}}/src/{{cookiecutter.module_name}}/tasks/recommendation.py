"""The recommendation task: the task interface (tasks/__init__.py) over interaction logs.

Its cleanup and per-user split are in interaction_log.py, its metrics at k in ranking.py; this module
reads the settings for them, and scores a model (with its curves and intervals).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..bootstrap import RESAMPLES, Scores, bootstrap
from ..item_table import check_joins, read_items
from ..metrics import METRICS
from .cleanup_step import Cleanup
from .interaction_columns import columns_of
from .interaction_log import check_interactions, interaction_cleanup, split_users
from .ranking import CURVES, PER_USER, metrics_of_hits, ranked_hits

METRIC_MEANING = "how near the top of each user's {k} recommendations their held-out items are (0 to 1)"


def cleanup_steps(settings: Mapping[str, Any]) -> list[Cleanup]:
    return interaction_cleanup(columns_of(settings), settings.get("rating_kind", "rating"))


def check(frame: pd.DataFrame, settings: Mapping[str, Any]) -> None:
    check_interactions(frame, columns_of(settings))


def split(
    frame: pd.DataFrame, settings: Mapping[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """The per-user holdout of [features]; every column is kept, as [data] names what each one is."""
    train, test = split_users(
        frame,
        columns_of(settings),
        settings["test_size"],
        settings["holdout"],
        settings["min_interactions"],
        settings["seed"],
    )
    return train, test, {"features": list(frame.columns), "removed": {}}


def evaluation_columns(settings: Mapping[str, Any]) -> dict[str, list[str] | None]:
    """Who had what, in training (a recommender never recommends it) and held out: nothing else."""
    columns = columns_of(settings)
    return dict.fromkeys(("train", "test"), [columns.user, columns.item])


def fit(model: Any, rows: pd.DataFrame, settings: Mapping[str, Any]) -> None:
    """Fit a recommender on the training interactions, for the holdout and k it will be judged on."""
    from ..sources.local import read_files  # here: the clean and split steps read no item table

    items, columns = read_items(settings, read_files), columns_of(settings)
    check_joins(items, columns.item, rows[columns.item])
    model.fit(rows, columns, items, settings["k"], settings["holdout"])


def curves(hits: np.ndarray, relevant: np.ndarray) -> dict[str, list[float]]:
    """Each metric of CURVES at every cut-off 1..len(hits[0]), from one list per user: the first j
    recommendations of a top-2k list are the top j."""
    cuts = range(1, hits.shape[1] + 1)
    return {
        name: [round(float(PER_USER[name](hits[:, :cut], relevant).mean()), 6) for cut in cuts]
        for name in CURVES
    }


def evaluate(
    model: Any, train: pd.DataFrame, test: pd.DataFrame, settings: Mapping[str, Any]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Each test user's top k (the predictions file) and the metrics at k, with their curves up to 2k
    and their intervals from resampled scored users (bootstrap.py)."""
    columns, k = columns_of(settings), settings["k"]
    longer = model.recommend(test[columns.user].unique(), 2 * k)
    # the first k of a top-2k list are the top k: one pass over the lists gives the metrics and the curves
    hits, relevant, counted = ranked_hits(longer, test, train, columns, 2 * k)
    at_k = counted[counted["rank"] <= k]
    found = metrics_of_hits(hits[:, :k], relevant, at_k, train[columns.item])
    scores = {name: round(value, 6) for name, value in found.items()}
    resamples = settings.get("resamples", RESAMPLES)  # 0 for the learning curve
    items = train[columns.item]
    intervals = resampled(hits[:, :k], relevant, at_k, items, scores, settings["seed"], resamples)
    top = longer[longer["rank"] <= k].reset_index(drop=True)
    return top, {
        "goal": f"recommending {columns.item} to each {columns.user}",
        "columns": settings["columns"],  # for the app and `invoke recommend`
        "items": settings.get("items"),
        "item_separator": settings.get("item_separator"),  # for the app's filters
        "n_test": len(relevant),
        "test_unit": "users",
        "k": k,
        "metric_meaning": (
            METRICS[settings["metric"]].meaning if settings.get("metric") else METRIC_MEANING.format(k=k)
        ),
        "metrics": scores,
        "curves": curves(hits, relevant),
        **intervals,
    }


def resampled(
    hits: np.ndarray,
    relevant: np.ndarray,
    counted: pd.DataFrame,
    train_items: pd.Series,
    scores: Scores,
    seed: int,
    resamples: int = RESAMPLES,
) -> dict[str, dict]:
    """The metrics file's `intervals` and `bootstrap`: the metrics of resampled scored users, each a
    mean over the users. Coverage has none: a resample repeats some users and leaves others out, so
    it covers fewer items than all the users do, and its interval would sit below the score."""
    per_user = {name: metric(hits, relevant) for name, metric in PER_USER.items()}
    users = counted["scored_user"].to_numpy()
    percentile = counted["item"].map(train_items.value_counts().rank(pct=True)).fillna(0.0).to_numpy()
    shown = np.bincount(users, minlength=len(relevant))
    popularity = np.bincount(users, weights=percentile, minlength=len(relevant))

    def score(rows: np.ndarray) -> dict[str, float]:
        found = {name: float(values[rows].mean()) for name, values in per_user.items()}
        total = shown[rows].sum()
        found["popularity_percentile"] = float(popularity[rows].sum() / total) if total else 0.0
        return found

    point = {name: value for name, value in scores.items() if name != "coverage"}
    return bootstrap(score, len(relevant), point, seed, resamples)
