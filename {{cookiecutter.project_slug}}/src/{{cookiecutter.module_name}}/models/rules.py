"""A rule-based model: plain if/else rules the team can read and edit.

By default it learns one rule from the training rows: the single column, and the
threshold (numbers, dates) or the categories (text, true/false), that best predicts
the target on rows it did not learn from. `invoke rules` prints the rule it learned,
in the very format that `[models.rules]` in config.toml takes, so to write rules by hand:

1. copy the printed `rules = [...]` and `default = ...` into `[models.rules]`;
2. edit them: each rule is `[condition, prediction]`, the condition in the small language
   of conditions.py (`"bill_length_mm > 43 and island == 'Dream'"`), and the first rule
   that matches a row gives its prediction: a later rule never overrides it;
3. run `invoke rules`: make re-trains and re-scores only this model.

Learning stays quick on large data: above `max_learn_rows` training rows the rule is learned
from a seeded sample of them, as one threshold or a few categories are found as well from
50,000 rows as from a million. A rule must cover at least `min_rule_share` of the rows, so an
id column or free text cannot win by looking up single rows.
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.metrics import balanced_accuracy_score, mean_squared_error
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from ..errors import StepError
from .conditions import comparison, kind_of, select

Rule = tuple[str, Any]  # (condition, prediction)
CHECK_SHARE = 1 / 3  # of the learning rows, set aside to check that a candidate rule generalises
EXAMPLE = 'rules = [["bill_length_mm > 43", "Chinstrap"]]'


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
    tree = stump(max_depth=1, min_samples_leaf=min_rows).fit(as_number.to_frame(), y).tree_
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


def apply_rules(X: pd.DataFrame, rules: list[Rule], default: Any) -> np.ndarray:
    """The prediction of the first rule each row matches, or `default`."""
    predictions = np.full(len(X), default, dtype=object)
    unmatched = np.ones(len(X), dtype=bool)
    for condition, value in rules:
        hits = select(condition, X) & unmatched
        predictions[hits] = value
        unmatched &= ~hits
    return predictions


def checked_rules(rules: Any) -> list[Rule]:
    """Hand-written rules as (condition, prediction) pairs, or a StepError showing their form."""
    if not isinstance(rules, list) or not all(isinstance(r, (list, tuple)) and len(r) == 2 for r in rules):
        raise StepError(f"[models.rules] rules must be a list of [condition, prediction] pairs: {EXAMPLE}")
    return [(condition, prediction) for condition, prediction in rules]


def as_text(rules: list[Rule], default: Any, origin: str) -> str:
    """The rules as if/else lines and where they come from, then as config.toml lines to edit by hand."""
    lines = [
        f"{'if' if i == 0 else 'elif'} {condition}: {value!r}" for i, (condition, value) in enumerate(rules)
    ]
    lines.append(f"{'else' if rules else 'always'}: {default!r}")
    toml_rules = "".join(f"\n  [{toml_value(condition)}, {toml_value(value)}]," for condition, value in rules)
    lines += [
        origin,
        "",
        "[models.rules] in config.toml, to edit by hand:",
        f"rules = [{toml_rules}\n]",
        f"default = {toml_value(default)}",
    ]
    return "\n".join(lines)


def toml_value(value: Any) -> str:
    """`value` as TOML: a JSON string or number is also a valid TOML one."""
    return json.dumps(value)


def origin(learned_from: int, rows: int, has_rules: bool) -> str:
    """Where the rules come from, in a line: hand-written, or learned from how many rows."""
    if learned_from == 0:
        return "written by hand in [models.rules]"
    if learned_from < rows:
        source = f"learned from {learned_from} of {rows} rows, a seeded sample (see max_learn_rows)"
    else:
        source = f"learned from all {rows} rows"
    return source if has_rules else f"{source}: no one-column rule beat the typical value on held-out rows"


class RuleModel(BaseEstimator):
    """Predict with `rules` (learned from the training rows when None), first match wins."""

    task = "classification"

    def __init__(
        self,
        rules: list[Rule] | None = None,
        default: Any = None,
        max_learn_rows: int = 50_000,
        min_rule_share: float = 0.01,
        random_state: int = 0,
    ):
        self.rules = rules
        self.default = default
        self.max_learn_rows = max_learn_rows
        self.min_rule_share = min_rule_share
        self.random_state = random_state

    def fit(self, X: pd.DataFrame, y: pd.Series) -> RuleModel:
        y = pd.Series(y, index=X.index)
        self.n_rows_ = len(X)
        if self.rules is None:
            sample = learning_rows(len(X), self.max_learn_rows, self.random_state)
            learned = learn_rule(
                X.iloc[sample], y.iloc[sample], self.task, self.min_rule_share, self.random_state
            )
            self.rules_, self.default_ = learned.rules, learned.default
            self.n_learned_rows_ = len(sample)
        else:
            self.rules_ = checked_rules(self.rules)
            self.default_ = typical(y, self.task) if self.default is None else self.default
            self.n_learned_rows_ = 0
        apply_rules(X, self.rules_, self.default_)  # every rule runs on the training rows, or fails here
        if self.task == "classification":
            self.classes_ = np.sort(pd.unique(y.to_numpy()))
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        predictions = pd.Series(apply_rules(X, self.rules_, self.default_)).infer_objects()
        return predictions.to_numpy() if self.task == "classification" else predictions.to_numpy(float)

    def describe(self) -> str:
        source = origin(self.n_learned_rows_, self.n_rows_, bool(self.rules_))
        return as_text(self.rules_, self.default_, source)


def learning_rows(rows: int, cap: int, seed: int) -> np.ndarray:
    """The positions of the rows to learn from: all, or a seeded sample of `cap` when there are more."""
    if rows <= cap:
        return np.arange(rows)
    return np.sort(np.random.default_rng(seed).choice(rows, size=cap, replace=False))


class RuleClassifier(ClassifierMixin, RuleModel):
    task = "classification"


class RuleRegressor(RegressorMixin, RuleModel):
    task = "regression"


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def build(
    task: str,
    seed: int,
    rules: list[Rule] | None = None,
    default: Any = None,
    max_learn_rows: int = 50_000,
    min_rule_share: float = 0.01,
) -> RuleModel:
    """Learned rules by default; hand-written ones when `[models.rules]` sets `rules`."""
    if not is_number(max_learn_rows) or not isinstance(max_learn_rows, int) or max_learn_rows < 1:
        raise StepError(f"[models.rules] max_learn_rows must be a whole number above 0: {max_learn_rows!r}")
    if not is_number(min_rule_share) or not 0 <= min_rule_share < 1:
        raise StepError(f"[models.rules] min_rule_share must be from 0 to below 1: {min_rule_share!r}")
    model = RuleClassifier if task == "classification" else RuleRegressor
    return model(rules, default, max_learn_rows, min_rule_share, random_state=seed)
