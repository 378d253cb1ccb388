"""Matrix factorisation with Spark MLlib's ALS (alternating least squares): the `spark` extra.

Each user and each item gets `rank` latent factors, fitted on Spark (`[spark] master`) so that
their dot product reconstructs the interactions: with a `[data] rating` column as explicit
ratings, without one as implicit feedback (`implicitPrefs`: who had what, trusted with
confidence 1 + `alpha` x the count). A user's score for an item is that dot product; the
top k skips the items the user already had, as every model's does.

Training needs Spark; the fitted factors are kept as numpy arrays in the saved model, so
scoring (`evaluate`, `invoke recommend`, the app) needs neither Spark nor Java.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..spark import session
from .interactions import Columns, Recommender


def factors(frame: pd.DataFrame, count: int, rank: int) -> np.ndarray:
    """ALS's factor table (id, features) as a count x rank array, row = id; zeros for ids ALS never saw."""
    table = np.zeros((count, rank), dtype=np.float32)
    if len(frame):
        table[frame["id"].to_numpy()] = np.stack(frame["features"].to_numpy())
    return table


class AlternatingLeastSquares(Recommender):
    def __init__(
        self, seed: int, rank: int, reg_param: float, alpha: float, max_iter: int, spark: Mapping[str, Any]
    ) -> None:
        self.seed = seed
        self.rank = rank
        self.reg_param = reg_param
        self.alpha = alpha
        self.max_iter = max_iter
        self.spark = dict(spark)

    def learn(self, train: pd.DataFrame, columns: Columns, items: pd.DataFrame | None) -> None:
        from pyspark.ml.recommendation import ALS

        matrix = self.interactions_.matrix.tocoo()
        self.implicit_ = columns.rating is None
        ratings = matrix.data.astype(np.float64)
        cells = pd.DataFrame({"user": matrix.row, "item": matrix.col, "rating": ratings})
        with session(self.spark) as spark:
            estimator = ALS(
                rank=self.rank,
                regParam=self.reg_param,
                alpha=self.alpha,
                maxIter=self.max_iter,
                implicitPrefs=self.implicit_,
                coldStartStrategy="drop",
                seed=self.seed,
            )
            fitted = estimator.fit(spark.createDataFrame(cells))
            self.user_factors_ = factors(fitted.userFactors.toPandas(), matrix.shape[0], self.rank)
            self.item_factors_ = factors(fitted.itemFactors.toPandas(), matrix.shape[1], self.rank)

    def scores(self, rows: np.ndarray) -> np.ndarray:
        return self.user_factors_[rows] @ self.item_factors_.T

    def describe(self) -> str:
        feedback = "implicit feedback (who had what)" if self.implicit_ else "explicit ratings"
        return (
            f"ALS matrix factorisation on Spark: {self.rank} factors per user and item from {feedback}, "
            f"reg_param {self.reg_param:g}"
            + (f", alpha {self.alpha:g}" if self.implicit_ else "")
            + f", {self.max_iter} iterations"
        )


def build(
    task: str,
    seed: int,
    rank: int = 64,
    reg_param: float = 0.05,
    alpha: float = 10.0,
    max_iter: int = 10,
    spark: Mapping[str, Any] | None = None,
) -> AlternatingLeastSquares:
    """ALS with `rank` factors; `spark` is the [spark] section (config.py passes it to every Spark model)."""
    return AlternatingLeastSquares(seed, rank, reg_param, alpha, max_iter, spark or {})
