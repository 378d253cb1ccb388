"""The rule: recommend the most popular items the user has not had, optionally within their favourite segment.

Popularity is the number of users who had an item, over the last `window_days` days of the
training log when there is a time column (ties broken by all-time popularity). With an item
table and `segment` naming one of its columns (e.g. "genre"), each user first gets the most
popular unseen items of the segment they had most of, then the most popular of the rest. A
multi-valued attribute ("Adventure|Animation", see attributes.py) puts an item in each of its values.

Which window (none, or each of `window_days` when the log has times) and the segment are chosen by
NDCG@k on a validation split of the training log (models/validation.py), as item-KNN chooses its
neighbours; plain all-time popularity is among the candidates, so the rule chosen is never worse
than it on validation. `validate = false` uses the first window and the segment as given.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import StepError
from ..tasks.interaction_columns import Columns
from ..tasks.interaction_log import as_seconds
from .attributes import membership, separator_of
from .interactions import Interactions, Recommender
from .validation import validation_split

DAY = 86400.0


def check_segment(segment: str | None, columns: Columns, items: pd.DataFrame | None) -> None:
    """A segment is a column of the item table, which has the item column; the error lists its columns."""
    if segment is None or (items is not None and {segment, columns.item} <= set(items.columns)):
        return
    has = f"; it has: {', '.join(map(str, items.columns))}" if items is not None else ""
    raise StepError(
        f"[models.rules] segment = {segment!r} needs an item table ([data] items) "
        f"with columns {columns.item!r} and {segment!r}{has}; or remove segment to rank by popularity alone"
    )


def windows(window_days: float | Sequence[float] | None) -> list[float | None]:
    return list(window_days) if isinstance(window_days, (list, tuple)) else [window_days]


class Popularity(Recommender):
    def __init__(
        self,
        window_days: float | Sequence[float] | None = None,
        segment: str | None = None,
        seed: int = 42,
        validate: bool = True,
        validation_size: float = 0.2,
        validation_users: int = 5000,
    ) -> None:
        self.window_days = window_days
        self.segment = segment
        self.seed = seed
        self.validate = validate
        self.validation_size = validation_size
        self.validation_users = validation_users

    def candidates(self, timed: bool) -> list[tuple[float | None, str | None]]:
        """The (window, segment) pairs to try, simplest first: plain popularity, then each window (if the
        log is `timed`: a window of a log without times counts all time again) and segment."""
        if not self.validate:
            return [(windows(self.window_days)[0], self.segment)]
        tried = [None, *(days for days in windows(self.window_days) if days and timed)]
        return list(itertools.product(dict.fromkeys(tried), dict.fromkeys([None, self.segment])))

    def learn(self, train: pd.DataFrame, columns: Columns, items: pd.DataFrame | None) -> None:
        check_segment(self.segment, columns, items)
        candidates = self.candidates(columns.time is not None)
        self.validation_ndcg_ = self.choose(train, columns, items, candidates) if len(candidates) > 1 else {}
        # the first best: on a tie the simpler rule
        tried = self.validation_ndcg_
        best = max(tried, key=tried.get) if tried else candidates[0]
        self.window_, self.segment_ = best
        self.count(train, columns, items)

    def choose(
        self, train: pd.DataFrame, columns: Columns, items: pd.DataFrame | None, candidates: list
    ) -> dict[tuple[float | None, str | None], float]:
        """NDCG@k of each (window, segment) on a validation split of the training log; none when the log
        is too small to hold out a validation split (the first candidate is used then)."""
        try:
            split = validation_split(
                train, columns, self.validation_size, self.holdout_, self.seed, self.validation_users, self.k_
            )
        except StepError:
            return {}
        probe = Popularity(validate=False)
        probe.interactions_, probe.k_ = Interactions.from_frame(split.fitting, columns), self.k_
        results = {}
        for window, segment in candidates:
            probe.window_, probe.segment_ = window, segment
            probe.count(split.fitting, columns, items)
            results[(window, segment)] = split.ndcg(probe.recommend(split.users, self.k_))
        return results

    def count(self, train: pd.DataFrame, columns: Columns, items: pd.DataFrame | None) -> None:
        """Each item's popularity over the window, and the segments, for `window_` and `segment_`."""
        fitted = self.interactions_
        all_time = fitted.popularity()
        self.windowed_ = bool(self.window_) and columns.time is not None
        if self.windowed_:
            times = as_seconds(train[columns.time])
            recent = train[times >= times.max() - self.window_ * DAY]
            counts = pd.Index(fitted.items).get_indexer(recent[columns.item])
            in_window = np.bincount(counts, minlength=len(fitted.items)).astype(np.float64)
        else:
            in_window = all_time
        # the all-time count, scaled below 1, only breaks ties between equal recent counts
        self.item_scores_ = in_window + all_time / (all_time.max() + 1.0)
        self.item_segments_, self.segment_names_, self.user_segments_ = self.segments(columns, items)

    def segments(
        self, columns: Columns, items: pd.DataFrame | None
    ) -> tuple[sparse.csr_matrix, pd.Index, np.ndarray]:
        """Items x segment values, the values' names, and each user's most-had value (-1: none)."""
        fitted = self.interactions_
        if self.segment_ is None:
            return sparse.csr_matrix((len(fitted.items), 1)), pd.Index([]), np.full(len(fitted.users), -1)
        by_item = items.drop_duplicates(columns.item).set_index(columns.item)[self.segment_]
        by_item = by_item.reindex(fitted.items)
        matrix, names = membership(by_item, separator_of(by_item, items.attrs.get("item_separator")))
        # users x segments: how many of each segment's items each user had
        per_user = (fitted.binary() @ matrix).toarray()
        favourite = np.where(per_user.max(axis=1) > 0, per_user.argmax(axis=1), -1)
        return matrix, names, favourite

    def scores(self, rows: np.ndarray) -> np.ndarray:
        return self.segment_scores(self.user_segments_[rows])

    def basket_scores(self, columns: np.ndarray) -> np.ndarray:
        """For someone new who had the items at `columns`: the most popular, their most-had segment first."""
        return self.segment_scores(np.array([self.favourite_of(columns)]))[0]

    def favourite_of(self, columns: np.ndarray) -> int:
        """The segment most of the items at `columns` are in (-1: none), as a trained user's is found."""
        per_segment = np.asarray(self.item_segments_[columns].sum(axis=0)).ravel()
        return int(per_segment.argmax()) if per_segment.max(initial=0) > 0 else -1

    def in_favourite(self, favourites: np.ndarray) -> np.ndarray:
        """Users (by most-had segment, -1: none) x items: whether the item is in the user's segment."""
        by_segment = self.item_segments_.T.tocsr()
        inside = by_segment[np.maximum(favourites, 0)].toarray() > 0
        return inside & (favourites >= 0)[:, None]

    def segment_scores(self, favourites: np.ndarray) -> np.ndarray:
        """Every item's score for users whose most-had segments are `favourites` (-1: none)."""
        scores = np.broadcast_to(
            self.item_scores_.astype(np.float32), (len(favourites), len(self.item_scores_))
        ).copy()
        if self.segment_ is not None:
            scores += self.in_favourite(favourites) * np.float32(self.item_scores_.max() + 1.0)
        return scores

    def reason(self, history: sparse.csr_matrix, columns: np.ndarray) -> list[str | None]:
        """ "popular in Comedy over the last 365 days" for an item of the segment the `history` (a 1 x items
        row) has most of, "popular over the last 365 days" for the rest."""
        over = f"over the last {self.window_:g} days" if self.windowed_ else "over all time"
        favourite = self.favourite_of(history.indices)
        if favourite < 0:
            return [f"popular {over}"] * len(columns)
        inside = self.in_favourite(np.array([favourite]))[0]
        name = self.segment_names_[favourite]
        return [f"popular in {name} {over}" if inside[column] else f"popular {over}" for column in columns]

    def chosen_params(self) -> dict[str, Any]:
        """The `build` settings that count the window and segment chosen, without validating."""
        return {"window_days": self.window_, "segment": self.segment_, "validate": False}

    def describe(self) -> str:
        if self.windowed_:
            counted = f"by users who had them in the last {self.window_:g} days of the training log"
        elif self.window_:
            counted = "by users who had them (no [data] time column, so window_days is not used)"
        else:
            counted = "by users who had them"
        rule = f"recommend the items most often had, counted {counted}, that the user has not had yet"
        if self.segment_ is not None:
            rule += f"; first those of the {self.segment_} the user had most of, then the rest"
        if self.validation_ndcg_:
            scores = self.validation_ndcg_.items()
            tried = ", ".join(f"{rule_name(*rule)}: {ndcg:.4f}" for rule, ndcg in scores)
            rule += f"; chosen by NDCG@{self.k_} on a validation split of the training data ({tried})"
        return rule


def rule_name(window: float | None, segment: str | None) -> str:
    """ "all time", "365 days by genre": a candidate rule as `describe` lists it."""
    return f"{f'{window:g} days' if window else 'all time'}{f' by {segment}' if segment else ''}"


def build(
    task: str,
    seed: int,
    window_days: float | Sequence[float] | None = None,
    segment: str | None = None,
    validate: bool = True,
    validation_size: float = 0.2,
    validation_users: int = 5000,
) -> Popularity:
    """Popularity over all time or one of `window_days` (a number or a list), within the user's favourite
    `segment` or not, chosen on a validation split (`seed`) unless `validate` is false."""
    return Popularity(window_days, segment, seed, validate, validation_size, validation_users)
