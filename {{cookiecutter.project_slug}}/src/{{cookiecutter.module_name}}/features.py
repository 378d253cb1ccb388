"""The held-out split, and the feature preparation every model that needs it shares."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .cli import run
from .errors import StepError
from .files import read_json, write_table

if TYPE_CHECKING:
    from sklearn.compose import ColumnTransformer


def select_features(frame: pd.DataFrame, drop_columns: list[str]) -> pd.DataFrame:
    """Remove the columns the models must not see (ids, leaks)."""
    missing = sorted(set(drop_columns) - set(frame.columns))
    if missing:
        raise StepError(f"[features] drop_columns names columns that do not exist: {', '.join(missing)}")
    return frame.drop(columns=drop_columns)


def split(
    frame: pd.DataFrame, target: str, task: str, test_size: float = 0.2, seed: int = 42
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A seeded train/test split, stratified by the target for classification.

    Stratified means each class is held out in the same share, so a rare class is in both halves.
    """
    if task == "classification":
        counts = frame[target].value_counts()
        rare = counts[counts < 2]
        if not rare.empty:
            raise StepError(
                f"target class {rare.index[0]!r} has only one row, too few to hold out; "
                "remove it from the data or merge it with another class"
            )
        test = frame.groupby(target, group_keys=False).sample(frac=test_size, random_state=seed)
    else:
        test = frame.sample(frac=test_size, random_state=seed)
    if test.empty or len(test) == len(frame):
        raise StepError(
            f"[features] test_size = {test_size} holds out {len(test)} of {len(frame)} rows; "
            "use a share between 0 and 1 that leaves rows on both sides, e.g. 0.2"
        )
    return frame.drop(index=test.index), test


def preprocessor() -> ColumnTransformer:
    """Scale numeric columns and one-hot encode the rest; categories unseen in training are ignored."""
    # Imported here: the split step does not need scikit-learn, which takes a second to import.
    from sklearn.compose import ColumnTransformer, make_column_selector
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    return ColumnTransformer(
        [
            ("numeric", StandardScaler(), make_column_selector(dtype_include="number")),
            (
                "categorical",
                OneHotEncoder(handle_unknown="ignore"),
                make_column_selector(dtype_exclude="number"),
            ),
        ]
    )


def main(settings: Path, clean: Path, train: Path, test: Path) -> None:
    """Split the cleaned rows in CLEAN into TRAIN and TEST (Parquet)."""
    values = read_json(settings)
    frame = select_features(pd.read_parquet(clean), values.get("drop_columns", []))
    train_rows, test_rows = split(
        frame, values["target"], values["task"], values.get("test_size", 0.2), values["seed"]
    )
    write_table(train_rows, train)
    write_table(test_rows, test)
    how = "stratified by " + values["target"] if values["task"] == "classification" else "random"
    print(
        f"features: {len(train_rows)} train rows, {len(test_rows)} test rows ({how}, seed {values['seed']})"
    )


if __name__ == "__main__":
    run(main)
