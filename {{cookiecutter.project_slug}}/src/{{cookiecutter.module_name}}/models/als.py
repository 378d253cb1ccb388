"""Matrix factorisation by alternating least squares (ALS), for top-k lists: implicit feedback by default.

Each user and each item gets `rank` latent factors; a user's score for an item is their dot
product, and the top k skips the items the user already had, as every model's does.

`feedback = "implicit"` (the default, the ranking problem): every interaction is a preference
of 1 trusted with confidence 1 + `alpha` x log(1 + its value) (the rating, the count, or 1;
`confidence = "linear"`: x the value itself), and the factors are fitted to every (user, item)
cell, had or not (Hu, Koren & Volinsky 2008, who give both). With `alpha` a list, the one of best
NDCG@k on a validation split of the training log is chosen, as item-KNN chooses its neighbours:
on three real logs (Last.fm play counts, two MovieLens rating sets) alpha 1 ranked best, on the
synthetic benchmark log alpha 10; linear confidence in play counts up to 300,000 ranked below
plain popularity.
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

import copy
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
from .validation import validation_split

FEEDBACKS = ("implicit", "explicit")
ENGINES = ("implicit", "spark")
CONFIDENCES = ("log", "linear")


def factors(frame: pd.DataFrame, count: int, rank: int) -> np.ndarray:
    """ALS's factor table (id, features) as a count x rank array, row = id; zeros for ids ALS never saw."""
    table = np.zeros((count, rank), dtype=np.float32)
    if len(frame):
        table[frame["id"].to_numpy()] = np.stack(frame["features"].to_numpy())
    return table


def strength(values: np.ndarray, scale: str) -> np.ndarray:
    """What an interaction's value counts for in its confidence: log(1 + |value|) ("log"), or |value|
    ("linear", as Spark's implicitPrefs and `implicit` take a value)."""
    return np.log1p(np.abs(values)) if scale == "log" else np.abs(values)


def confidences(matrix: sparse.csr_matrix, alpha: float, scale: str) -> sparse.csr_matrix:
    """Each interaction's confidence, 1 + alpha x its strength."""
    weights = matrix.astype(np.float32, copy=True)
    weights.data = 1.0 + np.float32(alpha) * strength(weights.data, scale).astype(np.float32)
    return weights


def alphas_of(alpha: float | Sequence[float]) -> list[float]:
    """`alpha`, one number or a list of them to choose from, as a list."""
    alphas = list(alpha) if isinstance(alpha, (list, tuple)) else [alpha]
    if not alphas or not all(
        isinstance(a, (int, float)) and not isinstance(a, bool) and a > 0 for a in alphas
    ):
        raise StepError(f"[models.als] alpha = {alpha!r}: give a number above 0 or a list of them")
    return [float(a) for a in dict.fromkeys(alphas)]


