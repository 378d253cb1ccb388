"""Hold out test rows: every model is scored on the same rows, which none was trained on.

What "held out" means is the task's (stratified by class for classification); this
step removes the columns the models must not see, splits, and writes both halves.

Columns that cannot generalise (an id unique per row, long free text) are left out
of the features here rather than dropped in cleanup: rows told apart by an id are
distinct records, so cleanup's duplicate removal must still see it, and the cleaned
table keeps it for looking rows up. Which columns the models see is a [features]
choice: `keep_columns` keeps one, and changing it re-splits without re-cleaning.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from . import tasks
from .cli import run
from .errors import StepError
from .files import read_json, write_json, write_table

# Text whose typical value is longer than this many characters is free text, not a category.
LONG_TEXT = 50
# With fewer rows, distinct values in every row may be chance rather than an id.
MIN_ROWS_FOR_IDS = 20


def unusable_reason(column: pd.Series) -> str | None:
    """Why `column` cannot be a feature ("unique per row", "long free text"), or None if it can."""
    present = column.dropna()
    if present.empty or pd.api.types.is_float_dtype(column) or pd.api.types.is_bool_dtype(column):
        return None
    text = pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)
    if text and present.astype(str).str.len().median() > LONG_TEXT:
        return "long free text"
    if len(column) < MIN_ROWS_FOR_IDS or present.nunique() < len(column):
        return None
    # Distinct integers are ids when they run in row order; otherwise they may be measurements.
    in_row_order = column.is_monotonic_increasing or column.is_monotonic_decreasing
    return "unique per row" if text or (pd.api.types.is_integer_dtype(column) and in_row_order) else None


def unusable_columns(frame: pd.DataFrame, target: str, keep_columns: list[str]) -> dict[str, str]:
    """The columns (never the target or a kept one) the models cannot learn from, with why."""
    candidates = [name for name in frame.columns if name not in {target, *keep_columns}]
    reasons = {name: unusable_reason(frame[name]) for name in candidates}
    return {name: reason for name, reason in reasons.items() if reason}


def check_named(frame: pd.DataFrame, columns: list[str], setting: str) -> None:
    missing = sorted(set(columns) - set(frame.columns))
    if missing:
        raise StepError(f"[features] {setting} names columns that do not exist: {', '.join(missing)}")


def select_features(
    frame: pd.DataFrame, target: str, drop_columns: list[str], keep_columns: list[str]
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Remove the columns the models must not see: those named in drop_columns, and (unless kept)
    those that cannot generalise; return the rest and the reason for each column removed."""
    check_named(frame, drop_columns, "drop_columns")
    check_named(frame, keep_columns, "keep_columns")
    removed = {name: "[features] drop_columns" for name in drop_columns}
    removed |= unusable_columns(frame.drop(columns=drop_columns), target, keep_columns)
    features = frame.drop(columns=list(removed))
    if list(features.columns) == [target]:
        reasons = ", ".join(f"{name}: {reason}" for name, reason in removed.items())
        raise StepError(
            f"no column is left to predict {target!r} from ({reasons}): "
            "name the ones to use in [features] keep_columns, or shorten drop_columns"
        )
    return features, removed


def check_both_sides(train: pd.DataFrame, test: pd.DataFrame, test_size: float) -> None:
    if test.empty or train.empty:
        raise StepError(
            f"[features] test_size = {test_size} holds out {len(test)} of {len(train) + len(test)} rows; "
            "use a share between 0 and 1 that leaves rows on both sides, e.g. 0.2"
        )


def features_record(features: pd.DataFrame, removed: dict[str, str], target: str) -> dict[str, Any]:
    """Which columns the models see, and which were left out and why, for the report."""
    return {"features": [name for name in features.columns if name != target], "removed": removed}


def main(settings: Path, clean: Path, train: Path, test: Path, features: Path) -> None:
    """Split the rows in CLEAN into TRAIN and TEST (Parquet); FEATURES (JSON) names the columns used."""
    values = read_json(settings)
    # An interaction log has no target and no features to select: its columns are named in [data].
    target = values.get("target")
    frame, removed = pd.read_parquet(clean), {}
    if target is not None:
        frame, removed = select_features(frame, target, values["drop_columns"], values["keep_columns"])
    if removed:
        left_out = ", ".join(f"{name} ({reason})" for name, reason in removed.items())
        print(f"split: not used as features: {left_out}; [features] keep_columns keeps one")
    train_rows, test_rows = tasks.load(values["task"]).split(frame, values)
    check_both_sides(train_rows, test_rows, values["test_size"])
    write_json(features_record(frame, removed, target), features)
    write_table(train_rows, train)
    write_table(test_rows, test)
    print(f"split: {len(train_rows)} train rows, {len(test_rows)} test rows (seed {values['seed']})")


if __name__ == "__main__":
    run(main)
