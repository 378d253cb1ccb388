"""The recommendation task: cleanup of interaction logs, the per-user split, and ranking metrics at k.

Cleanup, in this order: drop rows without a user or an item; collapse repeated (user, item)
interactions into one row. With `rating_kind = "count"` the rating is a count or weight
(plays, purchases) and the repeats' ratings are summed; with `"rating"` it is an explicit
rating and the latest row is kept (by time, else the last in the file). Ids are never changed.

Split: for every user with at least `min_interactions` (and at least 2) interactions,
max(1, round(test_size * n)) of their n interactions are held out, never all of them: chosen
at random (seeded) with `holdout = "random"`, or their most recent with `holdout = "last"`.
Users with fewer interactions stay in training only and are not scored.

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

from collections.abc import Callable, Mapping
from contextlib import suppress
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..bootstrap import RESAMPLES, Scores, bootstrap
from ..errors import StepError
from ..metrics import METRICS
from ..models.interactions import Columns, as_seconds
from . import Cleanup

METRIC_MEANING = "how near the top of each user's {k} recommendations their held-out items are (0 to 1)"
# The curves drawn for each model, at every cut-off from 1 to twice k.
CURVES = ("precision_at_k", "recall_at_k", "ndcg_at_k")
RATING_KINDS = ("rating", "count")
HOLDOUTS = ("random", "last")
CONFIG_KEYS = {"user": "[data] user", "item": "[data] item", "rating": "[data] rating", "time": "[data] time"}


def check_columns(frame: pd.DataFrame, columns: Columns) -> None:
    """Stop with the config key to fix if a named column is not in the data."""
    for field, key in CONFIG_KEYS.items():
        name = getattr(columns, field)
        if name is not None and name not in frame.columns:
            raise StepError(
                f"{key} = {name!r} is not a column of the interactions; "
                f"columns: {', '.join(map(str, frame.columns))}"
            )


def drop_missing_ids(frame: pd.DataFrame, columns: Columns) -> pd.DataFrame:
    """Rows with both ids, once every column named in [data] is known to be there."""
    check_columns(frame, columns)
    return frame.dropna(subset=[columns.user, columns.item])


def collapse_duplicates(frame: pd.DataFrame, columns: Columns, rating_kind: str = "rating") -> pd.DataFrame:
    """One row per (user, item): the latest, with the summed rating when the rating is a count."""
    if rating_kind not in RATING_KINDS:
        raise StepError(f'[data] rating_kind = {rating_kind!r} is not one of "rating", "count"')
    pair = [columns.user, columns.item]
    ordered = frame.sort_values(columns.time, kind="stable") if columns.time else frame
    if rating_kind == "count" and columns.rating:
        ordered = ordered.assign(**{columns.rating: ordered.groupby(pair)[columns.rating].transform("sum")})
    return ordered.drop_duplicates(pair, keep="last").sort_index()


def interaction_cleanup(columns: Columns, rating_kind: str = "rating") -> list[Cleanup]:
    """The cleanup steps in order, each named as the report should say it."""
    how = "summing the counts" if rating_kind == "count" and columns.rating else "keeping the latest"
    return [
        Cleanup(
            f"drop rows with no {columns.user} or {columns.item}",
            lambda f: drop_missing_ids(f, columns),
            "a user or item id is missing in those rows: check [data] user and [data] item, "
            "or fill them in the source",
        ),
        Cleanup(
            f"collapse repeated interactions, {how}", lambda f: collapse_duplicates(f, columns, rating_kind)
        ),
    ]


def check_interactions(frame: pd.DataFrame, columns: Columns) -> None:
    """Stop if there is too little to recommend from: fewer than two users or two items."""
    for field in ("user", "item"):
        name = getattr(columns, field)
        distinct = frame[name].nunique()
        if distinct < 2:
            raise StepError(
                f"the interactions have {distinct} distinct {name} value(s) after cleanup; a recommender "
                f"needs at least two users and two items: check {CONFIG_KEYS[field]} and the source"
            )


def check_split_settings(columns: Columns, test_size: float, holdout: str) -> None:
    """Stop on a holdout the split cannot make (the in-process and the Spark split check the same)."""
    if holdout not in HOLDOUTS:
        raise StepError(f'[features] holdout = {holdout!r} is not one of "random", "last"')
    if holdout == "last" and columns.time is None:
        raise StepError(
            '[features] holdout = "last" needs [data] time (the timestamp column); or use "random"'
        )
    if not 0 < test_size < 1:
        raise StepError(f"[features] test_size = {test_size} must be a share between 0 and 1, e.g. 0.2")


def no_user_to_score(min_interactions: int) -> StepError:
    return StepError(
        f"no user has {max(min_interactions, 2)} or more interactions, so none can be held out to score: "
        "lower [features] min_interactions, or use more data"
    )


def split_users(
    frame: pd.DataFrame,
    columns: Columns,
    test_size: float = 0.2,
    holdout: str = "random",
    min_interactions: int = 2,
    seed: int = 42,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, test): a share of each user's interactions held out, at random (seeded) or their latest."""
    check_split_settings(columns, test_size, holdout)
    user = pd.factorize(frame[columns.user], sort=True)[0]
    tie_breaker = np.random.default_rng(seed).random(len(frame))
    recency = as_seconds(frame[columns.time]) if holdout == "last" else tie_breaker
    order = np.lexsort((tie_breaker, recency, user))  # by user, then oldest (or random) first
    counts = np.bincount(user)
    position = np.empty(len(frame), dtype=np.int64)
    position[order] = np.arange(len(frame)) - (np.cumsum(counts) - counts)[user[order]]
    n = counts[user]
    held_out = np.minimum(np.maximum(1, np.floor(test_size * n + 0.5)), n - 1)
    is_test = (n >= max(min_interactions, 2)) & (position >= n - held_out)
    if not is_test.any():
        raise no_user_to_score(min_interactions)
    return frame[~is_test], frame[is_test]


