"""K-nearest neighbours after the feature pipeline, with k chosen by cross-validation."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sklearn.model_selection import GridSearchCV, KFold, ParameterGrid, StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import Pipeline

from ..progress import bar
from .features import preprocessor

SCORING = {"classification": "balanced_accuracy", "regression": "neg_root_mean_squared_error"}


class ShownGridSearch(GridSearchCV):
    """A grid search that shows a bar of its fits (settings x folds) on a terminal as it runs."""

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
    """A grid search over `n_neighbors` on the training rows; it refits the best k on all of them."""
    if task == "classification":
        neighbours = KNeighborsClassifier()
        folds = StratifiedKFold(cv_folds, shuffle=True, random_state=seed)
    else:
        neighbours = KNeighborsRegressor()
        folds = KFold(cv_folds, shuffle=True, random_state=seed)
    pipeline = Pipeline([("features", preprocessor()), ("knn", neighbours)])
    return ShownGridSearch(pipeline, {"knn__n_neighbors": list(n_neighbors)}, cv=folds, scoring=SCORING[task])
