"""One user's history beside each model's top k: `invoke recommend --user ID` (`make recommend FOR_USER=ID`).

Reads what the pipeline built: the training interactions (a user's history is what the models
learned from, so nothing held out is shown as known) and the saved models. With an item table
(`[data] items`), every item is shown with its details (title, genre, ...). Beside each pick,
"because": the user's items that added most to its score (item-KNN, ALS), by title when the item
table has a title or name column, or the model's reason in words ("popular in Comedy over all time").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import joblib
import pandas as pd

from .cli import run
from .errors import StepError
from .files import read_json
from .item_table import REASONS, item_names, read_items
from .sources.local import read_files
from .tasks.interaction_columns import columns_of

HISTORY_SHOWN = 15  # the user's latest interactions printed; the count says how many there are


def find_user(train: pd.DataFrame, column: str, user: str) -> Any:
    """The id in the data that `user` (as typed) names; an unknown one is a StepError with examples."""
    ids = pd.Series(train[column].unique())
    matches = ids[ids.astype(str) == user]
    if matches.empty:
        busiest = train[column].value_counts().index[:3]
        raise StepError(
            f"no user {user!r} in the training interactions ([data] {column}); "
            f"try one of {', '.join(map(str, busiest))} "
            f"(every user: the {column} column of data/processed/train.parquet)"
        )
    return matches.iloc[0]


def with_details(frame: pd.DataFrame, items: pd.DataFrame | None, item: str) -> pd.DataFrame:
    """`frame` with the item table's columns beside its item column, when there is an item table."""
    if items is None or item not in items.columns:
        return frame
    return frame.merge(items.drop_duplicates(item), on=item, how="left")


def with_reasons(found: pd.DataFrame, names: dict[Any, Any]) -> pd.DataFrame:
    """`found` (recommendations with reasons) with one `because` cell per pick, as people read it: the
    model's reason in words (popularity's), else the user's items behind the pick, by name where known."""
    shown = [
        reason or "; ".join(str(names.get(item, item)) for item in because)
        for because, reason in zip(found["because"], found["reason"], strict=True)
    ]
    return found.drop(columns=["reason"]).assign(because=shown)


def history(train: pd.DataFrame, user: Any, settings: dict, items: pd.DataFrame | None) -> pd.DataFrame:
    """The user's training interactions, latest first when there is a time column."""
    columns = columns_of(settings)
    had = train[train[columns.user] == user].drop(columns=[columns.user])
    if columns.time:
        had = had.sort_values(columns.time, ascending=False)
    return with_details(had, items, columns.item)


def main(settings: Path, train: Path, user: str, k: int, models: list[Path]) -> None:
    """Print USER's training history and each of MODELS' top K (0: [evaluate] k) for them."""
    values = read_json(settings)
    columns, k = columns_of(values), k or values["k"]
    rows = pd.read_parquet(train)
    found = find_user(rows, columns.user, user)
    items = read_items(values, read_files)
    had = history(rows, found, values, items)
    shown = had.head(HISTORY_SHOWN)
    print(f"{columns.user} {found}: {len(had)} {columns.item}s in training; the latest {len(shown)}:")
    print(shown.to_string(index=False))
    for path in models:
        if not path.is_file():
            raise StepError(f"{path} is not built: run `invoke all` (or `make`) first")
        top = joblib.load(path).recommend([found], k, reasons=REASONS).drop(columns=["user"])
        top = with_reasons(top, item_names(items, columns.item))
        top = with_details(top.rename(columns={"item": columns.item}), items, columns.item)
        print(f"\n{path.stem}: top {k}")
        print(top.to_string(index=False))


if __name__ == "__main__":
    run(main)
