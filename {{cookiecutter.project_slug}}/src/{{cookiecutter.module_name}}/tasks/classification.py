"""Classification: predict a category; ranked by balanced accuracy, or the `[evaluate] metric` chosen."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import metrics
from ..bootstrap import Scores
from ..errors import StepError
from . import tabular
from .table_cleanup import cleanup_steps, kept_unlike_removed
from .tabular import evaluation_columns, fit, in_batches, rounded

__all__ = [
    "cleanup_steps",
    "kept_unlike_removed",
    "check",
    "split",
    "fit",
    "predict",
    "evaluation_columns",
    "evaluate",
]


def check(frame: pd.DataFrame, settings: Mapping[str, Any]) -> None:
    """A classifier needs at least two classes."""
    target = settings["target"]
    if frame[target].nunique() < 2:
        raise StepError(
            f"after cleanup every row has the same {target}; "
            "a classifier needs at least two classes: check [data] target"
        )


def stratified_split(frame: pd.DataFrame, settings: Mapping[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A seeded split stratified by the target: each class is held out in the same share,
    so a rare class is in both halves."""
    target = settings["target"]
    counts = frame[target].value_counts()
    rare = counts[counts < 2]
    if not rare.empty:
        numeric = pd.api.types.is_numeric_dtype(frame[target])
        hint = (
            f"; {target} is numeric with {len(counts)} distinct values: "
            'if it is a quantity, set task = "regression"'
            if numeric
            else ""
        )
        raise StepError(
            f"{len(rare)} class(es) of {target} have only one row, too few to hold out; "
            f"remove them from the data or merge them with other classes{hint}"
        )
    # The rows are drawn from the target column alone, then taken whole: the same rows as sampling the
    # whole frame, without copying every column of it once more.
    by_class = frame[[target]].groupby(target, group_keys=False)
    held = by_class.sample(frac=settings["test_size"], random_state=settings["seed"]).index
    return frame.drop(index=held), frame.loc[held]


