"""The data steps as Spark jobs (`[data] engine = "spark"`): snapshot, cleanup and the per-user split.

They follow the in-process steps' rules (data.py, clean.py, split.py, tasks/recommendation.py) and
write the same places, each dataset as a folder of Parquet part files (pandas and pyarrow read such
a folder as one table, so the models and the app read it unchanged). A dataset is written beside
its place, moved there when Spark has finished, and then marked by `_DONE` (the rows and columns,
as JSON) written atomically inside it: make depends on the marker, so an interrupted job leaves no
marker and make runs the step again. Spark and pyarrow skip files whose names start with `_`.

What differs from pandas: a CSV field is missing only when it is empty (pandas also reads "NA",
"null", ... as missing); the random holdout draws by a seeded hash of (seed, user, item), not
numpy's generator, so the same seed gives the same split on Spark but not the one pandas gives.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import clean as cleanup
from ..errors import StepError
from ..files import remove_folder, replace_with_folder, write_json
from ..models.interactions import Columns
from ..sources import URL, DataSettings, format_of, kind
from ..sources.credentials import mask
from ..sources.local import matching_files
from ..tasks import recommendation, strip_column_names
from . import session

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

MARKER = "_DONE"
# Where Spark reads from besides local files: storage it has a filesystem for (s3a needs hadoop-aws in conf).
STORAGE = ("s3a://", "s3://", "gs://", "hdfs://", "abfs://", "abfss://", "wasbs://", "file://")
# The formats Spark reads itself, and how.
READ_OPTIONS = {
    "csv": {"header": True, "inferSchema": True},
    "tsv": {"header": True, "inferSchema": True, "sep": "\t"},
    "parquet": {},
    "json": {"multiLine": True},
    "jsonl": {},
}
SPARK_FORMAT = {"tsv": "csv", "jsonl": "json"}
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
    return Counted(frame.count(), len([name for name in frame.columns if name != ORDER]))


def schema_only(frame: DataFrame) -> pd.DataFrame:
    """An empty pandas frame with the columns of `frame`, for the in-process checks of names."""
    return pd.DataFrame(columns=[name for name in frame.columns if name != ORDER])


# -- reading and writing -------------------------------------------------------------------------


def source_path(settings: DataSettings) -> str:
    """The path or URL Spark reads: a local file or glob (checked here, for a clear error), or storage."""
    source = settings.source
    if settings.query:
        raise StepError(
            '[data] query is not read by [data] engine = "spark": filter in cleanup, or use "pandas"'
        )
    if source.lower().startswith(STORAGE):
        return source
    if kind(source) != "files" or URL.match(source):
        raise StepError(
            f'[data] engine = "spark" reads files, globs and storage URLs ({", ".join(STORAGE[:4])}), not '
            f'{mask(source)!r}: snapshot it with engine = "pandas", or export it to Parquet files'
        )
    matching_files(source)
    return str(Path(source).resolve())


def read_source(spark: Any, settings: DataSettings) -> DataFrame:
    """The source as a Spark table, in a format Spark reads (Excel is not one)."""
    path = source_path(settings)
    fmt = format_of(path, settings.format)
    if fmt not in READ_OPTIONS:
        raise StepError(f'[data] engine = "spark" cannot read {fmt} files; convert them to Parquet or CSV')
    return spark.read.format(SPARK_FORMAT.get(fmt, fmt)).options(**READ_OPTIONS[fmt]).load(path)


def mark(path: Path, table: Counted, column_names: list[str]) -> None:
    """Write the dataset's marker, last: make depends on it."""
    write_json({"rows": table.rows, "columns": column_names}, path / MARKER)


def write_dataset(frame: DataFrame, path: Path) -> Counted:
    """Write `frame` as the Parquet folder `path`, replacing what was there once Spark has finished, then
    mark it."""
    columns = [name for name in frame.columns if name != ORDER]
    building = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        frame.select(*columns).write.mode("overwrite").parquet(str(building.resolve()))
        replace_with_folder(building, path)
    finally:
        remove_folder(building)
    written = counted(frame.sparkSession.read.parquet(str(path.resolve())))
    mark(path, written, columns)
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


