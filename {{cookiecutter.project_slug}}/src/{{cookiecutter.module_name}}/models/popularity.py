"""The rule: recommend the most popular items the user has not had, optionally within their favourite segment.

Popularity is the number of users who had an item, over the last `window_days` days of the
training log when there is a time column (ties broken by all-time popularity). With an item
table and `segment` naming one of its columns (e.g. "genre"), each user first gets the most
popular unseen items of the segment they had most of, then the most popular of the rest.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import StepError
from .interactions import Columns, Recommender, as_seconds

DAY = 86400.0


class Popularity(Recommender):
    def __init__(self, window_days: float | None = None, segment: str | None = None) -> None:
        self.window_days = window_days
        self.segment = segment

    def learn(self, train: pd.DataFrame, columns: Columns, items: pd.DataFrame | None) -> None:
        fitted = self.interactions_
        all_time = fitted.popularity()
        self.windowed_ = bool(self.window_days) and columns.time is not None
        if self.windowed_:
            times = as_seconds(train[columns.time])
            recent = train[times >= times.max() - self.window_days * DAY]
            counts = pd.Index(fitted.items).get_indexer(recent[columns.item])
            in_window = np.bincount(counts, minlength=len(fitted.items)).astype(np.float64)
        else:
            in_window = all_time
        # the all-time count, scaled below 1, only breaks ties between equal recent counts
        self.item_scores_ = in_window + all_time / (all_time.max() + 1.0)
        self.item_segments_, self.user_segments_ = self.segments(columns, items)

    def segments(self, columns: Columns, items: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray]:
        """Each item's segment code (-1: none) and each user's most-had segment (-1: none)."""
        fitted = self.interactions_
        if self.segment is None:
            return np.full(len(fitted.items), -1), np.full(len(fitted.users), -1)
        if items is None or self.segment not in items.columns or columns.item not in items.columns:
            raise StepError(
                f"[models.rules] segment = {self.segment!r} needs an item table ([data] items) "
                f"with columns {columns.item!r} and {self.segment!r}"
            )
        by_item = items.drop_duplicates(columns.item).set_index(columns.item)[self.segment]
        codes, names = pd.factorize(by_item.reindex(fitted.items))
        # users x segments: how many of each segment's items each user had
        membership = sparse.csr_matrix(
            (np.ones(int((codes >= 0).sum())), (np.flatnonzero(codes >= 0), codes[codes >= 0])),
            shape=(len(fitted.items), max(1, len(names))),
        )
        per_user = (fitted.binary() @ membership).toarray()
        favourite = np.where(per_user.max(axis=1) > 0, per_user.argmax(axis=1), -1)
        return codes, favourite

    def scores(self, rows: np.ndarray) -> np.ndarray:
        return self.segment_scores(self.user_segments_[rows])

    def basket_scores(self, columns: np.ndarray) -> np.ndarray:
        """For someone new who had the items at `columns`: the most popular, their most-had segment first."""
        segments = self.item_segments_[columns]
        segments = segments[segments >= 0]
        favourite = np.bincount(segments).argmax() if len(segments) else -1
        return self.segment_scores(np.array([favourite]))[0]

    def segment_scores(self, favourites: np.ndarray) -> np.ndarray:
        """Every item's score for users whose most-had segments are `favourites` (-1: none)."""
        scores = np.broadcast_to(
            self.item_scores_.astype(np.float32), (len(favourites), len(self.item_scores_))
        ).copy()
        if self.segment is not None:
            favourite = favourites[:, None]
            in_favourite = (self.item_segments_[None, :] == favourite) & (favourite >= 0)
            scores += in_favourite * np.float32(self.item_scores_.max() + 1.0)
        return scores

    def describe(self) -> str:
        if self.windowed_:
            counted = f"by users who had them in the last {self.window_days:g} days of the training log"
        elif self.window_days:
            counted = "by users who had them (no [data] time column, so window_days is not used)"
        else:
            counted = "by users who had them"
        rule = f"recommend the items most often had, counted {counted}, that the user has not had yet"
        if self.segment is not None:
            rule += f"; first those of the {self.segment} the user had most of, then the rest"
        return rule


def build(task: str, seed: int, window_days: float | None = None, segment: str | None = None) -> Popularity:
    """`seed` is unused (the rule is deterministic) but every model's build takes it."""
    return Popularity(window_days, segment)
