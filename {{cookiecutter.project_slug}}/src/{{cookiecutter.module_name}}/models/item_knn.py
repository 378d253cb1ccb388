"""K-nearest-neighbour collaborative filtering: "people who had what you had also had ...".

Item-item (default): two items are similar when the same users had them (cosine similarity of
their columns of the user x item matrix); each item keeps only its `neighbors` most similar
items. A user's score for an item sums, over the items the user had, the similarities between
them: with `direction = "candidate"`, those in the candidate item's neighbour list; with
`direction = "history"`, those whose own neighbour lists hold the candidate (as `implicit` does).
Which ranks better depends on the data, so both are tried by default. User-user (`kind = "user"`):
users are similar when they had the same items; a user's score for an item is the summed
similarity of their `neighbors` most similar users who had it.

Similarities are computed by `neighbours.py` on every core (a compiled top-n search, re-ranked with
the shrinkage), so there is never a dense items x items (or users x users) matrix; scoring
multiplies a batch of users' sparse rows by the sparse neighbour matrix. `shrinkage` divides by
(|a| |b| + shrinkage) instead of |a| |b|, damping similarities resting on few shared users. Scores
tied at zero (no neighbour had) are broken by popularity: a user with few neighbours gets k items.

With `neighbors`, `shrinkage` or `direction` a list, the combination is chosen by NDCG@k on a
validation split carved out of the training interactions with the same per-user holdout as the
test split (only the scored users' held-out cells are emptied); the test interactions are used once,
to score. One similarity computation on all the training interactions (per shrinkage, at the largest
neighbour count) is the final model's, cut to the count chosen (fewer neighbours are the same rows cut
shorter), and the validation's starts from its candidates (`neighbours_without.top_similar_without`).

Each recommendation's `because` (`contributions`): the user's items and what each added to its score
(item kind; they sum to it, but for the popularity tie-breaker below 1e-6).

`engine = "spark"` computes the item-item similarities on Spark (`spark/similarity.py`, a self-join of
the interactions on the user; `threshold` > 0 leaves out those below it) into the same neighbours.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import StepError
from ..spark import session
from ..tasks.interaction_columns import Columns
from .interactions import Interactions, Recommender
from .neighbours import Candidates, Neighbours, candidates_and_neighbours
from .neighbours_without import top_similar_without
from .selection import product_into
from .validation import validate_grid

KINDS = ("item", "user")
ENGINES = ("scipy", "spark")
DIRECTIONS = ("candidate", "history")
Choice = tuple[int, float, str]  # neighbors, shrinkage, direction
Fit = tuple[Candidates | None, Neighbours]  # a similarity fit's candidates (in process) and neighbours
# users a grid is scored on: each setting ranks every item for each of them, densely (popularity and ALS score
# 5,000 at a few settings). Over 6 seeds, 2,500 chose what 5,000 chose on the medium log (200 neighbours each
# time) and as well on a long-tailed one (20 to 200 either way: test ndcg@10 within 0.0005), 0.3-0.6 s sooner
VALIDATION_USERS = 2500
SUMMED = {  # (kind, direction) -> how a score is summed, in words
    ("item", "candidate"): "each candidate's neighbours among the user's items",
    ("item", "history"): "the user's items whose neighbours include the candidate",
    ("user", "candidate"): "the user's neighbours who had the candidate",
    ("user", "history"): "the users who had the candidate and count the user among their neighbours",
}


def as_list(value: Any) -> list:
    """A grid setting as a list: a single value is a grid of one."""
    return list(value) if isinstance(value, (list, tuple)) else [value]


def grid_of(neighbors: Any, shrinkage: Any, direction: Any) -> list[Choice]:
    """Every combination of the settings' values; a value out of range is a StepError naming its setting."""
    counts, shrinkages, directions = as_list(neighbors), as_list(shrinkage), as_list(direction)
    if not counts or not all(isinstance(n, int) and n >= 1 for n in counts):
        raise StepError(f"[models.knn] neighbors = {neighbors!r}: give a positive number or a list of them")
    if not shrinkages or not all(isinstance(s, (int, float)) and s >= 0 for s in shrinkages):
        raise StepError(f"[models.knn] shrinkage = {shrinkage!r}: give a number >= 0 or a list of them")
    if not directions or not set(directions) <= set(DIRECTIONS):
        raise StepError(
            f'[models.knn] direction = {direction!r}: give "candidate", "history" or both in a list'
        )
    return sorted(itertools.product(set(counts), {float(s) for s in shrinkages}, set(directions)))