def positions(index: pd.Index, values: pd.Series) -> np.ndarray:
    """Where each of `values` is in `index` (-1: not in it).

    Arrow looks ids up in place; pandas first makes a Python object of each text id, which for the
    8M training rows of a 10M-interaction log took 1 s and half a GB more than Arrow's 0.13 s. Ids
    Arrow cannot hold or look up (mixed types, categories) are left to pandas.
    """
    with suppress(pa.ArrowException):  # every error of pyarrow
        looked_up, known = pa.array(values), pa.array(index)
        if looked_up.type == known.type:
            return pc.index_in(looked_up, value_set=known).fill_null(-1).to_numpy()
    return index.get_indexer(values)


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


# -- the task interface (tasks/__init__.py): what the pipeline's steps call -------------------------


def columns_of(settings: Mapping[str, Any]) -> Columns:
    """The interaction columns a stage's settings name (`[data] user, item, rating, time`)."""
    return Columns(**settings["columns"])


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


def read_items(settings: Mapping[str, Any]) -> pd.DataFrame | None:
    """The item table of `[data] items`, if set (read like a [data] source file); `[data] item_separator`
    rides along in its attrs, for the segments of a multi-valued attribute (models/attributes.py)."""
    if not settings.get("items"):
        return None
    from ..sources.local import read_files

    try:
        items = read_files(settings["items"])
    except StepError as error:
        raise StepError(f"[data] items = {settings['items']!r}: {error}") from None
    items.attrs["item_separator"] = settings.get("item_separator")
    return items


def evaluation_columns(settings: Mapping[str, Any]) -> dict[str, list[str] | None]:
    """Who had what, in training (a recommender never recommends it) and held out: nothing else."""
    columns = columns_of(settings)
    return dict.fromkeys(("train", "test"), [columns.user, columns.item])


def fit(model: Any, rows: pd.DataFrame, settings: Mapping[str, Any]) -> None:
    """Fit a recommender on the training interactions, for the holdout and k it will be judged on."""
    model.fit(rows, columns_of(settings), read_items(settings), settings["k"], settings["holdout"])


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
