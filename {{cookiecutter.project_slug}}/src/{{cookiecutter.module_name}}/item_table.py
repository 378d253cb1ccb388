"""The item table (`[data] items`) and what people see of an item beside each pick, the same in
`invoke recommend`, the API and the app.

`read_items` reads the table with the reader its caller gives it (sources/local.py's `read_files`):
a module that only names items imports no reader, so the import graph stays at four floors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from .errors import StepError

REASONS = 3  # "because": the user's items shown behind each pick
NAME_COLUMNS = ("title", "name")  # an item table's column that names items better than their ids
FIRST_ROWS = 10_000  # check_joins: the log's rows looked at first for an item of the table


def read_items(settings: Mapping[str, Any], read_files: Callable[[str], pd.DataFrame]) -> pd.DataFrame | None:
    """The item table of `[data] items`, if set (read like a [data] source file, by `read_files`);
    `[data] item_separator` rides along in its attrs, for the segments of a multi-valued attribute
    (models/attributes.py)."""
    if not settings.get("items"):
        return None
    try:
        items = read_files(settings["items"])
    except StepError as error:
        raise StepError(f"[data] items: {error}") from None
    items.attrs["item_separator"] = settings.get("item_separator")
    return items


def check_joins(items: pd.DataFrame | None, item: str, log_items: pd.Series) -> None:
    """An item table describes the log's items: one without the log's item column, or with none of its
    items, is another log's (the sample's, left in config.toml once `source` points elsewhere), and every
    segment, filter and title taken from it would be silently empty; the error says how to mend it."""
    if items is None:
        return
    mend = "point [data] items at this log's item table, or remove it"
    if item not in items.columns:
        has = ", ".join(map(str, items.columns))
        raise StepError(
            f"[data] items has no {item!r} column to join the log's items on (it has: {has}): {mend}"
        )
    known = pd.Index(items[item].dropna().unique())
    # the log's first rows settle it when the table is this log's (the everyday case), and a look-up in
    # the table's index is fast where isin of arrow strings is not: 2 ms, not 67, on a 2M-row log
    joined = ((known.get_indexer(rows) >= 0).any() for rows in (log_items.head(FIRST_ROWS), log_items))
    if not any(joined):
        raise StepError(f"[data] items: none of its {item!r} values is an item of the log: {mend}")


def item_names(items: pd.DataFrame | None, item: str) -> dict[Any, Any]:
    """Each item's title (or name) from the item table, when it has one; else nothing (ids stand)."""
    named = [column for column in NAME_COLUMNS if items is not None and column in items.columns]
    if not named or item not in items.columns:
        return {}
    return items.drop_duplicates(item).set_index(item)[named[0]].dropna().to_dict()
