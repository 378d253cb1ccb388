"""The recommendation task's interaction log: its cleanup and its per-user split, over the columns
that `[data]` names (interaction_columns.py).

Cleanup, in this order: drop rows without a user or an item; collapse repeated (user, item)
interactions into one row. With `rating_kind = "count"` the rating is a count or weight
(plays, purchases) and the repeats' ratings are summed; with `"rating"` it is an explicit
rating and the latest row is kept (by time, else the last in the file). Counts that sum to 0 or
less are no interaction (a purchase and its return, a cancellation alone), nor are missing ones, and
are dropped: held out, they would count a returned item as a hit. Ids are never changed (whole-number
ids that a missing one made floats are integers again).

Split: for every user with at least `min_interactions` (and at least 2) interactions,
max(1, round(test_size * n)) of their n interactions are held out, never all of them: chosen
at random (seeded) with `holdout = "random"`, or their most recent with `holdout = "last"`.
Users with fewer interactions stay in training only and are not scored.

What the clean and split steps load (with their Spark backends): pandas and numpy, no model library.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..errors import StepError, column_listing
from .cleanup_step import Cleanup
from .interaction_columns import Columns

RATING_KINDS = ("rating", "count")
HOLDOUTS = ("random", "last")
CONFIG_KEYS = {"user": "[data] user", "item": "[data] item", "rating": "[data] rating", "time": "[data] time"}


def as_seconds(values: pd.Series) -> np.ndarray:
    """Times as seconds since 1970: numbers are taken as such, text and dates are parsed. pandas reads
    `01/12/2010 08:26` month first, in the format of the first value; a log written day first (a UK
    spreadsheet's) fails that at its first day above 12, and is read again day first."""
    if pd.api.types.is_numeric_dtype(values):
        return values.to_numpy(np.float64)
    for day_first in (False, True):
        try:
            with warnings.catch_warnings():  # ISO text read day first again (it fails anyway): no advice
                warnings.simplefilter("ignore", UserWarning)
                times = pd.to_datetime(values, utc=True, dayfirst=day_first)
            break
        except (ValueError, TypeError):
            continue
    else:
        raise StepError(f"time column {values.name!r} holds values that are not times; fix [data] time")
    return ((times - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(seconds=1)).to_numpy(np.float64)


def check_columns(frame: pd.DataFrame, columns: Columns) -> None:
    """Stop with the config key to fix if a named column is not in the data."""
    for field, key in CONFIG_KEYS.items():
        name = getattr(columns, field)
        if name is not None and name not in frame.columns:
            raise StepError(f"{key} = {name!r} is not a column of the interactions; " + column_listing(frame))


def drop_missing_ids(frame: pd.DataFrame, columns: Columns) -> pd.DataFrame:
    """Rows with both ids, once every column named in [data] is known to be there; an id column of whole
    numbers that a missing id made floats when it was read (276725.0) is integers again, as written (and
    as Spark reads it), so recommendations and submissions carry the ids the source has."""
    check_columns(frame, columns)
    kept = frame.dropna(subset=[columns.user, columns.item])
    whole = [name for name in (columns.user, columns.item) if whole_floats(kept[name])]
    return kept.astype(dict.fromkeys(whole, np.int64)) if whole else kept


def whole_floats(values: pd.Series) -> bool:
    """Floats that are all whole numbers within float64's exact integers (a missing value is neither)."""
    if not pd.api.types.is_float_dtype(values):
        return False
    numbers = values.to_numpy()
    return bool(np.all(np.abs(numbers) < 2**53) and np.all(numbers == np.floor(numbers)))


def collapse_duplicates(frame: pd.DataFrame, columns: Columns, rating_kind: str = "rating") -> pd.DataFrame:
    """One row per (user, item): the latest, with the summed rating when the rating is a count."""
    if rating_kind not in RATING_KINDS:
        raise StepError('[data] rating_kind must be "rating" or "count"')
    pair = [columns.user, columns.item]
    ordered = frame.sort_values(columns.time, kind="stable") if columns.time else frame
    if rating_kind == "count" and columns.rating:
        ordered = ordered.assign(**{columns.rating: ordered.groupby(pair)[columns.rating].transform("sum")})
    return ordered.drop_duplicates(pair, keep="last").sort_index()


def drop_undone(frame: pd.DataFrame, columns: Columns) -> pd.DataFrame:
    """The (user, item) rows whose summed count is above 0 (pandas sums missing counts to 0)."""
    return frame[frame[columns.rating] > 0]


def interaction_cleanup(columns: Columns, rating_kind: str = "rating") -> list[Cleanup]:
    """The cleanup steps in order, each named as the report should say it."""
    counted = rating_kind == "count" and columns.rating is not None
    how = "summing the counts" if counted else "keeping the latest"
    steps = [
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
    if counted:
        name = f"drop interactions whose {columns.rating} is missing or sums to 0 or less"
        fix = 'those pairs were undone in the log; [data] rating_kind = "rating" keeps each latest row'
        steps.append(Cleanup(f"{name} (returns, cancellations)", lambda f: drop_undone(f, columns), fix))
    return steps


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
        raise StepError('[features] holdout must be "random" or "last"')
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
