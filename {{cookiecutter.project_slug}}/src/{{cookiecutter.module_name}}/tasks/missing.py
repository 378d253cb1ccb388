"""Missing values that would cost the table most of its rows: drop the columns to blame, or keep
a category's missing value as a value of its own.

Dropping every incomplete row is the least cleaning that can work, until one or two gappy
columns are missing in most rows: then it trains on a biased few. When it would remove more
than `[clean] max_removed_share` of the rows, cleanup first drops the columns that cost the
most rows (greedily: each time the one whose removal completes the most rows), and names each
column with the rows it saved. `[clean] missing_as_value` keeps a text column's missing value as
a category instead ("no fireplace" is often written as nothing), for the columns named or, with
`true`, for every text column.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ..errors import StepError
from .numbers import as_numbers

# The value a text column's missing entries take with `[clean] missing_as_value`.
MISSING = "(missing)"
# With fewer removed (or kept) rows, their target differs from the rest's by chance.
MIN_COMPARED = 20
# Once dropping rows costs too much, a column that alone costs at least this share of the rows is
# dropped too: one column against a tenth of the rows (a house table's lot frontage, 18% missing).
COSTLY_SHARE = 0.1


def is_text(column: pd.Series) -> bool:
    return bool(
        pd.api.types.is_object_dtype(column)
        or pd.api.types.is_string_dtype(column)
        or isinstance(column.dtype, pd.CategoricalDtype)
    )


def text_columns_asked(frame: pd.DataFrame, asked: bool | list[str], target: str) -> list[str]:
    """The columns `[clean] missing_as_value` names: all text columns but the target for `true`."""
    if asked is True:
        return [name for name in frame.columns if name != target and is_text(frame[name])]
    if asked is False:
        return []
    if not isinstance(asked, list) or not all(isinstance(name, str) for name in asked):
        raise StepError(
            '[clean] missing_as_value must be true, false or a list of column names ["FireplaceQu"]'
        )
    unknown = [name for name in asked if name not in frame.columns]
    if unknown:
        raise StepError(
            f"[clean] missing_as_value names {unknown[0]!r}, which is not a column; the columns are: "
            f"{', '.join(map(str, frame.columns))}"
        )
    numeric = [name for name in asked if not is_text(frame[name])]
    if numeric:
        raise StepError(
            f"[clean] missing_as_value names {numeric[0]!r}, a column of numbers: a missing number has no "
            "value to stand for; remove it from the list (cleanup drops its rows, or the column)"
        )
    return list(asked)


def keep_missing_as_value(frame: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, str]:
    """The text `columns` with their missing entries set to MISSING; a note of how many per column."""
    counts = {name: int(frame[name].isna().sum()) for name in columns}
    filled = {name: frame[name].astype(object).where(frame[name].notna(), MISSING) for name in columns}
    noted = ", ".join(f"{name}: {count}" for name, count in counts.items() if count)
    return frame.assign(**filled), f"missing values kept as {MISSING!r} ({noted})" if noted else ""


def costly_columns(missing: pd.DataFrame, max_removed: int) -> list[tuple[str, int]]:
    """The columns to drop, in order, each with the rows its removal completed: greedily the one that
    completes the most rows, while more than `max_removed` rows are incomplete or a column alone
    costs COSTLY_SHARE of the rows."""
    gaps = missing.to_numpy()
    names = list(missing.columns)
    remaining = np.ones(len(names), dtype=bool)
    dropped: list[tuple[str, int]] = []
    while remaining.sum() > 1:  # a table with gaps in every column keeps one to learn from
        per_row = gaps[:, remaining].sum(axis=1)
        incomplete = int((per_row > 0).sum())
        if not incomplete:
            break
        # rows whose only gap left is in column j: dropping j completes them
        completed = (gaps & (per_row == 1)[:, None]).sum(axis=0) * remaining
        best = int(completed.argmax())
        if incomplete <= max_removed and completed[best] < COSTLY_SHARE * len(gaps):
            break
        if not completed[best]:  # every incomplete row has two gaps or more: start with the gappiest
            best = int(np.where(remaining, gaps[per_row > 0].sum(axis=0), -1).argmax())
        remaining[best] = False
        after = int((gaps[:, remaining].sum(axis=1) > 0).sum())
        dropped.append((names[best], incomplete - after))
    return dropped


def drop_costly_columns(
    frame: pd.DataFrame, target: str, max_removed_share: float
) -> tuple[pd.DataFrame, str]:
    """Drop the columns (never the target) that cost the most rows when dropping incomplete rows would
    remove more than `max_removed_share` of them; note each with the rows it saved, and the text
    columns among them that `[clean] missing_as_value` could keep."""
    missing = frame.drop(columns=[target]).isna()
    if not missing.any(axis=1).sum() > max_removed_share * len(frame):
        return frame, ""
    dropped = costly_columns(missing, int(max_removed_share * len(frame)))
    if not dropped:
        return frame, ""
    saved = ", ".join(f"{name} saved {rows} rows" for name, rows in dropped)
    text = [name for name, _ in dropped if is_text(frame[name])]
    hint = (
        f"; if missing means none in {', '.join(text)}, keep it as a value: "
        f"[clean] missing_as_value = {json.dumps(text)}"
        if text
        else ""
    )
    return frame.drop(columns=[name for name, _ in dropped]), saved + hint


def number(value: float) -> str:
    """A target value as people read it: 180,921 or 0.4375."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def target_shift(kept: pd.Series, removed: pd.Series, task: str, margin: float) -> str:
    """How the target of the kept rows differs from the removed rows', when it does by more than `margin`
    (a class's share of rows; a mean or median, in standard deviations of the target); else ""."""
    if len(removed) < MIN_COMPARED or len(kept) < MIN_COMPARED:
        return ""
    if task == "classification":
        kept_shares = kept.value_counts(normalize=True)
        removed_shares = removed.value_counts(normalize=True)
        gaps = kept_shares.sub(removed_shares, fill_value=0).abs().sort_values(ascending=False)
        label = gaps.index[0]
        if gaps.iloc[0] <= margin:
            return ""
        return (
            f"class {label!r} is {kept_shares.get(label, 0):.0%} of the kept rows but "
            f"{removed_shares.get(label, 0):.0%} of the removed ones"
        )
    kept, removed = as_numbers(kept), as_numbers(removed)
    every = pd.concat([kept, removed])
    spread = float(every.std()) or 1.0
    for name, kept_value, removed_value in (
        ("mean", kept.mean(), removed.mean()),
        ("median", kept.median(), removed.median()),
    ):
        if abs(kept_value - removed_value) / spread > margin:
            return (
                f"the kept rows' {name} is {number(kept_value)} against {number(removed_value)} in the "
                f"removed rows (mean of all rows {number(every.mean())}, "
                f"kept {kept.mean() / every.mean() - 1:+.0%})"
            )
    return ""
