"""`make split` on Spark: tasks/interaction_log.py's per-user holdout as a Spark job, into Parquet folders."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cli import run
from ..errors import StepError
from ..files import read_json, write_json
from ..tasks import interaction_log
from ..tasks.interaction_columns import Columns, columns_of
from . import session
from .datasets import write_dataset

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


def held_out(frame: DataFrame, columns: Columns, settings: Mapping[str, Any]) -> DataFrame:
    """`frame` with a column `__test`: the in-process per-user holdout (see tasks/interaction_log.py)."""
    from pyspark.sql import Window, functions

    test_size, holdout = settings["test_size"], settings["holdout"]
    interaction_log.check_split_settings(columns, test_size, holdout)
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


def check_times(frame: DataFrame, columns: Columns) -> None:
    """Stop when some times are text Spark does not read as times (`12/1/2010 8:26`): it reads ISO 8601 text
    (and numbers as Unix seconds); anything else fails the split's cast in Spark's ANSI mode, with a
    traceback, and without it becomes missing, holding out the wrong interactions."""
    from pyspark.sql import functions

    if dict(frame.dtypes)[columns.time] != "string":
        return
    time = functions.col(columns.time)
    if not frame.where(time.isNotNull() & functions.try_to_timestamp(time).isNull()).isEmpty():
        raise StepError(
            f"time column {columns.time!r} holds text Spark does not read as times (it reads 2010-12-01 "
            '08:26:00 and Unix seconds): write the times in ISO 8601, or split with holdout = "random"'
        )


def split(settings: Mapping[str, Any], clean: Path, train: Path, test: Path, features: Path) -> None:
    """split.main's per-user holdout of CLEAN into the Parquet folders TRAIN and TEST; FEATURES as there."""
    from pyspark.sql import functions

    columns = columns_of(settings)
    with session(settings["spark"]) as spark:
        frame = spark.read.parquet(str(clean.resolve()))
        if settings["holdout"] == "last":
            check_times(frame, columns)
        flagged = held_out(frame, columns, settings).cache()
        if flagged.where(functions.col("__test")).isEmpty():
            raise interaction_log.no_user_to_score(settings["min_interactions"])
        write_json({"features": list(frame.columns), "removed": {}}, features)
        rows = {}
        for path, is_test in ((train, False), (test, True)):
            rows[path] = write_dataset(flagged.where(functions.col("__test") == is_test).drop("__test"), path)
    print(
        f"split: {rows[train].rows} train rows, {rows[test].rows} test rows (seed {settings['seed']}, Spark)"
    )


def main(settings: Path, clean: Path, train: Path, test: Path, features: Path) -> None:
    """`make split` with [data] engine = "spark": CLEAN held out per user into the folders TRAIN and TEST."""
    split(read_json(settings), clean, train, test, features)


if __name__ == "__main__":
    run(main)
