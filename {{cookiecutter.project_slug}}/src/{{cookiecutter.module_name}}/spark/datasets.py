"""What the data steps on Spark share (`[data] engine = "spark"`: snapshot.py, cleanup.py, holdout.py).

Each is a step of its own, which make runs in place of data.py, clean.py or split.py when
`[data] engine = "spark"` (settings.mk's STEP_<step>), so the code make tracks for a step is its
engine's module and what that imports. They follow the in-process steps' rules (and
tasks/recommendation.py's) and write the same places, each dataset as a folder of Parquet part
files (pandas and pyarrow read such a folder as one table, so the models and the app read it
unchanged). A dataset is written beside its place, moved there when Spark has
finished, and then marked by `_DONE` (the rows and columns, as JSON) written atomically inside it:
make depends on the marker, so an interrupted job leaves no marker and make runs the step again.
Spark and pyarrow skip files whose names start with `_`.

What differs from pandas: a CSV field is missing only when it is empty (pandas also reads "NA",
"null", ... as missing); the random holdout draws by a seeded hash of (seed, user, item), not
numpy's generator, so the same seed gives the same split on Spark but not the one pandas gives.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..files import remove_folder, replace_with_folder, write_json

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

MARKER = "_DONE"
# The source's row order, kept through cleanup: "the last in the file" of repeated interactions.
ORDER = "__row"


@dataclass(frozen=True)
class Counted:
    """A Spark table's size, where the in-process checks ask a pandas frame for it (len, shape, empty)."""

    rows: int
    columns: int

    def __len__(self) -> int:
        return self.rows

    @property
    def shape(self) -> tuple[int, int]:
        return self.rows, self.columns

    @property
    def empty(self) -> bool:
        return self.rows == 0


def with_file_order(frame: DataFrame) -> DataFrame:
    """`frame` as read from files, with ORDER: each row's place in them (files by name, then rows in order).

    Spark reads a table's file pieces biggest first, so neither the order it yields rows in nor
    monotonically_increasing_id alone is the files' order; a piece's file and offset, then the row's
    place in its piece, are.
    """
    from pyspark.sql import functions

    place = functions.struct(
        functions.col("_metadata.file_path"),
        functions.col("_metadata.file_block_start"),
        functions.monotonically_increasing_id(),
    )
    return frame.withColumn(ORDER, place)


def counted(frame: DataFrame) -> Counted:
    return Counted(frame.count(), len(columns_of(frame)))


def schema_only(frame: DataFrame) -> pd.DataFrame:
    """An empty pandas frame with the columns of `frame`, for the in-process checks of names."""
    return pd.DataFrame(columns=columns_of(frame))


def columns_of(frame: DataFrame) -> list[str]:
    """The columns of `frame` that are written (not the row order kept alongside)."""
    return [name for name in frame.columns if name != ORDER]


def mark(path: Path, table: Counted, columns: list[str]) -> None:
    """Write the dataset's marker, last: make depends on it."""
    write_json({"rows": table.rows, "columns": columns}, path / MARKER)


def write_folder(frame: DataFrame, path: Path) -> Counted:
    """Write `frame` as the Parquet folder `path`, in place of what was there once Spark has finished."""
    building = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        frame.select(*columns_of(frame)).write.mode("overwrite").parquet(str(building.resolve()))
        replace_with_folder(building, path)
    finally:
        remove_folder(building)
    return counted(frame.sparkSession.read.parquet(str(path.resolve())))


def write_dataset(frame: DataFrame, path: Path) -> Counted:
    """Write `frame` as the Parquet folder `path`, then mark it."""
    written = write_folder(frame, path)
    mark(path, written, columns_of(frame))
    return written


def part_files(path: Path) -> list[Path]:
    return sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(("_", ".")))


def checksum(path: Path) -> str:
    """SHA-256 of the dataset's part files, in name order (the run history tells snapshots apart by it)."""
    digest = hashlib.sha256()
    for part in part_files(path):
        with part.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()