class AlternatingLeastSquares(Recommender):
    def __init__(
        self,
        seed: int,
        rank: int,
        reg_param: float,
        alpha: float | Sequence[float],
        max_iter: int,
        feedback: str,
        engine: str,
        spark: Mapping[str, Any],
        scale: str = "log",
        validation_size: float = 0.2,
        validation_users: int = 5000,
    ) -> None:
        if feedback not in FEEDBACKS:
            raise StepError(f'[models.als] feedback = {feedback!r} is not one of "implicit", "explicit"')
        if engine not in ENGINES:
            raise StepError(f'[models.als] engine = {engine!r} is not one of "implicit", "spark"')
        if feedback == "explicit" and engine != "spark":
            raise StepError('[models.als] feedback = "explicit" trains on Spark: add engine = "spark"')
        if scale not in CONFIDENCES:
            raise StepError(f'[models.als] confidence = {scale!r} is not one of "log", "linear"')
        self.seed = seed
        self.rank = rank
        self.reg_param = reg_param
        self.alphas = alphas_of(alpha)
        self.max_iter = max_iter
        self.feedback = feedback
        self.engine = engine
        self.spark = dict(spark)
        self.scale = scale
        self.validation_size = validation_size
        self.validation_users = validation_users

    def learn(self, train: pd.DataFrame, columns: Columns, items: pd.DataFrame | None) -> None:
        # alpha weighs implicit feedback only; one Spark session for the validation and the final fit
        choosing = len(self.alphas) > 1 and self.feedback == "implicit"
        with session(self.spark) if self.engine == "spark" else nullcontext():
            self.validation_ndcg_ = self.choose(train, columns) if choosing else {}
            tried = self.validation_ndcg_
            self.alpha_ = max(tried, key=tried.get) if tried else self.alphas[0]  # a tie: the first
            self.user_factors_, self.item_factors_ = self.learn_factors(self.interactions_.matrix)

    def choose(self, train: pd.DataFrame, columns: Columns) -> dict[float, float]:
        """NDCG@k of each alpha on a validation split of the training log; none when the log is too small
        to hold one out (the first alpha is used then)."""
        try:
            split = validation_split(
                train, columns, self.validation_size, self.holdout_, self.seed, self.validation_users, self.k_
            )
        except StepError:
            return {}
        probe = copy.copy(self)
        probe.interactions_ = Interactions.from_frame(split.fitting, columns)
        results = {}
        for alpha in self.alphas:
            probe.alpha_ = alpha
            probe.user_factors_, probe.item_factors_ = probe.learn_factors(probe.interactions_.matrix)
            results[alpha] = split.ndcg(probe.recommend(split.users, self.k_))
        return results

    def learn_factors(self, matrix: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        return self.learn_on_spark(matrix) if self.engine == "spark" else self.learn_in_process(matrix)

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
            model.fit(confidences(matrix, self.alpha_, self.scale), show_progress=False)
        return model.user_factors.astype(np.float32), model.item_factors.astype(np.float32)

    def learn_on_spark(self, matrix: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """User and item factors from Spark MLlib's ALS, implicitPrefs unless feedback = "explicit"."""
        from pyspark.ml.recommendation import ALS

        cells = matrix.tocoo()
        # implicit feedback: Spark's confidence is 1 + alpha x the value given, so it is given the strength
        values = strength(cells.data, self.scale) if self.feedback == "implicit" else cells.data
        frame = pd.DataFrame({"user": cells.row, "item": cells.col, "rating": values.astype(np.float64)})
        with session(self.spark) as spark:
            estimator = ALS(
                rank=self.rank,
                regParam=self.reg_param,
                alpha=self.alpha_,
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
        trust = confidences(history, self.alpha_, self.scale).data.astype(np.float64)
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
            value = "log(1 + its value)" if self.scale == "log" else "its value"
            learned = f"implicit feedback (each interaction trusted 1 + {self.alpha_:g} x {value})"
        else:
            learned = "explicit ratings (reconstructed, not ranked)"
        text = (
            f"ALS matrix factorisation {where}: {self.rank} factors per user and item from {learned}, "
            f"reg_param {self.reg_param:g}, {self.max_iter} iterations"
        )
        if self.validation_ndcg_:
            tried = ", ".join(f"alpha {alpha:g}: {ndcg:.4f}" for alpha, ndcg in self.validation_ndcg_.items())
            text += f"; alpha chosen by NDCG@{self.k_} on a validation split of the training data ({tried})"
        return text

    def chosen_params(self) -> dict[str, Any]:
        """The `build` settings that fit the alpha chosen, unvalidated."""
        return {"alpha": self.alpha_}


def build(
    task: str,
    seed: int,
    rank: int = 64,
    reg_param: float = 0.05,
    alpha: float | Sequence[float] = (1.0, 10.0),
    max_iter: int = 10,
    feedback: str = "implicit",
    engine: str = "implicit",
    spark: Mapping[str, Any] | None = None,
    confidence: str = "log",
    validation_size: float = 0.2,
    validation_users: int = 5000,
) -> AlternatingLeastSquares:
    """ALS with `rank` factors, `alpha` (a list: chosen on a validation split); `spark` is the [spark]
    section (config.py passes it with engine = "spark")."""
    return AlternatingLeastSquares(
        seed,
        rank,
        reg_param,
        alpha,
        max_iter,
        feedback,
        engine,
        spark or {},
        confidence,
        validation_size,
        validation_users,
    )