def split(
    frame: pd.DataFrame, settings: Mapping[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """The feature columns of [features], their rows stratified by the target."""
    return tabular.split(frame, settings, stratified_split)


def predict(model: Any, rows: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
    """The actual and predicted class of every test row; with two classes, also the second class's
    probability (`probability`), for roc_auc and log_loss: the model's own, or 1 and 0 from its labels
    for a model that gives none (the rules)."""
    known = list(getattr(model, "classes_", []))
    if len(known) == 2 and labels_are_most_probable(model):  # one neighbour search gives both
        features, actual = tabular.features_and_target(rows, settings["target"])
        probabilities = in_batches(model.predict_proba, features)
        predicted = np.asarray(model.classes_)[np.argmax(probabilities, axis=1)]
        labelled = pd.DataFrame({"actual": actual.to_numpy(), "predicted": predicted})
        return labelled.assign(probability=probabilities[:, 1], positive=known[1])
    predictions = tabular.predict(model, rows, settings)
    classes = known or sorted(pd.unique(predictions["actual"]), key=str)
    if len(classes) != 2:
        return predictions
    if hasattr(model, "predict_proba"):
        features, _ = tabular.features_and_target(rows, settings["target"])
        probability = in_batches(lambda batch: model.predict_proba(batch)[:, 1], features)
    else:
        probability = (predictions["predicted"] == classes[1]).to_numpy(dtype=float)
    return predictions.assign(probability=probability, positive=classes[1])


def labels_are_most_probable(model: Any) -> bool:
    """Whether `model`'s predict is the class of highest predict_proba (the first on a tie), so one call
    gives both: scikit-learn's KNN with uniform weights, whose own predict is that argmax, alone or as the
    last step of the pipeline a grid search refitted. Any other model keeps its own predict: an SVC's
    Platt-scaled probabilities, for one, can disagree with its labels."""
    final = getattr(model, "best_estimator_", model)
    final = final.steps[-1][1] if hasattr(final, "steps") else final
    neighbours = sys.modules.get("sklearn.neighbors")  # imported by loading a KNN model; else none is one
    return (
        neighbours is not None
        and type(final) is neighbours.KNeighborsClassifier
        and final.weights == "uniform"
    )


def score(predictions: pd.DataFrame, primary: str = "balanced_accuracy") -> dict[str, float]:
    """Every classification metric of the table (metrics.py) that the predictions allow: the label
    metrics always, roc_auc and log_loss with two classes; the `primary` one is required."""
    actual, predicted = as_codes(predictions["actual"], predictions["predicted"])
    labels = [metric for metric in metrics.CLASSIFICATION if not metric.needs_probabilities]
    scores = {metric.name: metric.compute(actual, predicted) for metric in labels}
    if "probability" in predictions and predictions["actual"].nunique() == 2:
        positive = (predictions["actual"] == predictions["positive"].iloc[0]).to_numpy(dtype=int)
        for metric in metrics.CLASSIFICATION:
            if metric.needs_probabilities:
                scores[metric.name] = metric.compute(positive, predictions["probability"].to_numpy())
    if primary not in scores:
        raise StepError(
            f"[evaluate] metric = {primary!r} scores the probability of one of two classes, and the test "
            f"rows have {predictions['actual'].nunique()} classes: pick one of "
            f"{', '.join(metric.name for metric in labels)}"
        )
    return rounded(scores)


def as_codes(actual: pd.Series, predicted: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Both as integer codes of one set of classes: the metrics then count classes by hashing,
    where on text they would sort every row's label (seconds on a million rows)."""
    codes, _ = pd.factorize(pd.concat([actual, predicted], ignore_index=True))
    return codes[: len(actual)], codes[len(actual) :]


def accuracy_of(counts: np.ndarray) -> float:
    """accuracy from a confusion matrix (rows: actual class, columns: predicted)."""
    return np.diag(counts).sum() / counts.sum()


def balanced_accuracy_of(counts: np.ndarray) -> float:
    """balanced_accuracy from a confusion matrix: the recall of each actual class, averaged."""
    actual = counts.sum(axis=1)
    return np.mean(np.diag(counts)[actual > 0] / actual[actual > 0])


def f1_macro_of(counts: np.ndarray) -> float:
    """f1_macro from a confusion matrix: F1 of each class actual or predicted, averaged."""
    seen = counts.sum(axis=1) + counts.sum(axis=0)
    return np.mean(2 * np.diag(counts)[seen > 0] / seen[seen > 0])


# The label metrics a resample gets from its confusion counts: the numbers scikit-learn's functions
# (metrics.py) give, at a hundredth of the cost (tests/test_table_metrics.py compares them). A metric
# missing here is computed by its own function.
FROM_COUNTS: dict[str, Callable[[np.ndarray], float]] = {
    "accuracy": accuracy_of,
    "balanced_accuracy": balanced_accuracy_of,
    "f1_macro": f1_macro_of,
}


def resampler(predictions: pd.DataFrame, primary: str) -> Callable[[np.ndarray], Scores | None]:
    """`score` of the predictions at the positions given (one bootstrap resample): the same metrics,
    the label ones from one count of (actual, predicted) pairs; None when the `primary` metric needs
    two classes and the resample drew one."""
    actual, predicted = as_codes(predictions["actual"], predictions["predicted"])
    classes = int(max(actual.max(), predicted.max())) + 1
    labels = [metric for metric in metrics.CLASSIFICATION if not metric.needs_probabilities]
    has_probability = "probability" in predictions
    if has_probability:
        probability = predictions["probability"].to_numpy()
        positive = (predictions["actual"] == predictions["positive"].iloc[0]).to_numpy(dtype=int)

    def of_rows(rows: np.ndarray) -> Scores | None:
        pairs = np.bincount(actual[rows] * classes + predicted[rows], minlength=classes * classes)
        counts = pairs.reshape(classes, classes)
        scores = {
            metric.name: FROM_COUNTS[metric.name](counts)
            if metric.name in FROM_COUNTS
            else metric.compute(actual[rows], predicted[rows])
            for metric in labels
        }
        if has_probability and np.count_nonzero(counts.sum(axis=1)) == 2:
            for metric in metrics.CLASSIFICATION:
                if metric.needs_probabilities:
                    scores[metric.name] = metric.compute(positive[rows], probability[rows])
        return rounded(scores) if primary in scores else None

    return of_rows


def evaluate(
    model: Any, train: pd.DataFrame | None, test: pd.DataFrame, settings: Mapping[str, Any]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The predictions for the test rows and their scores (the training rows are not needed)."""
    return tabular.evaluate(model, test, settings, "classification", score, predict, resampler)