def make_read_only(path: Path) -> None:
    """Every file of the dataset read-only; the folder stays writable, so a new snapshot can replace it."""
    for written in path.iterdir():
        os.chmod(written, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


# -- the steps -----------------------------------------------------------------------------------


def snapshot(settings: DataSettings, spark_settings: Mapping[str, Any], output: Path) -> None:
    """The source into the Parquet folder OUTPUT, read-only, with OUTPUT.json describing it."""
    with session(spark_settings) as spark:
        frame = with_file_order(read_source(spark, settings))
        metadata = output.with_suffix(".json")
        metadata.unlink(missing_ok=True)  # the description of the snapshot being replaced
        # In the source's order, so that cleanup's "the last in the file" means the same as with pandas.
        table = write_dataset(frame.orderBy(ORDER), output)
    if table.empty:
        raise StepError(f"data source {mask(settings.source)!r} gave no rows: check [data] source")
    description = {
        "source": mask(settings.source),
        "query": None,
        "taken_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "rows": table.rows,
        "columns": table.columns,
        "column_names": json.loads((output / MARKER).read_text(encoding="utf-8"))["columns"],
        "sha256": checksum(output),
    }
    write_json(description, metadata)
    make_read_only(output)
    os.chmod(metadata, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    print(
        f"data: {table.rows} rows, {table.columns} columns from {mask(settings.source)} -> {output}/ "
        "(Spark, read-only)"
    )


def take_sample(frame: DataFrame, sample: float | None, seed: int, rows: int) -> tuple[DataFrame, list]:
    """`[data] sample`'s seeded share of the rows, as clean.take_sample takes it, drawn by Spark."""
    from pyspark.sql import functions

    size = cleanup.sample_size(sample, rows)
    if size == rows:
        return frame, []
    step = cleanup.Step(
        f"take a sample of {size} rows ([data] sample = {sample})",
        rows - size,
        fix="raise [data] sample, or remove it to use every row",
    )
    return frame.orderBy(functions.rand(seed)).limit(size), [step]


def drop_missing_ids(frame: DataFrame, columns: Columns) -> DataFrame:
    recommendation.check_columns(schema_only(frame), columns)
    return frame.dropna(subset=[columns.user, columns.item])


def collapse_duplicates(frame: DataFrame, columns: Columns, rating_kind: str) -> DataFrame:
    """One row per (user, item), as the in-process rule: the latest by time (rows without a time count
    as latest, as pandas sorts them last), else the last in the source; counts summed."""
    from pyspark.sql import Window, functions

    recommendation.collapse_duplicates(schema_only(frame), columns, rating_kind)  # checks rating_kind
    pair = Window.partitionBy(columns.user, columns.item)
    latest_first = [functions.col(ORDER).desc()]
    if columns.time:
        latest_first.insert(0, functions.col(columns.time).desc_nulls_first())
    if rating_kind == "count" and columns.rating:
        frame = frame.withColumn(columns.rating, functions.sum(columns.rating).over(pair))
    ranked = frame.withColumn("__latest", functions.row_number().over(pair.orderBy(*latest_first)))
    return ranked.where(functions.col("__latest") == 1).drop("__latest")


def clean_rows(frame: DataFrame, settings: Mapping[str, Any]) -> tuple[DataFrame, list]:
    """Strip the column names, then the recommendation task's cleanup steps, each as a Spark job."""
    names = [name for name in frame.columns if name != ORDER]
    stripped = list(strip_column_names(pd.DataFrame(columns=names)).columns)
    frame = frame.toDF(*stripped, ORDER)
    renamed = sum(before != after for before, after in zip(names, stripped, strict=True))
    report = [cleanup.Step("strip column names", note=f"{renamed} renamed")]
    columns = recommendation.columns_of(settings)
    rating_kind = settings.get("rating_kind", "rating")
    spark_steps = (
        lambda rows: drop_missing_ids(rows, columns),
        lambda rows: collapse_duplicates(rows, columns, rating_kind),
    )
    before = counted(frame)
    for step, run_step in zip(
        recommendation.interaction_cleanup(columns, rating_kind), spark_steps, strict=True
    ):
        cleaned = run_step(frame).cache()
        after = counted(cleaned)
        dropped = tuple(name for name in frame.columns if name not in cleaned.columns)
        report.append(cleanup.Step(step.name, before.rows - after.rows, dropped, "", step.fix))
        frame, before = cleaned, after
    return frame, report


def check_interactions(frame: DataFrame, columns: Columns) -> None:
    """The in-process check (two users, two items) on at most two distinct values of each."""
    found = {
        name: pd.Series([row[0] for row in frame.select(name).distinct().limit(2).collect()], dtype=object)
        for name in (columns.user, columns.item)
    }
    recommendation.check_interactions(pd.DataFrame(found), columns)


def clean(settings: Mapping[str, Any], raw: Path, output: Path) -> None:
    """clean.main's cleanup of RAW into the Parquet folder OUTPUT, with the same record in OUTPUT.json."""
    with session(settings["spark"]) as spark:
        frame = with_file_order(spark.read.parquet(str(raw.resolve())))
        before = counted(frame)
        print(f"clean: {before.rows} rows, {before.columns} columns from {raw}/ (Spark)")
        sampled, sampling = take_sample(frame, settings["sample"], settings["seed"], before.rows)
        cleaned, cleaning = clean_rows(sampled, settings)
        report = sampling + cleaning
        for step in report:
            print(f"  {step}")
        after = counted(cleaned)
        cleanup.check_enough_rows(after, report, settings["min_rows"])
        warnings = cleanup.removed_too_many(
            cleaning, before.rows - sum(s.rows_removed for s in sampling), settings["max_removed_share"]
        )
        for warning in warnings:
            print(f"WARNING: cleanup: {warning}", file=sys.stderr)
        check_interactions(cleaned, recommendation.columns_of(settings))
        record = cleanup.cleanup_record(before, after, report, settings["sample"], warnings)
        write_json(record, output.with_suffix(".json"))
        write_dataset(cleaned.orderBy(ORDER), output)
    print(f"  kept {after.rows} rows, {after.columns} columns -> {output}/")


def held_out(frame: DataFrame, columns: Columns, settings: Mapping[str, Any]) -> DataFrame:
    """`frame` with a column `__test`: the in-process per-user holdout (see tasks/recommendation.py)."""
    from pyspark.sql import Window, functions

    test_size, holdout = settings["test_size"], settings["holdout"]
    recommendation.check_split_settings(columns, test_size, holdout)
    tie_breaker = functions.xxhash64(
        functions.lit(settings["seed"]), functions.col(columns.user), functions.col(columns.item)
    )
    recency = (
        functions.col(columns.time).cast("timestamp").cast("double") if holdout == "last" else tie_breaker
    )
    user = Window.partitionBy(columns.user)
    n = functions.count(functions.lit(1)).over(user)
    position = functions.row_number().over(user.orderBy(recency, tie_breaker)) - 1  # oldest (or random) first
    held = functions.least(functions.greatest(functions.lit(1), functions.floor(n * test_size + 0.5)), n - 1)
    return frame.withColumn("__test", (n >= max(settings["min_interactions"], 2)) & (position >= n - held))


def split(settings: Mapping[str, Any], clean: Path, train: Path, test: Path, features: Path) -> None:
    """split.main's per-user holdout of CLEAN into the Parquet folders TRAIN and TEST; FEATURES as there."""
    from pyspark.sql import functions

    columns = recommendation.columns_of(settings)
    with session(settings["spark"]) as spark:
        frame = spark.read.parquet(str(clean.resolve()))
        flagged = held_out(frame, columns, settings).cache()
        if flagged.where(functions.col("__test")).isEmpty():
            raise recommendation.no_user_to_score(settings["min_interactions"])
        write_json({"features": list(frame.columns), "removed": {}}, features)
        rows = {}
        for path, is_test in ((train, False), (test, True)):
            rows[path] = write_dataset(flagged.where(functions.col("__test") == is_test).drop("__test"), path)
    print(
        f"split: {rows[train].rows} train rows, {rows[test].rows} test rows (seed {settings['seed']}, Spark)"
    )
