"""What every recommender shares: interactions as a sparse user x item matrix, and recommending from it
(selection.py picks each user's top k of a batch of scores).

The interface of the recommendation models (`random_items`, `popularity`, `item_knn`)::

    model = module.build(task, seed, **params)       # params: the model's [models.<name>] section
    model.fit(train, columns, items=None, k=10, holdout="random")   # -> the model itself
    model.recommend(users, k)                        # -> DataFrame: user, item, rank (1..k), score
    model.describe()                                 # -> the model in words
    joblib.dump(model, path)                         # fitted models pickle

`train` is the interactions frame as the split step wrote it, `columns` a `Columns` naming its
user, item and optional rating and time columns (the `[data]` settings), `items` the optional
item table (`[data] items`, one row per item, joined on the item column), `k` and `holdout` how
the model will be judged (`[evaluate] k`, `[features] holdout`: a model that tunes itself, as
KNN does, validates the same way). `recommend` takes ids
as they are in the data and returns, for each user, the k best-scored items that user did not
have in `train` (fewer if fewer are left), best first; its columns are always named user, item,
rank, score. A user with no training interactions is an error.

Ids are kept as given: the matrix's rows and columns are positions, and `Interactions.users`
and `Interactions.items` map them back to the ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import StepError
from ..tasks.interaction_columns import Columns, positions
from .selection import each_batch, exclude_seen, top_k


@dataclass(frozen=True)
class Interactions:
    """A CSR users x items matrix (value: the rating, or 1 per interaction) and its rows' and columns' ids."""

    matrix: sparse.csr_matrix
    users: np.ndarray
    items: np.ndarray

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, columns: Columns) -> Interactions:
        """The matrix of `frame`, rows and columns in the sorted order of the ids; repeats are summed."""
        user_codes, users = pd.factorize(frame[columns.user], sort=True)
        item_codes, items = pd.factorize(frame[columns.item], sort=True)
        values = (
            frame[columns.rating].to_numpy(np.float32) if columns.rating else np.ones(len(frame), np.float32)
        )
        matrix = sparse.csr_matrix((values, (user_codes, item_codes)), shape=(len(users), len(items)))
        matrix.sum_duplicates()
        return cls(matrix, np.asarray(users), np.asarray(items))

    def rows_of(self, users: Iterable[Any]) -> np.ndarray:
        """The matrix rows of these user ids; an unknown user is a StepError."""
        wanted = pd.Index(list(users)).unique()
        rows = pd.Index(self.users).get_indexer(wanted)
        if (rows < 0).any():
            unknown = ", ".join(map(str, wanted[rows < 0][:3]))
            raise StepError(
                f"no training interactions for user {unknown}: pick a user from the training data"
            )
        return rows

    def cells_of(self, frame: pd.DataFrame, columns: Columns) -> tuple[np.ndarray, np.ndarray]:
        """The matrix row and column of each interaction of `frame` (-1 for an id the matrix has not)."""
        users = positions(pd.Index(self.users), frame[columns.user])
        return users, positions(pd.Index(self.items), frame[columns.item])

    def without(self, users: np.ndarray, items: np.ndarray) -> Interactions:
        """The same users and items (the same rows and columns) with the cells (`users`, `items`: matrix
        rows and columns), some of the interactions, emptied: a validation split's training side without
        factorising the ids again."""
        shape = self.matrix.shape
        cell_rows = np.repeat(np.arange(shape[0]), np.diff(self.matrix.indptr))
        cells = cell_rows.astype(np.int64) * shape[1] + self.matrix.indices  # sorted: the matrix is canonical
        found = np.searchsorted(cells, users.astype(np.int64) * shape[1] + items)
        kept = np.ones(len(cells), dtype=bool)
        kept[found] = False
        indptr = np.concatenate(([0], np.cumsum(np.bincount(cell_rows[kept], minlength=shape[0]))))
        matrix = sparse.csr_matrix((self.matrix.data[kept], self.matrix.indices[kept], indptr), shape=shape)
        return Interactions(matrix, self.users, self.items)

    def binary(self) -> sparse.csr_matrix:
        """The matrix with every interaction as 1 (who had what, whatever the rating)."""
        ones = self.matrix.copy()
        ones.data[:] = 1.0
        return ones

    def popularity(self) -> np.ndarray:
        """Interactions per item (users who had it)."""
        return np.bincount(self.matrix.indices, minlength=len(self.items)).astype(np.float64)


class Recommender:
    """The shared half of every model: fitting the matrix and recommending from a model's scores.

    A model sets `name`, and implements `learn` (whatever it needs beyond the matrix) and
    `scores` (a dense batch of users x all items; higher is better).
    """

    def fit(
        self,
        train: pd.DataFrame,
        columns: Columns,
        items: pd.DataFrame | None = None,
        k: int = 10,
        holdout: str = "random",
    ) -> Recommender:
        """Learn from the training interactions (and the optional item table), to be judged on top `k` lists
        of a `holdout` split."""
        named = (columns.user, columns.item, columns.rating, columns.time)
        missing = [name for name in named if name and name not in train.columns]
        if missing:
            raise StepError(f"column {missing[0]!r} is not in the interactions; check [data] in config.toml")
        self.interactions_ = Interactions.from_frame(train, columns)
        self.k_, self.holdout_ = k, holdout
        self.learn(train, columns, items)
        return self

    def learn(self, train: pd.DataFrame, columns: Columns, items: pd.DataFrame | None) -> None:
        """What the model learns beyond the matrix (nothing by default)."""

    def scores(self, rows: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def history(self, row: int) -> sparse.csr_matrix:
        """The user's (matrix `row`) interactions as the model weighs them: a 1 x items sparse row."""
        return self.interactions_.matrix[row]

    def contributions(self, history: sparse.csr_matrix, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The items of a `history` (a 1 x items row) behind the scores of the items at `columns`, and what
        each adds to each score (items x columns); none from a model whose scores are no such sum."""
        return np.empty(0, np.int64), np.empty((0, len(columns)))

    def because(self, history: sparse.csr_matrix, columns: np.ndarray, count: int) -> list[list[Any]]:
        """For each item at `columns` recommended from `history`, the ids of the (at most `count`) items
        of the history that added most to its score, the most first."""
        had, added = self.contributions(history, columns)
        order = np.argsort(-added, axis=0, kind="stable")[:count]
        items = self.interactions_.items
        return [items[had[order[:, j]][added[order[:, j], j] > 0]].tolist() for j in range(len(columns))]

    def reason(self, history: sparse.csr_matrix, columns: np.ndarray) -> list[str | None]:
        """Why each item at `columns` is recommended from `history`, in words, from a model whose scores are
        no sum over the history's items (None: `because` lists the items)."""
        return [None] * len(columns)

    def basket_scores(self, columns: np.ndarray) -> np.ndarray:
        """Every item's score for someone new who had the items at `columns`, without retraining."""
        raise StepError(f"the {type(self).__name__} model scores only the users it was trained on")

    def recommend_basket(self, columns: np.ndarray, k: int, reasons: int = 0) -> pd.DataFrame:
        """The k best items, not in the basket (`columns`), for someone new: columns item, rank, score (and
        `because` and `reason` with `reasons` > 0, as `recommend`)."""
        scores = self.basket_scores(columns)[None, :].astype(np.float64)
        scores[0, columns] = -np.inf
        best, best_scores = top_k(scores, k)
        keep = np.isfinite(best_scores[0])
        found = pd.DataFrame(
            {
                "item": self.interactions_.items[best[0][keep]],
                "rank": np.arange(1, keep.sum() + 1),
                "score": best_scores[0][keep],
            }
        )
        if reasons > 0:
            ones = np.ones(len(columns), np.float32)
            basket = sparse.csr_matrix((ones, columns, [0, len(columns)]), shape=(1, len(scores[0])))
            basket.sort_indices()
            found["because"] = self.because(basket, best[0][keep], reasons)
            found["reason"] = self.reason(basket, best[0][keep])
        return found

    def recommend(self, users: Iterable[Any], k: int, reasons: int = 0) -> pd.DataFrame:
        """Each user's k best unseen items: columns user, item, rank (1 = best), score, and with `reasons`
        > 0 `because`: the ids of up to that many of the user's items that added most to the score, and
        `reason`: why in words, from a model whose picks no such items explain (else None)."""
        return self.recommend_rows(self.interactions_.rows_of(users), k, reasons)

    def recommend_rows(self, rows: np.ndarray, k: int, reasons: int = 0) -> pd.DataFrame:
        """`recommend` for the users of these matrix rows."""
        items = len(self.interactions_.items)
        parts = each_batch(lambda some: self.recommend_batch(some, k, reasons), rows, items)
        if not parts:
            return pd.DataFrame({"user": [], "item": [], "rank": [], "score": []})
        return pd.concat(parts, ignore_index=True)

    def ranked(self, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Each of a batch of matrix rows' k best item columns it has not seen, and their scores (-inf
        where fewer than k are left)."""
        scores = self.scores(rows)
        exclude_seen(scores, self.interactions_.matrix[rows])
        return top_k(scores, k)

    def recommend_batch(self, rows: np.ndarray, k: int, reasons: int = 0) -> pd.DataFrame:
        """The recommendations of a batch of matrix rows (with `because` when `reasons` > 0)."""
        fitted = self.interactions_
        best, best_scores = self.ranked(rows, k)
        keep = np.isfinite(best_scores).ravel()
        ranks = np.tile(np.arange(1, best.shape[1] + 1), len(rows))
        found = pd.DataFrame(
            {
                "user": np.repeat(fitted.users[rows], best.shape[1])[keep],
                "item": fitted.items[best.ravel()[keep]],
                "rank": ranks[keep],
                "score": best_scores.ravel()[keep].astype(np.float64),
            }
        )
        if reasons > 0:
            picks = [
                (self.history(row), top[ok])
                for row, top, ok in zip(rows, best, np.isfinite(best_scores), strict=True)
            ]
            found["because"] = [why for had, top in picks for why in self.because(had, top, reasons)]
            found["reason"] = [why for had, top in picks for why in self.reason(had, top)]
        return found
