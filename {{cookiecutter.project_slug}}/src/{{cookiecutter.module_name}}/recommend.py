"""One user's history beside each model's top k: `invoke recommend --user ID` (`make recommend FOR_USER=ID`).

Reads what the pipeline built: the training interactions (a user's history is what the models
learned from, so nothing held out is shown as known) and the saved models. With an item table
(`[data] items`), every item is shown with its details (title, genre, ...). Beside each pick,
"because": the user's items that added most to its score (item-KNN, ALS), by title when the item
table has a title or name column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import joblib
import pandas as pd

from .cli import run
from .errors import StepError
from .files import read_json
from .models.attributes import each_value, separator_of
from .tasks.recommendation import columns_of, read_items

HISTORY_SHOWN = 15  # the user's latest interactions printed; the count says how many there are
REASONS = 3  # "because": the user's items shown behind each pick
NAME_COLUMNS = ("title", "name")  # an item table's column that names items better than their ids


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


def item_names(items: pd.DataFrame | None, item: str) -> dict[Any, Any]:
    """Each item's title (or name) from the item table, when it has one; else nothing (ids stand)."""
    named = [column for column in NAME_COLUMNS if items is not None and column in items.columns]
    if not named or item not in items.columns:
        return {}
    return items.drop_duplicates(item).set_index(item)[named[0]].dropna().to_dict()


def reasons_shown(because: list[Any], names: dict[Any, Any]) -> str:
    """The items behind a pick, by name where known, as one cell."""
    return "; ".join(str(names.get(item, item)) for item in because)


def history(train: pd.DataFrame, user: Any, settings: dict, items: pd.DataFrame | None) -> pd.DataFrame:
    """The user's training interactions, latest first when there is a time column."""
    columns = columns_of(settings)
    had = train[train[columns.user] == user].drop(columns=[columns.user])
    if columns.time:
        had = had.sort_values(columns.time, ascending=False)
    return with_details(had, items, columns.item)


# The demo's (app.py) filters and re-ranking of each model's list, here to be tested without Streamlit.


def separators(items: pd.DataFrame, item: str, configured: str | None) -> dict[str, str | None]:
    """Each column's separator of values ("Adventure|Animation"), None for a single-valued one."""
    return {column: separator_of(items[column], configured) for column in items.columns if column != item}


def passes(candidates: pd.DataFrame, filters: dict[str, Any], split: dict[str, str | None]) -> pd.Series:
    """Which candidates match every filter (an empty selection matches all; a multi-valued item matches
    when any of its values is chosen)."""
    keep = pd.Series(True, index=candidates.index)
    for column, wanted in filters.items():
        if isinstance(wanted, tuple):
            keep &= candidates[column].between(*wanted)
        elif wanted:
            matching = each_value(candidates[column], split.get(column)).isin(wanted)
            keep &= matching.groupby(level=0).any().reindex(candidates.index, fill_value=False)
    return keep


def rerank(candidates: pd.DataFrame, novelty: pd.Series, adventurousness: float) -> pd.DataFrame:
    """Candidates by (1 - a) x their score scaled to 0..1 + a x their novelty (1 - popularity percentile)."""
    scores = candidates["score"]
    spread = scores.max() - scores.min()
    scaled = (scores - scores.min()) / spread if spread > 0 else scores * 0.0
    blended = (1 - adventurousness) * scaled + adventurousness * candidates["item"].map(novelty).fillna(1.0)
    return candidates.assign(score=blended).sort_values("score", ascending=False, kind="stable")


def main(settings: Path, train: Path, user: str, k: int, models: list[Path]) -> None:
    """Print USER's training history and each of MODELS' top K (0: [evaluate] k) for them."""
    values = read_json(settings)
    columns, k = columns_of(values), k or values["k"]
    rows = pd.read_parquet(train)
    found = find_user(rows, columns.user, user)
    items = read_items(values)
    had = history(rows, found, values, items)
    shown = had.head(HISTORY_SHOWN)
    print(f"{columns.user} {found}: {len(had)} {columns.item}s in training; the latest {len(shown)}:")
    print(shown.to_string(index=False))
    for path in models:
        if not path.is_file():
            raise StepError(f"{path} is not built: run `invoke all` (or `make`) first")
        top = joblib.load(path).recommend([found], k, reasons=REASONS).drop(columns=["user"])
        names = item_names(items, columns.item)
        top["because"] = [reasons_shown(because, names) for because in top["because"]]
        top = with_details(top.rename(columns={"item": columns.item}), items, columns.item)
        print(f"\n{path.stem}: top {k}")
        print(top.to_string(index=False))


if __name__ == "__main__":
    run(main)
