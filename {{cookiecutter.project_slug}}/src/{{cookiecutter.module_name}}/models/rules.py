"""A rule-based model: plain if/else rules the team can read and edit.

By default it learns one rule from the training rows: the single column, and
the threshold (numbers) or the categories (text), that best separates the
target. `invoke rules` prints the rule it learned, in the very format that
`[models.rules]` in config.toml takes, so to write rules by hand:

1. copy the printed `rules = [...]` and `default = ...` into `[models.rules]`;
2. edit them: each rule is `[condition, prediction]`, the condition a pandas
   expression over the columns (`"bill_length_mm > 43 and island == 'Dream'"`),
   and the first rule that matches a row gives its prediction;
3. run `invoke rules`: make re-trains and re-scores only this model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.metrics import balanced_accuracy_score, mean_squared_error
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from ..errors import StepError

Rule = tuple[str, Any]  # (pandas condition, prediction)


@dataclass(frozen=True)
class Candidate:
    """One column's best rule and how well it fits the training rows (higher is better)."""

    rules: list[Rule]
    default: Any
    fit: float


def quoted(column: str) -> str:
    """A column name as pandas expressions need it."""
    return column if column.isidentifier() else f"`{column}`"


def plain(value: Any) -> Any:
    """A NumPy scalar as the Python value TOML and printing understand."""
    return value.item() if isinstance(value, np.generic) else value


def typical(y: pd.Series, task: str) -> Any:
    """The single best guess for `y`: its most common value, or its mean."""
    if task == "classification":
        return plain(y.mode().iloc[0])
    return float(f"{y.mean():.4g}")  # four significant digits keep the rule readable


def fit_quality(y: pd.Series, predicted: pd.Series, task: str) -> float:
    if task == "classification":
        return balanced_accuracy_score(y, predicted)
    return -mean_squared_error(y, predicted)


def threshold_rule(x: pd.Series, y: pd.Series, task: str) -> Candidate | None:
    """Split a numeric column where a one-split decision tree (a stump) splits it."""
    stump = DecisionTreeClassifier if task == "classification" else DecisionTreeRegressor
    tree = stump(max_depth=1).fit(x.to_frame(), y).tree_
    if tree.node_count < 3:  # the column never separates the target
        return None
    cut = float(f"{tree.threshold[0]:.6g}")
    below = x <= cut
    low, high = typical(y[below], task), typical(y[~below], task)
    quality = fit_quality(y, pd.Series(np.where(below, low, high), index=y.index), task)
    return Candidate([(f"{quoted(x.name)} <= {cut}", low)], high, quality)


def category_rule(x: pd.Series, y: pd.Series, task: str) -> Candidate:
    """Predict each category's typical target value."""
    by_category = {plain(key): typical(group, task) for key, group in y.groupby(x, sort=True)}
    quality = fit_quality(y, x.map(by_category), task)
    rules = [(f"{quoted(x.name)} == {key!r}", value) for key, value in by_category.items()]
    return Candidate(rules, typical(y, task), quality)


def learn_rule(X: pd.DataFrame, y: pd.Series, task: str) -> Candidate:
    """The best one-column rule over all columns of X."""
    candidates = [
        threshold_rule(X[column], y, task)
        if pd.api.types.is_numeric_dtype(X[column]) and not pd.api.types.is_bool_dtype(X[column])
        else category_rule(X[column], y, task)
        for column in X.columns
    ]
    return max((c for c in candidates if c is not None), key=lambda c: c.fit)


def apply_rules(X: pd.DataFrame, rules: list[Rule], default: Any) -> np.ndarray:
    """The prediction of the first rule each row matches, or `default`."""
    predictions = pd.Series(default, index=X.index, dtype=object)
    unmatched = pd.Series(True, index=X.index)
    for condition, value in rules:
        try:
            matches = X.eval(condition, engine="python").astype(bool)
        except Exception as error:
            raise StepError(
                f"rule {condition!r} does not work on the data ({error}); "
                f"the columns are: {', '.join(map(str, X.columns))}"
            ) from None
        hit = matches & unmatched
        predictions[hit] = value
        unmatched &= ~matches
    return predictions.to_numpy()


def as_text(rules: list[Rule], default: Any) -> str:
    """The rules as if/else lines, then as config.toml lines to edit by hand."""
    lines = [
        f"{'if' if i == 0 else 'elif'} {condition}: {value!r}" for i, (condition, value) in enumerate(rules)
    ]
    lines.append(f"else: {default!r}")
    toml_rules = "".join(f"\n  [{toml_value(condition)}, {toml_value(value)}]," for condition, value in rules)
    lines += [
        "",
        "[models.rules] in config.toml, to edit by hand:",
        f"rules = [{toml_rules}\n]",
        f"default = {toml_value(default)}",
    ]
    return "\n".join(lines)


def toml_value(value: Any) -> str:
    """`value` as TOML: a JSON string or number is also a valid TOML one."""
    return json.dumps(value)


class RuleModel(BaseEstimator):
    """Predict with `rules` (learned from the training rows when None), first match wins."""

    task = "classification"

    def __init__(self, rules: list[Rule] | None = None, default: Any = None):
        self.rules = rules
        self.default = default

    def fit(self, X: pd.DataFrame, y: pd.Series) -> RuleModel:
        y = pd.Series(y, index=X.index)
        if self.rules is None:
            learned = learn_rule(X, y, self.task)
            self.rules_, self.default_ = learned.rules, learned.default
        else:
            self.rules_ = [tuple(rule) for rule in self.rules]
            self.default_ = typical(y, self.task) if self.default is None else self.default
            apply_rules(X.head(1), self.rules_, self.default_)  # fail now on a rule that cannot work
        if self.task == "classification":
            self.classes_ = np.unique(y)
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        predictions = pd.Series(apply_rules(X, self.rules_, self.default_)).infer_objects()
        return predictions.to_numpy() if self.task == "classification" else predictions.to_numpy(float)

    def describe(self) -> str:
        return as_text(self.rules_, self.default_)


class RuleClassifier(ClassifierMixin, RuleModel):
    task = "classification"


class RuleRegressor(RegressorMixin, RuleModel):
    task = "regression"


def build(task: str, seed: int, rules: list[Rule] | None = None, default: Any = None) -> RuleModel:
    """Learned rules by default; hand-written ones when `[models.rules]` sets `rules`."""
    model = RuleClassifier if task == "classification" else RuleRegressor
    return model(rules=rules, default=default)
