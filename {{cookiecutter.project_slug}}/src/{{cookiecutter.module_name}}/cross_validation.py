"""`[evaluate] folds`: how much a table model's score moves from one split of the data to another.

One held-out split gives one score; on small data another split could give a rather different one.
With `folds = 5` evaluate also fits a fresh copy of the model on 4/5 of its training rows and scores
it on the other 1/5, five times (seeded; stratified by class for a classifier), and keeps the five
scores beside the held-out one. Each fit is the model's own (KNN's runs its grid search inside it),
on the rows it trained on (its `max_train_rows` cap, drawn with the same seed), so the step costs
about `folds` trainings: off unless config.toml asks for it.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def training_rows(train: pd.DataFrame, rows: int, seed: int) -> pd.DataFrame:
    """The `rows` training rows the model was fitted on: train.py's seeded sample when it was capped."""
    return train if len(train) <= rows else train.sample(n=rows, random_state=seed)


def splitter(model: Any, actual: pd.Series, folds: int, seed: int) -> Any:
    """Seeded shuffled folds, stratified for a classifier, no more than the rarest class allows."""
    from sklearn.base import is_classifier
    from sklearn.model_selection import KFold, StratifiedKFold

    rarest = int(actual.value_counts().min())
    if is_classifier(model) and rarest >= 2:
        return StratifiedKFold(min(folds, rarest), shuffle=True, random_state=seed)
    return KFold(min(folds, len(actual)), shuffle=True, random_state=seed)


def cross_validate(
    model: Any, train: pd.DataFrame, settings: Mapping[str, Any], task: Any, metric: str
) -> dict[str, Any]:
    """`metric` of fresh copies of `model` fitted and scored fold by fold on its training rows, through
    the `task` module's own fit and evaluate, and their mean and spread (standard deviation)."""
    from sklearn.base import clone

    seed, target = settings["seed"], settings["target"]
    rows = training_rows(train, model.n_train_rows_, seed).reset_index(drop=True)
    folds = splitter(model, rows[target], settings["folds"], seed)
    unscored = {**settings, "resamples": 0}  # a fold's score needs no interval
    scores = []
    for fitted_on, scored_on in folds.split(rows, rows[target]):
        copy = clone(model)
        task.fit(copy, rows.iloc[fitted_on], settings)
        _, fields = task.evaluate(copy, None, rows.iloc[scored_on], unscored)
        scores.append(fields["metrics"][metric])
    return {
        "folds": len(scores),
        "rows": len(rows),
        "metric": metric,
        "scores": scores,
        "mean": round(statistics.fmean(scores), 6),
        "spread": round(statistics.stdev(scores), 6),
    }


def summary(found: dict[str, Any]) -> str:
    """The cross-validation in words: "balanced_accuracy 0.912 ± 0.031 over 5 folds of 265 training rows"."""
    return (
        f"{found['metric']} {found['mean']:.3f} ± {found['spread']:.3f} over {found['folds']} folds of "
        f"{found['rows']} training rows"
    )
