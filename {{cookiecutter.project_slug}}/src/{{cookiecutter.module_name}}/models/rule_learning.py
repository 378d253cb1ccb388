"""How the rules model learns its rule: the one column, and its threshold or categories, that best
predicts the target on rows it did not learn from, learned from a seeded sample above
`max_learn_rows`; a rule covers at least `min_rule_share` of the rows (see rules.py).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import balanced_accuracy_score, mean_squared_error
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from .conditions import Rule, apply_rules, comparison, kind_of

CHECK_SHARE = 1 / 3  # of the learning rows, set aside to check that a candidate rule generalises


@dataclass(frozen=True)
class Candidate:
    """Rules over one column and the prediction for rows they do not match."""

    rules: list[Rule]
    default: Any


def plain(value: Any) -> Any:
    """A NumPy scalar as the Python value TOML and printing understand."""
    return value.item() if isinstance(value, np.generic) else value


def typical(y: pd.Series, task: str) -> Any:
    """The single best guess for `y`: its most common value, or its mean."""
    if task == "classification":
        return plain(y.mode().iloc[0])
    return float(f"{y.mean():.4g}")  # four significant digits keep the rule readable


def fit_quality(y: pd.Series, predicted: np.ndarray, task: str) -> float:
    """How well `predicted` fits `y` (higher is better)."""
    if task == "classification":
        # The labels as integer codes: the same score, but scikit-learn no longer sorts text labels on
        # every call (half of the rules' training time on a million rows).
        labels = np.concatenate([y.to_numpy(dtype=object), np.asarray(predicted, dtype=object)])
        codes, _ = pd.factorize(labels)
        with warnings.catch_warnings():  # a few held-out rows may lack a class the rule predicts: fine
            warnings.simplefilter("ignore", UserWarning)
            return balanced_accuracy_score(codes[: len(y)], codes[len(y) :])
    return -mean_squared_error(y, predicted.astype(float))


def readable_cut(low: Any, high: Any) -> Any:
    """The roundest value from `low` up to (not including) `high`: it splits the rows as the tree did."""
    if isinstance(low, pd.Timestamp):
        day = low.ceil("D") if low.tz is None else low  # a whole date reads best; time zones keep the value
        return day if day < high else low
    middle = (low + high) / 2
    for digits in range(1, 18):
        # near the middle reads as a cut between the two sides; the lower bound rounded up may be rounder
        for cut in (float(f"{middle:.{digits}g}"), rounded_up(low, digits)):
            if low <= cut < high:
                return int(cut) if cut.is_integer() else cut
    return plain(low)


def rounded_up(value: Any, digits: int) -> float:
    """`value` rounded up to `digits` significant digits: 5 -> 5, 1.2 -> 2, -0.96 -> -0.9 (one digit)."""
    cut = float(f"{value:.{digits}g}")
    if cut < value:  # rounded down: add one unit of the last digit kept
        step = 10.0 ** (math.floor(math.log10(abs(value))) - digits + 1)
        cut = float(f"{cut + step:.{digits}g}")
    return cut


def threshold_rule(x: pd.Series, y: pd.Series, task: str, min_rows: int) -> Candidate | None:
    """`x <= cut` where a one-split decision tree (a stump) splits a number or date column.

    Each side keeps at least `min_rows` rows; missing values fall to the default.
    """
    known = x.notna()
    x, y = x[known], y[known]
    # Dates become seconds from the earliest one: the tree needs numbers.
    as_number = (x - x.min()) / pd.Timedelta(seconds=1) if kind_of(x) == "date" else x.astype(float)
    stump = DecisionTreeClassifier if task == "classification" else DecisionTreeRegressor
    # Classes as integer codes in sorted order, as the tree numbers them itself: the same split, but
    # scikit-learn no longer sorts the text labels on each of its checks (three quarters of the fit).
    target = pd.factorize(y, sort=True)[0] if task == "classification" else y
    tree = stump(max_depth=1, min_samples_leaf=min_rows).fit(as_number.to_frame(), target).tree_
    if tree.node_count < 3:  # the column never separates the target
        return None
    below = as_number.to_numpy(np.float32) <= tree.threshold[0]  # as the tree compares: in float32
    cut = readable_cut(x[below].max(), x[~below].min())
    low, high = typical(y[below], task), typical(y[~below], task)
    return Candidate([(comparison(str(x.name), "<=", cut), low)], high)


def category_rule(x: pd.Series, y: pd.Series, task: str, min_rows: int) -> Candidate | None:
    """Each category's typical target value, one rule per prediction.

    Categories with fewer than `min_rows` rows, and those whose prediction is the default,
    get no rule: they fall to the default.
    """
    default = typical(y, task)
    counts = x.value_counts()
    common = x.isin(counts.index[counts >= min_rows])
    by_prediction: dict[Any, list[Any]] = {}
    for category, rows in y[common].groupby(x[common], sort=True, observed=True):
        prediction = typical(rows, task)
        if prediction != default:
            by_prediction.setdefault(prediction, []).append(plain(category))
    rules = [(one_of(str(x.name), values), p) for p, values in by_prediction.items()]
    return Candidate(rules, default) if rules else None


def one_of(column: str, values: list[Any]) -> str:
    """`column == value` for one value, `column in [...]` for several."""
    return comparison(column, "==", values[0]) if len(values) == 1 else comparison(column, "in", values)


def column_rules(X: pd.DataFrame, y: pd.Series, task: str, min_share: float) -> dict[str, Candidate]:
    """The best rule over each column of X that has one."""
    min_rows = max(1, math.ceil(min_share * len(X)))
    found = {}
    for column in X.columns:
        ordered = kind_of(X[column]) in ("number", "date")
        candidate = (threshold_rule if ordered else category_rule)(X[column], y, task, min_rows)
        if candidate is not None:
            found[column] = candidate
    return found


def quality(candidate: Candidate, X: pd.DataFrame, y: pd.Series, task: str) -> float:
    """How well the candidate's rules, run as written, predict the rows of X."""
    return fit_quality(y, apply_rules(X, candidate.rules, candidate.default), task)


def learn_rule(X: pd.DataFrame, y: pd.Series, task: str, min_share: float, seed: int) -> Candidate:
    """The one-column rule that best predicts held-out rows, learned again on every row.

    A column whose rule predicts the held-out rows no better than the most typical
    value does not generalise; when no column does, the model predicts that value.
    """
    check = np.zeros(len(X), dtype=bool)
    check[np.random.default_rng(seed).permutation(len(X))[: int(len(X) * CHECK_SHARE)]] = True
    learn = ~check
    if not check.any():  # too few rows to hold some out: check on those learned from
        check = learn
    learned = column_rules(X.iloc[learn], y.iloc[learn], task, min_share)
    held_out = X.iloc[check], y.iloc[check]
    floor = quality(Candidate([], typical(y.iloc[learn], task)), *held_out, task)
    scores = {column: quality(candidate, *held_out, task) for column, candidate in learned.items()}
    best = max(scores, key=scores.__getitem__, default=None)
    constant = Candidate([], typical(y, task))
    if best is None or scores[best] <= floor:
        return constant
    return column_rules(X[[best]], y, task, min_share).get(best, constant)


def learning_rows(rows: int, cap: int, seed: int) -> np.ndarray:
    """The positions of the rows to learn from: all, or a seeded sample of `cap` when there are more."""
    if rows <= cap:
        return np.arange(rows)
    return np.sort(np.random.default_rng(seed).choice(rows, size=cap, replace=False))
