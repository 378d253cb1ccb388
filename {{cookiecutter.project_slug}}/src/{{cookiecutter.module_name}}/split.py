"""Hold out test rows: every model is scored on the same rows, which none was trained on.

What "held out" means is the task's (stratified by class for classification); this
step removes the columns the models must not see, splits, and writes both halves.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import tasks
from .cli import run
from .errors import StepError
from .files import read_json, write_table


def select_features(frame: pd.DataFrame, drop_columns: list[str]) -> pd.DataFrame:
    """Remove the columns the models must not see (ids, leaks)."""
    missing = sorted(set(drop_columns) - set(frame.columns))
    if missing:
        raise StepError(f"[features] drop_columns names columns that do not exist: {', '.join(missing)}")
    return frame.drop(columns=drop_columns)


def check_both_sides(train: pd.DataFrame, test: pd.DataFrame, test_size: float) -> None:
    if test.empty or train.empty:
        raise StepError(
            f"[features] test_size = {test_size} holds out {len(test)} of {len(train) + len(test)} rows; "
            "use a share between 0 and 1 that leaves rows on both sides, e.g. 0.2"
        )


def main(settings: Path, clean: Path, train: Path, test: Path) -> None:
    """Split the cleaned rows in CLEAN into TRAIN and TEST (Parquet)."""
    values = read_json(settings)
    frame = select_features(pd.read_parquet(clean), values.get("drop_columns", []))
    train_rows, test_rows = tasks.load(values["task"]).split(frame, values)
    check_both_sides(train_rows, test_rows, values["test_size"])
    write_table(train_rows, train)
    write_table(test_rows, test)
    print(f"split: {len(train_rows)} train rows, {len(test_rows)} test rows (seed {values['seed']})")


if __name__ == "__main__":
    run(main)
