"""The recommendation task's ranking metrics at k, from each scored user's recommended list.

Metrics, for one user with held-out items R (held-out items also in training do not count)
and recommended list r_1..r_k (the first k; fewer if the model had fewer), hit_i = 1 if r_i in R:
  precision@k  = sum(hit_i) / k                     (k, even if fewer were recommended)
  recall@k     = sum(hit_i) / |R|
  ndcg@k       = DCG / IDCG, DCG = sum_i hit_i / log2(i + 1), IDCG = the DCG of min(k, |R|) hits on top
  map@k        = sum_i hit_i * precision@i / min(k, |R|)
  hit_rate@k   = 1 if any hit_i else 0
Each is averaged over the users with at least one held-out item (the scored users).
Recall divides by |R|, the textbook definition (as in scikit-learn's recall and RecBole): it
answers "what share of what the user went on to have did we find", so it can stay below 1 when
|R| > k. Dividing by min(k, |R|) instead (as some libraries do) makes it a rescaled precision
for heavy users; ndcg@k and map@k already normalise by min(k, |R|), the best a list of k can do.
  coverage     = distinct items in any scored user's top k / distinct items in training
  popularity_percentile = the mean, over every recommended item of every scored user, of its
                 popularity percentile among the training items (share of items with at most its
                 number of training interactions, ties averaged): near 1 means blockbusters only.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..errors import StepError
from .interaction_columns import Columns, positions


class PairKeys:
    """One integer per (user, item) pair of the test set's users and items (-1: a pair outside them)."""

    def __init__(self, test: pd.DataFrame, columns: Columns) -> None:
        self.users = pd.Index(pd.unique(test[columns.user]))
        self.items = pd.Index(pd.unique(test[columns.item]))

    def rows(self, users: pd.Series) -> np.ndarray:
        return positions(self.users, users)

    def keys(self, users: pd.Series, items: pd.Series) -> np.ndarray:
        rows, columns = self.rows(users), positions(self.items, items)
        return np.where((rows >= 0) & (columns >= 0), rows.astype(np.int64) * len(self.items) + columns, -1)


def ranked_hits(
    recommendations: pd.DataFrame, test: pd.DataFrame, train: pd.DataFrame, columns: Columns, k: int
) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """hits[u, i] (recommendation i + 1 of scored user u is held out for them), |R_u| of each
    scored user, and the recommendations counted (rank <= k, of scored users)."""
    pairs = PairKeys(test, columns)
    test_keys = pairs.keys(test[columns.user], test[columns.item])
    seen_keys = pairs.keys(train[columns.user], train[columns.item])
    relevant_keys = test_keys[~pd.Series(test_keys).isin(seen_keys[seen_keys >= 0]).to_numpy()]
    scored = np.unique(relevant_keys // len(pairs.items))  # test rows of the scored users, sorted
    recommended = recommendations[recommendations["rank"] <= k]
    recommended_rows = pairs.rows(recommended["user"])
    counted = np.isin(recommended_rows, scored)
    hit = (
        counted
        & pd.Series(pairs.keys(recommended["user"], recommended["item"])).isin(relevant_keys).to_numpy()
    )
    hits = np.zeros((len(scored), k), dtype=bool)
    hits[np.searchsorted(scored, recommended_rows[hit]), recommended["rank"].to_numpy()[hit] - 1] = True
    relevant_counts = np.bincount(
        np.searchsorted(scored, relevant_keys // len(pairs.items)), minlength=len(scored)
    )
    # scored_user: the row in `hits` of each counted recommendation's user (for the bootstrap)
    counted_rows = recommended[counted].assign(scored_user=np.searchsorted(scored, recommended_rows[counted]))
    return hits, relevant_counts, counted_rows


def discounts(k: int) -> np.ndarray:
    return 1.0 / np.log2(np.arange(2, k + 2))


def precision(hits: np.ndarray, relevant: np.ndarray) -> np.ndarray:
    return hits.sum(axis=1) / hits.shape[1]


def recall(hits: np.ndarray, relevant: np.ndarray) -> np.ndarray:
    return hits.sum(axis=1) / relevant


def ndcg(hits: np.ndarray, relevant: np.ndarray) -> np.ndarray:
    gains = discounts(hits.shape[1])
    ideal = np.cumsum(gains)[np.minimum(relevant, hits.shape[1]) - 1]
    return hits @ gains / ideal


def average_precision(hits: np.ndarray, relevant: np.ndarray) -> np.ndarray:
    precision_at_i = np.cumsum(hits, axis=1) / np.arange(1, hits.shape[1] + 1)
    return (precision_at_i * hits).sum(axis=1) / np.minimum(relevant, hits.shape[1])


def hit_rate(hits: np.ndarray, relevant: np.ndarray) -> np.ndarray:
    return hits.any(axis=1).astype(np.float64)


PER_USER: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "precision_at_k": precision,
    "recall_at_k": recall,
    "ndcg_at_k": ndcg,
    "map_at_k": average_precision,
    "hit_rate_at_k": hit_rate,
}
# The curves drawn for each model, at every cut-off from 1 to twice k.
CURVES = ("precision_at_k", "recall_at_k", "ndcg_at_k")


def popularity_percentile(recommended_items: pd.Series, train_items: pd.Series) -> float:
    """Mean popularity percentile (among the training items) of the recommended items."""
    percentile = train_items.value_counts().rank(pct=True)
    return float(recommended_items.map(percentile).fillna(0.0).mean()) if len(recommended_items) else 0.0


def metrics_at_k(
    recommendations: pd.DataFrame, test: pd.DataFrame, train: pd.DataFrame, columns: Columns, k: int
) -> dict[str, float]:
    """Every metric at k (see the module docstring) of `recommendations` (user, item, rank) on `test`."""
    hits, relevant, counted = ranked_hits(recommendations, test, train, columns, k)
    return metrics_of_hits(hits, relevant, counted, train[columns.item])


def metrics_of_hits(
    hits: np.ndarray, relevant: np.ndarray, counted: pd.DataFrame, train_items: pd.Series
) -> dict[str, float]:
    """Every metric at k = len(hits[0]), from `ranked_hits` at k, and the item column of the training rows."""
    if not len(relevant):
        raise StepError("no user has held-out interactions to score: check the split settings in [features]")
    scores = {name: float(per_user(hits, relevant).mean()) for name, per_user in PER_USER.items()}
    catalogue = train_items.nunique()
    scores["coverage"] = counted["item"].nunique() / catalogue if catalogue else 0.0
    scores["popularity_percentile"] = popularity_percentile(counted["item"], train_items)
    return scores
