"""The held-out split, and the feature preparation every model that needs it shares."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from .cli import StepError, run
from .files import read_json, write_table


def select_features(frame: pd.DataFrame, drop_columns: list[str]) -> pd.DataFrame:
    """Remove the columns the models must not see (ids, leaks)."""
    missing = sorted(set(drop_columns) - set(frame.columns))
    if missing:
        raise StepError(f"[features] drop_columns names columns that do not exist: {', '.join(missing)}")
    return frame.drop(columns=drop_columns)


def split(
    frame: pd.DataFrame, target: str, task: str, test_size: float = 0.2, seed: int = 42
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A seeded train/test split, stratified by the target for classification."""
    stratify = frame[target] if task == "classification" else None
    if stratify is not None:
        counts = stratify.value_counts()
        rare = counts[counts < 2]
        if not rare.empty:
            raise StepError(
                f"target class {rare.index[0]!r} has only one row, too few to hold out; "
                "remove it from the data or merge it with another class"
            )
    try:
        return train_test_split(frame, test_size=test_size, random_state=seed, stratify=stratify)
    except ValueError as error:
        raise StepError(f"cannot split {len(frame)} rows with test_size={test_size}: {error}") from None


def preprocessor() -> ColumnTransformer:
    """Scale numeric columns and one-hot encode the rest; categories unseen in training are ignored."""
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
