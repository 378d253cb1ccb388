"""K-nearest-neighbour collaborative filtering: "people who had what you had also had ...".

Item-item (default): two items are similar when the same users had them (cosine similarity of
their columns of the user x item matrix); each item keeps only its `neighbors` most similar
items, and a user's score for an item is the sum of its similarities to the items the user had.
User-user (`kind = "user"`): users are similar when they had the same items; a user's score for
an item is the summed similarity of their `neighbors` most similar users who had it.

Similarities are computed a block of rows at a time (a block x all dense slab of a few tens of
MB, cut to its top `neighbors` per row at once), so there is never a dense items x items (or
users x users) matrix; scoring multiplies a batch of users' sparse rows by the sparse
neighbour matrix. `shrinkage` divides by (|a| |b| + shrinkage) instead of |a| |b|, which
damps similarities resting on few shared users. Scores tied at zero (no neighbour had) are
broken by popularity, so a user with few neighbours still gets k items.

With `neighbors` a list, the number is chosen by NDCG@k on a validation split carved out of the
training interactions with the same per-user holdout as the test split, then the model is
refitted on all the training interactions: the test interactions are used once, to score.

`engine = "spark"` computes the item-item similarities on Spark (`spark/similarity.py`, MLlib's
`RowMatrix.columnSimilarities`; `threshold` > 0 samples, for large catalogues) into the same
neighbours, so the fitted model, its scoring and everything downstream are the same.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import StepError
from ..spark import session
from .interactions import Columns, Interactions, Recommender, top_k
from .neighbours import Neighbours
from .validation import validation_split

BLOCK_CELLS = 8_000_000  # similarities held densely at once (float32: 32 MB)
KINDS = ("item", "user")
ENGINES = ("scipy", "spark")


def top_similar(vectors: sparse.csr_matrix, neighbors: int, shrinkage: float = 0.0) -> Neighbours:
    """For each row of `vectors`, the `neighbors` other rows of highest cosine similarity to it."""
    vectors = sparse.csr_matrix(vectors, dtype=np.float32)
    count = vectors.shape[0]
    norms = np.sqrt(np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel()).astype(np.float32)
    transposed = vectors.T.tocsr()
    keep = max(0, min(neighbors, count - 1))
    block = max(1, BLOCK_CELLS // max(1, count))
    columns = np.zeros((count, keep), dtype=np.int32)
    values = np.zeros((count, keep), dtype=np.float32)
    for start in range(0, count, block):
        stop = min(start + block, count)
        similarity = (vectors[start:stop] @ transposed).toarray()
        similarity /= norms[start:stop, None] * norms[None, :] + np.float32(shrinkage + 1e-12)
        similarity[np.arange(stop - start), np.arange(start, stop)] = 0.0  # a row is not its own neighbour
        columns[start:stop], values[start:stop] = top_k(similarity, keep, mostly_equal=True)
    return Neighbours(columns, np.maximum(values, 0.0))


class NearestNeighbours(Recommender):
    def __init__(
        self,
        seed: int,
        neighbors: int | Sequence[int],
        kind: str,
        shrinkage: float,
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
            raise StepError('[models.knn] threshold samples on Spark: add engine = "spark" or remove it')
        self.seed = seed
        self.neighbors = neighbors
        self.kind = kind
        self.shrinkage = shrinkage
        self.binary = binary
        self.validation_size = validation_size
        self.validation_users = validation_users
        self.engine = engine
        self.threshold = threshold
        self.spark = dict(spark or {})

    def learn(self, train: pd.DataFrame, columns: Columns, items: pd.DataFrame | None) -> None:
        grid = [self.neighbors] if isinstance(self.neighbors, int) else sorted(set(self.neighbors))
        if not grid or min(grid) < 1:
            raise StepError(
                f"[models.knn] neighbors = {self.neighbors!r}: give a positive number or a list of them"
            )
        # one Spark session for the validation and the final fit
        with session(self.spark) if self.engine == "spark" else nullcontext():
            self.validation_ndcg_ = self.validate(train, columns, grid) if len(grid) > 1 else {}
            self.neighbors_ = (
                max(self.validation_ndcg_, key=self.validation_ndcg_.get) if len(grid) > 1 else grid[0]
            )
            self.use_neighbours(self.fit_similarity(self.interactions_, self.neighbors_), self.neighbors_)

    def fit_similarity(self, interactions: Interactions, neighbors: int) -> Neighbours:
        """The `neighbors` nearest neighbours of every item (or user) of `interactions`, and what scoring
        needs beside them."""
        self.matrix_ = interactions.binary() if self.binary else interactions.matrix
        popularity = interactions.popularity()
        # below any similarity-based score: only orders the items no neighbour had
        self.tie_breaker_ = (popularity / (popularity.max() + 1.0) * 1e-6).astype(np.float32)
        if self.engine == "spark":
            from ..spark.similarity import top_similar_items

            return top_similar_items(self.matrix_, neighbors, self.shrinkage, self.threshold, self.spark)
        return top_similar(self.matrix_.T if self.kind == "item" else self.matrix_, neighbors, self.shrinkage)

    def use_neighbours(self, neighbours: Neighbours, count: int) -> None:
        """Score with each item's (or user's) first `count` neighbours."""
        self.similar_ = neighbours.matrix(count)
        # item kind: column j holds item j's neighbours, transposed once here rather than per batch
        self.scoring_ = self.similar_.T.tocsr() if self.kind == "item" else self.matrix_

    def validate(self, train: pd.DataFrame, columns: Columns, grid: list[int]) -> dict[int, float]:
        """NDCG@k of each neighbour count on a per-user validation split of the training interactions.

        One similarity computation with the most neighbours serves the whole grid: fewer
        neighbours are the same rows cut shorter.
        """
        split = validation_split(
            train, columns, self.validation_size, self.holdout_, self.seed, self.validation_users, self.k_
        )
        probe = copy.copy(self)
        probe.interactions_ = Interactions.from_frame(split.fitting, columns)
        widest = probe.fit_similarity(probe.interactions_, max(grid))
        results = {}
        for neighbors in grid:
            probe.use_neighbours(widest, neighbors)
            results[neighbors] = split.ndcg(probe.recommend(split.users, self.k_))
        return results

    def scores(self, rows: np.ndarray) -> np.ndarray:
        weights = self.matrix_[rows] if self.kind == "item" else self.similar_[rows]
        scores = (weights @ self.scoring_).toarray()
        scores += self.tie_breaker_
        return scores

    def basket_scores(self, columns: np.ndarray) -> np.ndarray:
        """Item kind only: the summed similarities of every item to the basket's, as for a trained user."""
        if self.kind != "item":
            raise StepError('only item-KNN scores a new basket ([models.knn] kind = "item")')
        basket = sparse.csr_matrix(
            (np.ones(len(columns), np.float32), (np.zeros(len(columns), np.int64), columns)),
            shape=(1, self.scoring_.shape[0]),
        )
        return (basket @ self.scoring_).toarray()[0] + self.tie_breaker_

    def describe(self) -> str:
        between = "items (people who had your items also had ...)" if self.kind == "item" else "users"
        text = (
            f"{self.kind}-{self.kind} KNN: cosine similarity between {between}, "
            f"{self.neighbors_} nearest neighbours kept"
        )
        if self.shrinkage:
            text += f", shrinkage {self.shrinkage:g}"
        if self.engine == "spark":
            text += " (on Spark" + (f", sampled above {self.threshold:g})" if self.threshold else ")")
        if self.validation_ndcg_:
            tried = ", ".join(f"{n}: {score:.4f}" for n, score in self.validation_ndcg_.items())
            text += f"; chosen by NDCG@{self.k_} on a validation split of the training data ({tried})"
        return text


def build(
    task: str,
    seed: int,
    neighbors: int | Sequence[int] = (20, 50, 100, 200),
    kind: str = "item",
    shrinkage: float = 10.0,
    binary: bool = True,
    validation_size: float = 0.2,
    validation_users: int = 5000,
    engine: str = "scipy",
    threshold: float = 0.0,
    spark: Mapping[str, Any] | None = None,
) -> NearestNeighbours:
    """KNN over `kind`s; a list of `neighbors` is a grid searched on a validation split (with the holdout
    and k the model is fitted for); `binary` uses who-had-what, not the rating values; `engine = "spark"`
    computes the similarities on Spark (`spark`: the [spark] section, which config.py adds then)."""
    return NearestNeighbours(
        seed, neighbors, kind, shrinkage, binary, validation_size, validation_users, engine, threshold, spark
    )
