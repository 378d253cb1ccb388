"""Seeded data sets for the benchmark, written where the benchmark says (a temporary folder).

The same seed and size give the same file, so figures from different branches are comparable.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv

NUMERIC_COLUMNS = [f"x{number:02d}" for number in range(1, 17)]
# The one numeric column with missing values, and their share: cleanup drops those rows.
MISSING_COLUMN, MISSING_SHARE = "x04", 0.02
REGIONS = ["north", "south", "east", "west", "centre"]
CHANNELS = ["web", "store", "phone", "partner"]
CLASSES = np.array(["low", "medium", "high"])
TARGET = "target"


def tabular_classification(rows: int, seed: int = 0) -> pa.Table:
    """`rows` × 19: 16 numeric columns, 2 categorical, a 3-class string target that they predict in part.

    The target is a noisy linear score cut at its terciles, so every model has something to learn
    and no model is perfect.
    """
    generator = np.random.default_rng(seed)
    numeric = generator.normal(size=(rows, len(NUMERIC_COLUMNS)))
    region = generator.integers(len(REGIONS), size=rows)
    channel = generator.integers(len(CHANNELS), size=rows)
    score = numeric[:, 0] + 0.6 * numeric[:, 1] - 0.4 * numeric[:, 2] + 0.3 * region + generator.normal(size=rows)
    target = CLASSES[np.digitize(score, np.quantile(score, [1 / 3, 2 / 3]))]
    columns = {name: pa.array(numeric[:, index]) for index, name in enumerate(NUMERIC_COLUMNS)}
    missing = generator.random(rows) < MISSING_SHARE
    columns[MISSING_COLUMN] = pa.array(numeric[:, NUMERIC_COLUMNS.index(MISSING_COLUMN)], mask=missing)
    columns["region"] = pa.array(np.array(REGIONS)[region])
    columns["channel"] = pa.array(np.array(CHANNELS)[channel])
    columns[TARGET] = pa.array(target)
    return pa.table(columns)


def write_csv(table: pa.Table, path: Path) -> int:
    """Write `table` as CSV (a missing value is an empty field); return the file's size in bytes."""
    pyarrow.csv.write_csv(table, path, pyarrow.csv.WriteOptions(quoting_style="none"))
    return path.stat().st_size