class NearestNeighbours(Recommender):
    def __init__(
        self,
        seed: int,
        neighbors: int | Sequence[int],
        kind: str,
        shrinkage: float | Sequence[float],
        direction: str | Sequence[str],
        binary: bool,
        validation_size: float,
        validation_users: int,
        engine: str = "scipy",
        threshold: float = 0.0,
        spark: Mapping[str, Any] | None = None,
    ) -> None:
        if kind not in KINDS:
            raise StepError(f'[models.knn] kind = {kind!r} is not one of "item", "user"')
        if engine not in ENGINES:
            raise StepError(f'[models.knn] engine = {engine!r} is not one of "scipy", "spark"')
        if engine == "spark" and kind != "item":
            raise StepError('[models.knn] engine = "spark" finds item-item similarities: set kind = "item"')
        if threshold and engine != "spark":
            raise StepError('[models.knn] threshold applies on Spark: add engine = "spark" or remove it')
        self.grid = grid_of(neighbors, shrinkage, direction)
        self.seed = seed
        self.kind = kind
        self.binary = binary
        self.validation_size = validation_size
        self.validation_users = validation_users
        self.engine = engine
        self.threshold = threshold
        self.spark = dict(spark or {})

    def learn(self, train: pd.DataFrame, columns: Columns, items: pd.DataFrame | None) -> None:
        # one Spark session for the validation and the final fit
        with session(self.spark) if self.engine == "spark" else nullcontext():
            self.validation_ndcg_, fitted = (
                validate_grid(self, train, columns) if len(self.grid) > 1 else ({}, {})
            )
            best = (
                max(self.validation_ndcg_, key=self.validation_ndcg_.get) if self.validation_ndcg_ else None
            )
            self.neighbors_, self.shrinkage_, self.direction_ = best or self.grid[0]
            _, neighbours = fitted.get(self.shrinkage_) or self.fit_similarity(
                self.interactions_, self.neighbors_, self.shrinkage_
            )
            self.use_neighbours(neighbours, self.neighbors_, self.direction_)

    def fit_similarity(
        self,
        interactions: Interactions,
        neighbors: int,
        shrinkage: float,
        within: tuple[Interactions, Fit] | None = None,
    ) -> Fit:
        """The `neighbors` nearest neighbours of every item (or user) of `interactions`, and what scoring
        needs beside them; `within`: a fit on these interactions and a few cells more, to start from."""
        self.matrix_ = interactions.binary() if self.binary else interactions.matrix
        popularity = interactions.popularity()
        # below any similarity-based score: only orders the items no neighbour had
        self.tie_breaker_ = (popularity / (popularity.max() + 1.0) * 1e-6).astype(np.float32)
        if self.engine == "spark":
            from ..spark.similarity import top_similar_items

            return None, top_similar_items(self.matrix_, neighbors, shrinkage, self.threshold, self.spark)
        rows_compared = (lambda matrix: matrix.T) if self.kind == "item" else (lambda matrix: matrix)
        if within is None or within[1][0] is None:
            return candidates_and_neighbours(rows_compared(self.matrix_), neighbors, shrinkage)
        fuller, (candidates, _) = within
        emptied = rows_compared((fuller.binary() if self.binary else fuller.matrix) - self.matrix_)
        return None, top_similar_without(
            candidates, rows_compared(self.matrix_), emptied, neighbors, shrinkage
        )

    def use_neighbours(self, neighbours: Neighbours, count: int, direction: str) -> None:
        """Score with each item's (or user's) first `count` neighbours, summed in `direction`."""
        similar = neighbours.matrix(count)
        # row t of the scoring matrix: what having item t (item kind) adds to every item's score;
        # "candidate" reads j's neighbour list (column j of the transposed lists), "history" t's own list
        if self.kind == "item":
            self.scoring_ = similar.T.tocsr() if direction == "candidate" else similar
        else:
            self.user_weights_ = similar if direction == "candidate" else similar.T.tocsr()
            self.scoring_ = self.matrix_

    def scores(self, rows: np.ndarray) -> np.ndarray:
        scores = np.empty((len(rows), self.scoring_.shape[1]), np.float32)
        self.similarity_sums(rows, scores)
        scores += self.tie_breaker_
        return scores

    def similarity_sums(self, rows: np.ndarray, out: np.ndarray) -> None:
        """The `rows`' scores without the popularity tie-breaker into `out` (float32; 0: no neighbour had)."""
        weights = self.matrix_[rows] if self.kind == "item" else self.user_weights_[rows]
        product_into(weights, self.scoring_, out)

    def history(self, row: int) -> sparse.csr_matrix:
        return self.matrix_[row]

    def contributions(self, history: sparse.csr_matrix, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Item kind: the history's items, and what each adds to the score of each of `columns`."""
        if self.kind != "item":
            return super().contributions(history, columns)
        added = history.data[:, None] * self.scoring_[history.indices][:, columns].toarray()
        return history.indices.astype(np.int64), added

    def basket_scores(self, columns: np.ndarray) -> np.ndarray:
        """Item kind only: the summed similarities of every item to the basket's, as for a trained user."""
        if self.kind != "item":
            raise StepError('only item-KNN scores a new basket ([models.knn] kind = "item")')
        basket = sparse.csr_matrix(
            (np.ones(len(columns), np.float32), (np.zeros(len(columns), np.int64), columns)),
            shape=(1, self.scoring_.shape[0]),
        )
        return (basket @ self.scoring_).toarray()[0] + self.tie_breaker_

    def chosen_params(self) -> dict[str, Any]:
        """The `build` settings that fit the neighbours, shrinkage and direction chosen, unvalidated."""
        return {"neighbors": self.neighbors_, "shrinkage": self.shrinkage_, "direction": self.direction_}

    def describe(self) -> str:
        between = "items (people who had your items also had ...)" if self.kind == "item" else "users"
        text = (
            f"{self.kind}-{self.kind} KNN: cosine similarity between {between}, "
            f"{self.neighbors_} nearest neighbours kept; a score sums {SUMMED[self.kind, self.direction_]}"
        )
        if self.shrinkage_:
            text += f", shrinkage {self.shrinkage_:g}"
        if self.engine == "spark":
            text += " (on Spark" + (f", similarities above {self.threshold:g})" if self.threshold else ")")
        if self.validation_ndcg_:
            tried = ", ".join(
                f"{n} {direction} (shrinkage {s:g}): {score:.4f}"
                for (n, s, direction), score in self.validation_ndcg_.items()
            )
            text += f"; chosen by NDCG@{self.k_} on a validation split of the training data ({tried})"
        return text


def build(
    task: str,
    seed: int,
    neighbors: int | Sequence[int] = (20, 50, 100, 200),
    kind: str = "item",
    shrinkage: float | Sequence[float] = 10.0,
    direction: str | Sequence[str] = DIRECTIONS,
    binary: bool = True,
    validation_size: float = 0.2,
    validation_users: int = VALIDATION_USERS,
    engine: str = "scipy",
    threshold: float = 0.0,
    spark: Mapping[str, Any] | None = None,
) -> NearestNeighbours:
    """KNN over `kind`s; lists of `neighbors`, `shrinkage` or `direction` are a grid searched on a
    validation split (with the holdout and k the model is fitted for); `binary` uses who-had-what, not
    the rating values; `engine = "spark"` computes the similarities on Spark (`spark`: the [spark]
    section, which config.py adds then)."""
    return NearestNeighbours(
        seed,
        neighbors,
        kind,
        shrinkage,
        direction,
        binary,
        validation_size,
        validation_users,
        engine,
        threshold,
        spark,
    )
