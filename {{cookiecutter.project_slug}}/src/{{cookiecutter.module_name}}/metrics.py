"""The one table of metrics: each one's name, direction, whether it needs probabilities, its function.

Evaluation scores with it, the leaderboard ranks with it, `[evaluate] metric` picks the primary one
from it, and KNN's grid search scores with the scikit-learn scorer it names. Standard library only
at import (the functions import scikit-learn when called), so config.py, the API and the app can
read the table without loading scikit-learn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple


class Metric(NamedTuple):
    """One metric: how to compute it and how to read it."""

    name: str
    higher_is_better: bool
    needs_probabilities: bool
    meaning: str
    # scikit-learn's name of the same score for a grid search (higher is better there); "" if none
    scorer: str = ""
    # (actual, predicted or the positive class's probability) -> score; None: computed by the task
    compute: Callable[[Any, Any], float] | None = None


def _accuracy(actual: Any, predicted: Any) -> float:
    from sklearn.metrics import accuracy_score

    return accuracy_score(actual, predicted)


def _balanced_accuracy(actual: Any, predicted: Any) -> float:
    from sklearn.metrics import balanced_accuracy_score

    return balanced_accuracy_score(actual, predicted)


def _f1_macro(actual: Any, predicted: Any) -> float:
    from sklearn.metrics import f1_score

    return f1_score(actual, predicted, average="macro", zero_division=0)


def _roc_auc(actual: Any, probability: Any) -> float:
    from sklearn.metrics import roc_auc_score

    return roc_auc_score(actual, probability)


def _log_loss(actual: Any, probability: Any) -> float:
    from sklearn.metrics import log_loss

    return log_loss(actual, probability, labels=[0, 1])


def _mae(actual: Any, predicted: Any) -> float:
    from sklearn.metrics import mean_absolute_error

    return mean_absolute_error(actual, predicted)


def _rmse(actual: Any, predicted: Any) -> float:
    from sklearn.metrics import root_mean_squared_error

    return root_mean_squared_error(actual, predicted)


def _rmsle(actual: Any, predicted: Any) -> float:
    import numpy as np
    from sklearn.metrics import root_mean_squared_log_error

    # A prediction below 0 has no logarithm: it counts as 0, as competitions scored by RMSLE do.
    return root_mean_squared_log_error(actual, np.clip(predicted, 0, None))


def _r2(actual: Any, predicted: Any) -> float:
    from sklearn.metrics import r2_score

    return r2_score(actual, predicted)


CLASSIFICATION = (
    Metric(
        "balanced_accuracy",
        True,
        False,
        "share of each class predicted right, averaged over classes (0 to 1)",
        "balanced_accuracy",
        _balanced_accuracy,
    ),
    Metric("accuracy", True, False, "share of rows predicted right (0 to 1)", "accuracy", _accuracy),
    Metric("f1_macro", True, False, "F1 score averaged over classes (0 to 1)", "f1_macro", _f1_macro),
    # Two classes only: the probability of the second class (in sorted order) is scored.
    Metric(
        "roc_auc",
        True,
        True,
        "area under the ROC curve of the positive class's probability (0.5 random, 1 perfect)",
        "roc_auc",
        _roc_auc,
    ),
    Metric(
        "log_loss",
        False,
        True,
        "log loss of the positive class's probability (0 perfect)",
        "neg_log_loss",
        _log_loss,
    ),
)
REGRESSION = (
    Metric(
        "rmse",
        False,
        False,
        "root mean squared error, in {target} units",
        "neg_root_mean_squared_error",
        _rmse,
    ),
    Metric("mae", False, False, "mean absolute error, in {target} units", "neg_mean_absolute_error", _mae),
    Metric("r2", True, False, "share of the variance of {target} explained (1 perfect)", "r2", _r2),
    Metric(
        "rmsle",
        False,
        False,
        "root mean squared error of log(1 + {target})",
        "neg_root_mean_squared_log_error",
        _rmsle,
    ),
)
RECOMMENDATION = tuple(
    Metric(name, True, False, meaning)
    for name, meaning in (
        ("ndcg_at_k", "how high the held-out items rank in each user's top k (0 to 1)"),
        ("precision_at_k", "share of each user's top k that they had in the test set"),
        ("recall_at_k", "share of each user's held-out items found in their top k"),
        ("map_at_k", "mean average precision of each user's top k"),
        ("hit_rate_at_k", "share of users with at least one held-out item in their top k"),
    )
)
# task -> its metrics, the default primary metric first
BY_TASK = {"classification": CLASSIFICATION, "regression": REGRESSION, "recommendation": RECOMMENDATION}
METRICS = {metric.name: metric for family in BY_TASK.values() for metric in family}


def primary(task: str, chosen: str | None = None) -> Metric:
    """The metric that ranks the task's models: `[evaluate] metric` if set, else the task's default."""
    return METRICS[chosen] if chosen else BY_TASK[task][0]


def names(task: str) -> list[str]:
    """The metrics `[evaluate] metric` can pick for `task`."""
    return [metric.name for metric in BY_TASK[task]]


def higher_is_better(name: str, default: bool = True) -> bool:
    """The direction of the metric `name` (`default` for a metric the table does not know)."""
    return METRICS[name].higher_is_better if name in METRICS else default
