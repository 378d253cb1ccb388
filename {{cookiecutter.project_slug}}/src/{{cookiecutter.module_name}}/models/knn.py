"""K-nearest neighbours after the feature pipeline, with k chosen by cross-validation."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import get_scorer
from sklearn.model_selection import GridSearchCV, KFold, ParameterGrid, StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import Pipeline

from ..metrics import primary
from ..progress import bar
from .features import preprocessor

GRID = "knn__n_neighbors"
# Training rows of each fold scored for the validation curve: enough to tell 1.00 from 0.95.
TRAIN_SAMPLE = 500


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


class KnnGridSearch(GridSearchCV):
    """A grid search over k that fits what the training rows allow and shows its progress.

    Small data first trims the folds and the grid, saying so in one line rather than with a
    warning for every fit that cannot run; on a terminal a bar counts the fits (settings x folds).
    """

    def fit(self, X: pd.DataFrame, y: pd.Series, **params: Any) -> KnnGridSearch:
        stratified = isinstance(self.cv, StratifiedKFold)
        folds = fold_count(y, self.cv.get_n_splits(), stratified)
        asked = list(self.param_grid[GRID])
        fold_rows = smallest_training_fold(len(y), folds)
        usable = usable_neighbours(asked, fold_rows)
        if folds != self.cv.get_n_splits() or usable != asked:
            rows = len(y)
            print(f"  knn: {rows} training rows allow {folds} folds and k <= {fold_rows}: searching {usable}")
            self.cv = type(self.cv)(folds, shuffle=True, random_state=self.cv.random_state)
            self.param_grid = {GRID: usable}
        super().fit(X, y, **params)
        self.train_scores_ = self.training_scores(X, y)
        return self

    def training_scores(self, X: pd.DataFrame, y: pd.Series) -> list[float]:
        """Each k's mean score on TRAIN_SAMPLE rows of each training fold, beside its validation score:
        the validation curve (curves.py). scikit-learn's `return_train_score` scores every training
        row, which took four times as long as the search itself (15,000 rows: 55 s instead of 14 s)."""
        scorer, scores = get_scorer(self.scoring), []
        folds = list(self.cv.split(X, y))
        sample = np.random.default_rng(self.cv.random_state)
        for setting in ParameterGrid(self.param_grid):
            fold_scores = []
            for fitting, _ in folds:
                shown = sample.choice(fitting, min(TRAIN_SAMPLE, len(fitting)), replace=False)
                model = clone(self.estimator).set_params(**setting).fit(X.iloc[fitting], y.iloc[fitting])
                fold_scores.append(scorer(model, X.iloc[shown], y.iloc[shown]))
            scores.append(float(np.mean(fold_scores)))
        return scores

    def _run_search(self, evaluate_candidates: Callable) -> None:
        # Scikit-learn's hook for the order of the search: one setting at a time, so the bar moves.
        settings = list(ParameterGrid(self.param_grid))
        folds = self.cv.get_n_splits()
        what = f"grid search, {len(settings)} settings x {folds} folds"
        with bar(len(settings) * folds, what, unit="fit") as shown:
            for setting in settings:
                evaluate_candidates([setting])
                shown.update(folds)


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
