"""Hold out test rows: every model is scored on the same rows, which none was trained on.

What "held out" means is the task's (stratified by class for classification, per user for
recommendations), and so is which columns the models may see (a table leaves out ids and free
text, see tasks/tabular.py); this step splits, checks both halves have rows, and writes them
with the record of the columns used.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import tasks
from .cli import run
from .errors import StepError
from .files import read_json, write_json, write_table


def check_both_sides(train: pd.DataFrame, test: pd.DataFrame, test_size: float) -> None:
    if test.empty or train.empty:
        raise StepError(
            f"[features] test_size = {test_size} holds out {len(test)} of {len(train) + len(test)} rows; "
            "use a share between 0 and 1 that leaves rows on both sides, e.g. 0.2"
        )


def main(settings: Path, clean: Path, train: Path, test: Path, features: Path) -> None:
    """Split the rows in CLEAN into TRAIN and TEST (Parquet); FEATURES (JSON) names the columns used."""
    values = read_json(settings)
    train_rows, test_rows, used = tasks.load(values["task"]).split(pd.read_parquet(clean), values)
    if used["removed"]:
        left_out = ", ".join(f"{name} ({reason})" for name, reason in used["removed"].items())
        print(f"split: not used as features: {left_out}; [features] keep_columns keeps one")
    check_both_sides(train_rows, test_rows, values["test_size"])
    write_json(used, features)
    write_table(train_rows, train)
    write_table(test_rows, test)
    print(f"split: {len(train_rows)} train rows, {len(test_rows)} test rows (seed {values['seed']})")


if __name__ == "__main__":
    run(main)
