"""The interaction log's columns, and where ids are among the training ids: no import of the package,
so the models, the ranking metrics, the cleanup and split, and the Spark steps share it from below."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Columns:
    """The names of the interaction columns: `[data] user, item, rating, time` in config.toml."""

    user: str
    item: str
    rating: str | None = None
    time: str | None = None


def columns_of(settings: Mapping[str, Any]) -> Columns:
    """The interaction columns a stage's settings name (`[data] user, item, rating, time`)."""
    return Columns(**settings["columns"])


def positions(index: pd.Index, values: pd.Series) -> np.ndarray:
    """Where each of `values` is in `index` (-1: not in it).

    Arrow looks ids up in place; pandas first makes a Python object of each text id, which for the
    8M training rows of a 10M-interaction log took 1 s and half a GB more than Arrow's 0.13 s. Ids
    Arrow cannot hold or look up (mixed types, categories) are left to pandas.
    """
    import pyarrow as pa  # here, not on top: the clean and split steps that import this module need no Arrow
    import pyarrow.compute as pc

    with suppress(pa.ArrowException):  # every error of pyarrow
        looked_up, known = pa.array(values), pa.array(index)
        if looked_up.type == known.type:
            return pc.index_in(looked_up, value_set=known).fill_null(-1).to_numpy()
    return index.get_indexer(values)
