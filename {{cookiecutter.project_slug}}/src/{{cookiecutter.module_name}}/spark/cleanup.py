"""`make clean-data` on Spark: clean.py's cleanup of the snapshot, each step a Spark job, the same record."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import cleanup_report as cleanup
from ..cli import run
from ..files import read_json, write_json
from ..tasks import interaction_log, strip_column_names
from ..tasks.interaction_columns import Columns, columns_of
from . import session
from .datasets import ORDER, counted, schema_only, with_file_order, write_dataset

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


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
    interaction_log.check_columns(schema_only(frame), columns)
    return frame.dropna(subset=[columns.user, columns.item])


def collapse_duplicates(frame: DataFrame, columns: Columns, rating_kind: str) -> DataFrame:
    """One row per (user, item), as the in-process rule: the latest by time (rows without a time count
    as latest, as pandas sorts them last), else the last in the source; counts summed."""
    from pyspark.sql import Window, functions

    interaction_log.collapse_duplicates(schema_only(frame), columns, rating_kind)  # checks rating_kind
    pair = Window.partitionBy(columns.user, columns.item)
    latest_first = [functions.col(ORDER).desc()]
    if columns.time:
        latest_first.insert(0, functions.col(columns.time).desc_nulls_first())
    if rating_kind == "count" and columns.rating:
        frame = frame.withColumn(columns.rating, functions.sum(columns.rating).over(pair))
    ranked = frame.withColumn("__latest", functions.row_number().over(pair.orderBy(*latest_first)))
    return ranked.where(functions.col("__latest") == 1).drop("__latest")


def drop_undone(frame: DataFrame, columns: Columns) -> DataFrame:
    """The rows whose summed count is above 0, as the in-process rule (Spark sums missing counts to null)."""
    from pyspark.sql import functions

    return frame.where(functions.col(columns.rating) > 0)


def clean_rows(frame: DataFrame, settings: Mapping[str, Any]) -> tuple[DataFrame, list]:
    """Strip the column names, then the recommendation task's cleanup steps, each as a Spark job."""
    names = [name for name in frame.columns if name != ORDER]
    stripped = list(strip_column_names(pd.DataFrame(columns=names)).columns)
    frame = frame.toDF(*stripped, ORDER)
    renamed = sum(before != after for before, after in zip(names, stripped, strict=True))
    report = [cleanup.Step("strip column names", note=f"{renamed} renamed")]
    columns = columns_of(settings)
    rating_kind = settings.get("rating_kind", "rating")
    spark_steps = (
        lambda rows: drop_missing_ids(rows, columns),
        lambda rows: collapse_duplicates(rows, columns, rating_kind),
        lambda rows: drop_undone(rows, columns),  # with counts only: interaction_cleanup says
    )
    before = counted(frame)
    steps = interaction_log.interaction_cleanup(columns, rating_kind)
    for step, run_step in zip(steps, spark_steps[: len(steps)], strict=True):
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
    interaction_log.check_interactions(pd.DataFrame(found), columns)


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
        check_interactions(cleaned, columns_of(settings))
        record = cleanup.cleanup_record(before, after, report, settings["sample"], warnings)
        write_json(record, output.with_suffix(".json"))
        write_dataset(cleaned.orderBy(ORDER), output)
    print(f"  kept {after.rows} rows, {after.columns} columns -> {output}/")


def main(settings: Path, raw: Path, output: Path) -> None:
    """`make clean-data` with [data] engine = "spark": RAW cleaned into the Parquet folder OUTPUT."""
    clean(read_json(settings), raw, output)


if __name__ == "__main__":
    run(main)
