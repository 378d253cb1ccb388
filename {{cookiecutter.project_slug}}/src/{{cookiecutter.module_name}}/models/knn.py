"""K-nearest neighbours after the feature pipeline, with k chosen by cross-validation."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import get_scorer
from sklearn.model_selection import GridSearchCV, KFold, ParameterGrid, StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from ..metrics import primary
from ..progress import bar
from .features import preprocessor
from .target import Undo, in_target_units

GRID = "knn__n_neighbors"
# Training rows of each fold scored for the validation curve: enough to tell 1.00 from 0.95.
TRAIN_SAMPLE = 500
# The most training rows k is chosen on, by cross-validation: a seeded sample of them when there are more
# (the chosen k is then fitted on all of them). On a million rows (15,000 after max_train_rows) the search
# then costs a ninth of its time (distances of 1,000 held-out rows to 4,000, not 3,000 to 12,000).
SEARCH_ROWS = 5_000
# Compute threads of the search's neighbour queries: each is small (1,000 held-out rows to 4,000), and one
# thread answers them as fast as a thread per core, for half the CPU, leaving the other core to the step make
# runs beside it (1M rows, quiet: 6.1 s of CPU -> 3.4 s, same wall; loaded: 6.6-10.5 s -> 4.8 s wall).
# The chosen k then predicts the test rows with every core (evaluate).
SEARCH_THREADS = 1


def fold_count(y: pd.Series, asked: int, stratified: bool) -> int:
    """The folds asked for, but no more than the rows (or, stratified, the rarest class's rows) allow."""
    most = int(y.value_counts().min()) if stratified else len(y)
    return max(2, min(asked, most))


def smallest_training_fold(rows: int, folds: int) -> int:
    """The rows in the smallest training fold of `rows` split into `folds`: the largest k can be."""
    return rows - math.ceil(rows / folds)


def usable_neighbours(asked: Sequence[int], fold_rows: int) -> list[int]:
    """The k in `asked` that a training fold of `fold_rows` rows allows (the largest it allows if none)."""
    return [k for k in asked if k <= fold_rows] or [max(1, fold_rows)]


def search_sample(X: pd.DataFrame, y: pd.Series, seed: int | None) -> tuple[pd.DataFrame, pd.Series]:
    """The rows k is chosen on: all of them, or a seeded SEARCH_ROWS of them, in their order, when there
    are more."""
    if len(y) <= SEARCH_ROWS:
        return X, y
    chosen = np.sort(np.random.default_rng(seed).choice(len(y), SEARCH_ROWS, replace=False))
    print(f"  knn: choosing k on a seeded {SEARCH_ROWS} of its {len(y)} training rows")
    return X.iloc[chosen], y.iloc[chosen]


def balanced_accuracy(knn: Any, X: Any, y: pd.Series) -> float:
    """scikit-learn's "balanced_accuracy" scorer, number for number (a test compares), without its checks
    of the labels, 4 ms a call: a quarter of choosing k on a million rows. Each actual class's recall, the
    classes in the sorted order of scikit-learn's confusion matrix, averaged."""
    actual, predicted = np.asarray(y), knn.predict(X)
    labels, codes = np.unique(np.concatenate([actual, predicted]), return_inverse=True)
    pairs = codes[: len(actual)] * len(labels) + codes[len(actual) :]
    counts = np.bincount(pairs, minlength=len(labels) ** 2).reshape(len(labels), len(labels))
    with np.errstate(divide="ignore", invalid="ignore"):
        recalls = np.diag(counts) / counts.sum(axis=1)
    if np.isnan(recalls).any():
        warnings.warn("y_pred contains classes not in y_true", stacklevel=2)
    return float(np.mean(recalls[~np.isnan(recalls)]))


class KnnGridSearch(GridSearchCV):
    """A grid search over k that fits what the training rows allow and shows its progress.

    Small data first trims the folds and the grid, saying so in one line rather than with a
    warning for every fit that cannot run; on a terminal a bar counts the fits (settings x folds).
    It chooses k as scikit-learn's GridSearchCV does, with the same scores (a test says so), but
    fits the feature pipeline once per fold rather than once per k and fold, and the validation
    curve's training scores come from those same fits. Fitted on log(1 + y) (target.py sets `undo_target`),
    it scores each k in the target's units.
    """

    undo_target: Undo | None = None

    def fit(self, X: pd.DataFrame, y: pd.Series) -> KnnGridSearch:
        searched_x, searched_y = search_sample(X, y, self.cv.random_state)
        stratified = isinstance(self.cv, StratifiedKFold)
        folds = fold_count(searched_y, self.cv.get_n_splits(), stratified)
        asked = list(self.param_grid[GRID])
        fold_rows = smallest_training_fold(len(searched_y), folds)
        usable = usable_neighbours(asked, fold_rows)
        if folds != self.cv.get_n_splits() or usable != asked:
            rows = len(searched_y)
            print(f"  knn: {rows} training rows allow {folds} folds and k <= {fold_rows}: searching {usable}")
            self.cv = type(self.cv)(folds, shuffle=True, random_state=self.cv.random_state)
            self.param_grid = {GRID: usable}
        settings = list(ParameterGrid(self.param_grid))
        with threadpool_limits(SEARCH_THREADS):
            validation, training = self.fold_scores(searched_x, searched_y, settings)
        self.cv_results_ = search_results(settings, validation)
        self.best_index_ = int(np.argmin(self.cv_results_["rank_test_score"]))
        self.best_params_ = settings[self.best_index_]
        self.best_score_ = float(self.cv_results_["mean_test_score"][self.best_index_])
        self.train_scores_ = [float(np.mean(scores)) for scores in training]
        self.best_estimator_ = clone(self.estimator).set_params(**self.best_params_).fit(X, y)
        self.scorer_ = get_scorer(self.scoring)
        self.n_splits_ = len(validation[0])
        self.multimetric_ = False
        return self

    def chosen_params(self) -> dict[str, Any]:
        """The `build` settings that train the k this search chose, without searching (learning.py)."""
        return {"n_neighbors": [self.best_params_[GRID]]}

    def fold_scores(
        self, X: pd.DataFrame, y: pd.Series, settings: list[dict[str, Any]]
    ) -> tuple[list[list[float]], list[list[float]]]:
        """Each setting's score on each fold's held-out rows, and on TRAIN_SAMPLE rows of its training
        rows (the validation curve, curves.py: scikit-learn's `return_train_score` scores every training
        row, which took four times as long as the search itself, 15,000 rows: 55 s instead of 14 s).
        The feature pipeline is fitted once per fold; only KNN is fitted per setting."""
        scorer = balanced_accuracy if self.scoring == "balanced_accuracy" else get_scorer(self.scoring)
        if self.undo_target is not None:
            scorer = in_target_units(scorer, self.undo_target)
        sample = np.random.default_rng(self.cv.random_state)
        features, neighbours = self.estimator.named_steps["features"], self.estimator.named_steps["knn"]
        validation = [[] for _ in settings]
        training = [[] for _ in settings]
        what = f"grid search, {len(settings)} settings x {self.cv.get_n_splits()} folds"
        with bar(len(settings) * self.cv.get_n_splits(), what, unit="fit") as shown:
            for fitting, held in self.cv.split(X, y):
                fitted = clone(features)
                fit_x, fit_y = fitted.fit_transform(X.iloc[fitting], y.iloc[fitting]), y.iloc[fitting]
                held_x, held_y = fitted.transform(X.iloc[held]), y.iloc[held]
                seen = sample.choice(len(fitting), min(TRAIN_SAMPLE, len(fitting)), replace=False)
                for index, setting in enumerate(settings):
                    knn = clone(neighbours).set_params(n_neighbors=setting[GRID]).fit(fit_x, fit_y)
                    validation[index].append(scorer(knn, held_x, held_y))
                    training[index].append(scorer(knn, fit_x[seen], fit_y.iloc[seen]))
                    shown.update(1)
        return validation, training


def search_results(settings: list[dict[str, Any]], scores: list[list[float]]) -> dict[str, Any]:
    """The part of scikit-learn's `cv_results_` that the validation curve and a reader use: each k, its
    score on each fold, their mean, spread and rank (1 the best; ties share the better rank; a score
    that could not be computed, NaN, ranks last)."""
    table = np.array(scores, dtype=float)
    means = table.mean(axis=1)
    ranked = np.nan_to_num(means, nan=-np.inf)
    return {
        "params": settings,
        f"param_{GRID}": np.array([setting[GRID] for setting in settings]),
        **{f"split{fold}_test_score": table[:, fold] for fold in range(table.shape[1])},
        "mean_test_score": means,
        "std_test_score": table.std(axis=1),
        "rank_test_score": np.array([1 + int(np.sum(ranked > mean)) for mean in ranked]),
    }


def build(
    task: str,
    seed: int,
    n_neighbors: Sequence[int] = (1, 3, 5, 9, 15, 25),
    cv_folds: int = 5,
) -> GridSearchCV:
    """A grid search over `n_neighbors` on the training rows; it refits the best k on all of them.
    It scores by the task's default metric; train.py sets `[evaluate] metric`'s scorer when one is chosen."""
    if task == "classification":
        neighbours = KNeighborsClassifier()
        folds = StratifiedKFold(cv_folds, shuffle=True, random_state=seed)
    else:
        neighbours = KNeighborsRegressor()
        folds = KFold(cv_folds, shuffle=True, random_state=seed)
    pipeline = Pipeline([("features", preprocessor()), ("knn", neighbours)])
    return KnnGridSearch(pipeline, {GRID: list(n_neighbors)}, cv=folds, scoring=primary(task).scorer)
