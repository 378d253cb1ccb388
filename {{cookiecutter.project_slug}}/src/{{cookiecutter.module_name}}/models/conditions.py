"""The conditions of the rules model, run on a frame's rows and written back as text.

The language and its parser are in condition_parser.py: a condition is parsed into a tree of
comparisons, which this module evaluates column by column (a comparison with a missing value never
matches, even under `not`), and a learned rule is written in the same language.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from ..errors import StepError
from .condition_parser import (
    COMPARE,
    NAME,
    WORDS,
    Both,
    Comparison,
    ConditionError,
    Either,
    Node,
    Not,
    Value,
    parse_tree,
)

# A rule: (condition, prediction).
Rule = tuple[str, Any]


def kind_of(series: pd.Series) -> str:
    """What values a column holds, as the language sees it: number, boolean, date or text."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return kind_of(pd.Series(dtype.categories))
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date"
    if pd.api.types.is_numeric_dtype(dtype):
        return "number"
    return "text"


def is_kind(value: Value, kind: str) -> bool:
    """Whether a value in a condition suits a column of this kind (dates are written as strings)."""
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    return isinstance(value, str)


KIND_EXAMPLES = {"number": "43.5", "boolean": "true", "date": "'2024-03-01'", "text": "'Dream'"}


def column_value(value: Value, series: pd.Series, text: str, column: str) -> Any:
    """`value` as the column's values are: a date column's strings become timestamps."""
    kind = kind_of(series)
    if not is_kind(value, kind):
        raise StepError(
            f"rule {text!r}: {quote(column)} holds {kind} values, so compare it with a {kind} "
            f"like {KIND_EXAMPLES[kind]}, not {literal(value)}"
        )
    if kind != "date":
        return value
    try:
        return pd.Timestamp(value)
    except (ValueError, OverflowError):
        raise StepError(f"rule {text!r}: {value!r} is not a date; write e.g. '2024-03-01'") from None


def compare(series: pd.Series, node: Comparison, text: str) -> pd.arrays.BooleanArray:
    """Where `node` holds on `series`: True, False, or missing (unknown) where the value is missing."""
    present = series.notna().to_numpy()
    values = series if present.all() else series[present]
    try:
        if node.operator in ("in", "not in"):
            wanted = [column_value(value, series, text, node.column) for value in node.value]
            hits = values.isin(wanted)
            hits = ~hits if node.operator == "not in" else hits
        else:
            hits = COMPARE[node.operator](values, column_value(node.value, series, text, node.column))
    except TypeError as error:
        raise StepError(f"rule {text!r}: cannot compare {quote(node.column)} that way ({error})") from None
    result = np.zeros(len(series), dtype=bool)
    result[present] = np.asarray(hits, dtype=bool)
    return pd.arrays.BooleanArray(result, ~present)


def evaluate(node: Node, frame: pd.DataFrame, text: str) -> pd.arrays.BooleanArray:
    """`node` on every row of `frame` at once, with the three-valued logic of SQL for missing values."""
    if isinstance(node, Not):
        return ~evaluate(node.operand, frame, text)
    if isinstance(node, Both):
        return evaluate(node.left, frame, text) & evaluate(node.right, frame, text)
    if isinstance(node, Either):
        return evaluate(node.left, frame, text) | evaluate(node.right, frame, text)
    if node.column not in frame.columns:
        columns = ", ".join(quote(str(column)) for column in frame.columns)
        raise StepError(f"rule {text!r}: there is no column {quote(node.column)}; the columns are: {columns}")
    return compare(frame[node.column], node, text)


def parse(text: str) -> Node:
    """The tree of condition `text`; anything outside the language is a StepError naming its first part."""
    try:
        return parse_tree(text)
    except ConditionError as error:
        raise StepError(str(error)) from None


def select(text: str, frame: pd.DataFrame) -> np.ndarray:
    """Which rows of `frame` condition `text` matches, as a boolean array; an unknown result never matches."""
    return evaluate(parse(text), frame, text).to_numpy(dtype=bool, na_value=False)


def quote(column: str) -> str:
    """`column` as a condition names it: bare when it reads as a name, else in backticks."""
    if NAME.fullmatch(column) and column not in WORDS:
        return column
    return "`" + column.replace("`", "``") + "`"


def literal(value: Any) -> str:
    """`value` as a condition writes it, so that it reads back as the same value."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"a condition cannot hold {value}")
        return repr(value)
    if isinstance(value, (datetime, date)):
        return repr(date_text(pd.Timestamp(value)))
    return repr(str(value))


def date_text(moment: pd.Timestamp) -> str:
    """A timestamp as ISO text, just the date when it is midnight without a time zone."""
    if moment.tz is None and moment == moment.normalize():
        return moment.date().isoformat()
    return moment.isoformat()


def comparison(column: str, operator_: str, value: Any) -> str:
    """The condition `column operator value`, quoted as needed."""
    return f"{quote(column)} {operator_} {literal(value)}"


def apply_rules(X: pd.DataFrame, rules: list[Rule], default: Any) -> np.ndarray:
    """The prediction of the first rule each row matches, or `default`."""
    predictions = np.full(len(X), default, dtype=object)
    unmatched = np.ones(len(X), dtype=bool)
    for condition, value in rules:
        hits = select(condition, X) & unmatched
        predictions[hits] = value
        unmatched &= ~hits
    return predictions
