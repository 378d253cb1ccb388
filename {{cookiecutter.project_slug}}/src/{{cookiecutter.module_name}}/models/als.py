"""Matrix factorisation by alternating least squares (ALS), for top-k lists: implicit feedback by default.

Each user and each item gets `rank` latent factors; a user's score for an item is their dot
product, and the top k skips the items the user already had, as every model's does.

`feedback = "implicit"` (the default, the ranking problem): every interaction is a preference
of 1 trusted with confidence 1 + `alpha` x its value (the rating, the count, or 1), and the
factors are fitted to every (user, item) cell, had or not (Hu, Koren & Volinsky 2008).
`feedback = "explicit"` reconstructs the ratings themselves (Spark only), which predicts
ratings well and ranks top-k lists poorly.

`engine = "implicit"` (the default) trains in-process with the `implicit` library on every core,
no Java; `engine = "spark"` trains Spark MLlib's ALS (`implicitPrefs`, the same confidence) on
`[spark] master`, for logs beyond one machine. Spark scales `reg_param` by each user's and item's
interaction count, `implicit` does not. The fitted factors are numpy arrays in the saved model,
so scoring and explaining need neither library.

`because`: the liked items behind a score, as `implicit`'s `explain` computes them (section 5 of
the paper): the score is a sum over the user's items j of y_i' W_u y_j c_uj, W_u being the
inverse of the user's regularised, confidence-weighted item Gram matrix.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import StepError
from ..tasks.interaction_columns import Columns
from .interactions import Recommender

FEEDBACKS = ("implicit", "explicit")
ENGINES = ("implicit", "spark")


def factors(frame: pd.DataFrame, count: int, rank: int) -> np.ndarray:
    """ALS's factor table (id, features) as a count x rank array, row = id; zeros for ids ALS never saw."""
    table = np.zeros((count, rank), dtype=np.float32)
    if len(frame):
        table[frame["id"].to_numpy()] = np.stack(frame["features"].to_numpy())
    return table


def confidence(matrix: sparse.csr_matrix, alpha: float) -> sparse.csr_matrix:
    """Each interaction's confidence, 1 + alpha x |value|: what Spark's implicitPrefs trusts it with."""
    weights = matrix.astype(np.float32, copy=True)
    weights.data = 1.0 + np.float32(alpha) * np.abs(weights.data)
    return weights


class AlternatingLeastSquares(Recommender):
    def __init__(
        self,
        seed: int,
        rank: int,
        reg_param: float,
        alpha: float,
        max_iter: int,
        feedback: str,
        engine: str,
        spark: Mapping[str, Any],
    ) -> None:
        if feedback not in FEEDBACKS:
            raise StepError(f'[models.als] feedback = {feedback!r} is not one of "implicit", "explicit"')
        if engine not in ENGINES:
            raise StepError(f'[models.als] engine = {engine!r} is not one of "implicit", "spark"')
        if feedback == "explicit" and engine != "spark":
            raise StepError('[models.als] feedback = "explicit" trains on Spark: add engine = "spark"')
        self.seed = seed
        self.rank = rank
        self.reg_param = reg_param
        self.alpha = alpha
        self.max_iter = max_iter
        self.feedback = feedback
        self.engine = engine
        self.spark = dict(spark)

    def learn(self, train: pd.DataFrame, columns: Columns, items: pd.DataFrame | None) -> None:
        matrix = self.interactions_.matrix
        if self.engine == "spark":
            self.user_factors_, self.item_factors_ = self.learn_on_spark(matrix)
        else:
            self.user_factors_, self.item_factors_ = self.learn_in_process(matrix)

    def learn_in_process(self, matrix: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """User and item factors from `implicit`'s CPU ALS, given Spark's confidences (so its alpha is 1)."""
        from implicit.cpu.als import AlternatingLeastSquares as ImplicitALS
        from threadpoolctl import threadpool_limits

        # implicit runs a thread per core itself: BLAS threads inside them would fight over the cores
        with threadpool_limits(1, "blas"):
            model = ImplicitALS(
                factors=self.rank,
                regularization=self.reg_param,
                alpha=1.0,
                iterations=self.max_iter,
                random_state=self.seed,
            )
            model.fit(confidence(matrix, self.alpha), show_progress=False)
        return model.user_factors.astype(np.float32), model.item_factors.astype(np.float32)

    def learn_on_spark(self, matrix: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """User and item factors from Spark MLlib's ALS, implicitPrefs unless feedback = "explicit"."""
        from pyspark.ml.recommendation import ALS

        from ..spark import session

        cells = matrix.tocoo()
        frame = pd.DataFrame({"user": cells.row, "item": cells.col, "rating": cells.data.astype(np.float64)})
        with session(self.spark) as spark:
            estimator = ALS(
                rank=self.rank,
                regParam=self.reg_param,
                alpha=self.alpha,
                maxIter=self.max_iter,
                implicitPrefs=self.feedback == "implicit",
                coldStartStrategy="drop",
                seed=self.seed,
            )
            fitted = estimator.fit(spark.createDataFrame(frame))
            users = factors(fitted.userFactors.toPandas(), matrix.shape[0], self.rank)
            items = factors(fitted.itemFactors.toPandas(), matrix.shape[1], self.rank)
        return users, items

    def scores(self, rows: np.ndarray) -> np.ndarray:
        return self.user_factors_[rows] @ self.item_factors_.T

    def contributions(self, history: sparse.csr_matrix, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """implicit feedback only: the history's items and how much each adds to each of `columns`' scores."""
        if self.feedback != "implicit" or not history.nnz:
            return np.empty(0, np.int64), np.empty((0, len(columns)))
        liked = self.item_factors_[history.indices].astype(np.float64)
        trust = confidence(history, self.alpha).data.astype(np.float64)
        # Spark regularises each user by reg_param x their interaction count; implicit by reg_param
        regularisation = self.reg_param * (len(trust) if self.engine == "spark" else 1.0)
        every = self.item_factors_.astype(np.float64)
        gram = every.T @ every + liked.T @ ((trust - 1.0)[:, None] * liked)
        gram += regularisation * np.eye(self.rank)
        weighted = np.linalg.solve(gram, self.item_factors_[columns].astype(np.float64).T)
        return history.indices.astype(np.int64), (liked @ weighted) * trust[:, None]

    def describe(self) -> str:
        where = "on Spark" if self.engine == "spark" else "in-process (implicit)"
        if self.feedback == "implicit":
            learned = f"implicit feedback (each interaction trusted 1 + {self.alpha:g} x its value)"
        else:
            learned = "explicit ratings (reconstructed, not ranked)"
        return (
            f"ALS matrix factorisation {where}: {self.rank} factors per user and item from {learned}, "
            f"reg_param {self.reg_param:g}, {self.max_iter} iterations"
        )


def build(
    task: str,
    seed: int,
    rank: int = 64,
    reg_param: float = 0.05,
    alpha: float = 10.0,
    max_iter: int = 10,
    feedback: str = "implicit",
    engine: str = "implicit",
    spark: Mapping[str, Any] | None = None,
) -> AlternatingLeastSquares:
    """ALS with `rank` factors; `spark` is the [spark] section (config.py passes it with engine = "spark")."""
    return AlternatingLeastSquares(seed, rank, reg_param, alpha, max_iter, feedback, engine, spark or {})
