"""K-nearest neighbours after the feature pipeline, with k chosen by cross-validation."""

from __future__ import annotations

from collections.abc import Sequence

from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import Pipeline

from .features import preprocessor

SCORING = {"classification": "balanced_accuracy", "regression": "neg_root_mean_squared_error"}


def build(
    task: str,
    seed: int,
    n_neighbors: Sequence[int] = (1, 3, 5, 9, 15, 25),
    cv_folds: int = 5,
) -> GridSearchCV:
    """A grid search over `n_neighbors` on the training rows; it refits the best k on all of them."""
    if task == "classification":
        neighbours = KNeighborsClassifier()
        folds = StratifiedKFold(cv_folds, shuffle=True, random_state=seed)
    else:
        neighbours = KNeighborsRegressor()
        folds = KFold(cv_folds, shuffle=True, random_state=seed)
    pipeline = Pipeline([("features", preprocessor()), ("knn", neighbours)])
    return GridSearchCV(pipeline, {"knn__n_neighbors": list(n_neighbors)}, cv=folds, scoring=SCORING[task])
