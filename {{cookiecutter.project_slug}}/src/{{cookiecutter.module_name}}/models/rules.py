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
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from ..errors import StepError
from .conditions import Rule, apply_rules
from .rule_learning import learn_rule, learning_rows, typical

EXAMPLE = 'rules = [["bill_length_mm > 43", "Chinstrap"]]'


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
