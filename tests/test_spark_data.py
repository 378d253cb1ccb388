"""The data steps on Spark (issue 13, `[data] engine = "spark"`): snapshot, cleanup and the per-user split as
Spark jobs on local[2], writing Parquet folders with a marker for make. Real Spark and Java; one build of the
sample (with missing ids and repeats added, read through a glob) shared by the module."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import stat
import sys
from pathlib import Path

import pandas as pd
import pytest
from baked import LEARNING_FIGURE, REPORTING, baked, model_figure, planned_outputs, run, succeed

MODULE = "play_log"
# Small and quick on 2 cores.
SPARK = """[spark]
master = "local[2]"
conf = { "spark.sql.shuffle.partitions" = "4", "spark.default.parallelism" = "2" }
ui = false
"""
SPARK_ENGINE = 'engine = "spark"            # snapshot'
PANDAS_ENGINE = '# engine = "spark"            # snapshot'
SOURCE = 'source = "data/sample/interactions.csv"'
DIRTY_SOURCE = 'source = "data/external/log-*.csv"'
SPLIT = {"data/processed/train.parquet/_DONE", "data/processed/test.parquet/_DONE"}


def on_spark(config: str) -> str:
    """config.toml with the data steps on Spark over the dirty glob, and the tests' small [spark]."""
    for old, new in ((PANDAS_ENGINE, SPARK_ENGINE), (SOURCE, DIRTY_SOURCE)):
        assert old in config
        config = config.replace(old, new)
    start = config.index("\n[spark]\n") + 1
    end = config.index("\n\n", start)
    return config[:start] + SPARK + config[end + 1 :]


def write_dirty_log(project: Path) -> None:
    """The sample in two CSV files, with rows missing a user or an item and repeated (user, item) pairs added:
    a repeat with a later time (kept), one with an earlier time (dropped), one with the same time (the later
    row in the file kept)."""
    log = pd.read_csv(project / "data" / "sample" / "interactions.csv")
    first = log.head(30)
    repeats = pd.concat(
        [
            first.head(10).assign(rating=5, timestamp=first.head(10)["timestamp"] + 1000),
            first.iloc[10:20].assign(rating=1, timestamp=first.iloc[10:20]["timestamp"] - 1000),
            first.iloc[20:30].assign(rating=4),
        ]
    )
    missing = log.tail(12).astype(object)
    missing.iloc[:6, 0] = None
    missing.iloc[6:, 1] = None
    (project / "data" / "external").mkdir(exist_ok=True)
    half = len(log) // 2
    log.iloc[:half].to_csv(project / "data" / "external" / "log-1.csv", index=False)
    pd.concat([log.iloc[half:], repeats, missing]).to_csv(project / "data" / "external" / "log-2.csv", index=False)


@pytest.fixture(scope="module")
def spark_data_project(cookies_session) -> Path:
    """A recommendation project whose data steps run on Spark (local[2]), built once with `make`."""
    project = baked(cookies_session, project_name="Play Log", task="recommendation")
    write_dirty_log(project)
    config = project / "config.toml"
    config.write_text(on_spark(config.read_text()))
    succeed(["make"], project)
    return project


@pytest.fixture
def spark_data_copy(spark_data_project, tmp_path) -> Path:
    copy = tmp_path / spark_data_project.name
    shutil.copytree(spark_data_project, copy)
    return copy


@pytest.fixture
def pandas_copy(spark_data_copy) -> Path:
    """The same project and source switched back to the pandas engine, cleaned and split in-process."""
    config = spark_data_copy / "config.toml"
    config.write_text(config.read_text().replace(SPARK_ENGINE, PANDAS_ENGINE))
    succeed(["make", "split"], spark_data_copy)
    return spark_data_copy


@pytest.fixture(scope="module")
def holdout(spark_data_project):
    """The baked project's Spark split, imported here."""
    sys.path.insert(0, str(spark_data_project / "src"))
    yield importlib.import_module(f"{MODULE}.spark.holdout")
    sys.path.remove(str(spark_data_project / "src"))


@pytest.fixture(scope="module")
def spark(holdout, spark_data_project):
    """One SparkSession for this module's in-process tests, from the project's own helper (in the project)."""
    settings = json.loads((spark_data_project / ".settings" / "split.json").read_text())
    here = Path.cwd()
    os.chdir(spark_data_project)
    try:
        with importlib.import_module(f"{MODULE}.spark").session(settings["spark"]) as session:
            yield session
    finally:
        os.chdir(here)


def leaderboard_models(project: Path) -> list[str]:
    leaderboard = (project / "reports" / "leaderboard.md").read_text()
    return sorted(
        row.split("|")[2].strip() for row in leaderboard.splitlines() if row.startswith("| ") and "Rank" not in row
    )


def per_user(project: Path) -> pd.DataFrame:
    """Each user's training and held-out interaction counts, as the split step wrote them."""
    counts = {
        side: pd.read_parquet(project / "data" / "processed" / f"{side}.parquet").groupby("user").size()
        for side in ("train", "test")
    }
    return pd.DataFrame(counts).fillna(0).astype(int)


def test_the_sample_builds_end_to_end_with_the_data_on_spark(spark_data_project):
    """engine = "spark" writes each dataset as a Parquet folder with its marker, and the in-process models
    read them: the leaderboard, the report and the app's inputs are all there."""
    for dataset in ("raw/snapshot", "interim/clean", "processed/train", "processed/test"):
        folder = spark_data_project / "data" / f"{dataset}.parquet"
        marker = json.loads((folder / "_DONE").read_text())
        assert folder.is_dir() and marker["rows"] == len(pd.read_parquet(folder))
    assert leaderboard_models(spark_data_project) == ["knn", "random", "rules"]
    assert (spark_data_project / "reports" / "REPORT.html").is_file()
    assert planned_outputs(spark_data_project) == set()


def model_scores(project: Path) -> dict[str, dict[str, float]]:
    """Each model's metrics at k, from its reports/metrics file."""
    return {
        model: json.loads((project / "reports" / "metrics" / f"{model}.json").read_text())["metrics"]
        for model in ("random", "rules", "knn")
    }


def test_every_model_scores_the_same_on_the_spark_split_as_on_pandas(spark_data_copy):
    """With holdout = "last" both engines hold out the same interactions, and random, popularity and item-KNN,
    trained on the Parquet folders Spark wrote, score exactly as they do when pandas cleaned and split."""
    config = spark_data_copy / "config.toml"
    config.write_text(config.read_text().replace('holdout = "random"', 'holdout = "last"'))
    train = spark_data_copy / "data" / "processed" / "train.parquet"
    succeed(["make", "leaderboard"], spark_data_copy)
    on_spark = model_scores(spark_data_copy)
    assert train.is_dir()  # Spark's folder of parts
    config.write_text(config.read_text().replace(SPARK_ENGINE, PANDAS_ENGINE))
    succeed(["make", "leaderboard"], spark_data_copy)
    assert train.is_file()  # pandas' file: split again in-process
    assert model_scores(spark_data_copy) == on_spark
    assert on_spark["random"]["ndcg_at_k"] < on_spark["rules"]["ndcg_at_k"]


def test_spark_cleans_as_pandas_does(pandas_copy, spark_data_project):
    """The cleanup report (rows removed by each step) and the cleaned rows (which repeat is kept) are the
    pandas engine's, on a source with missing ids and repeated pairs."""
    spark_record = json.loads((spark_data_project / "data" / "interim" / "clean.json").read_text())
    pandas_record = json.loads((pandas_copy / "data" / "interim" / "clean.json").read_text())
    assert spark_record == pandas_record
    assert [step["rows_removed"] for step in spark_record["steps"]] == [0, 12, 30]
    rows = [
        pd.read_parquet(project / "data" / "interim" / "clean.parquet").sort_values(["user", "item"], ignore_index=True)
        for project in (spark_data_project, pandas_copy)
    ]
    pd.testing.assert_frame_equal(rows[0], rows[1], check_dtype=False)


def test_both_engines_hold_out_the_same_share_of_each_users_interactions(pandas_copy, spark_data_project):
    """Per user: max(1, round(0.2 n)) of n interactions held out, at least one kept for training, and users
    with fewer than min_interactions (2) in training only: the same counts on Spark as with pandas."""
    spark_counts, pandas_counts = per_user(spark_data_project), per_user(pandas_copy)
    pd.testing.assert_frame_equal(spark_counts, pandas_counts)
    n = spark_counts["train"] + spark_counts["test"]
    expected = ((0.2 * n + 0.5) // 1).clip(lower=1, upper=n - 1).where(n >= 2, 0)
    assert (spark_counts["test"] == expected).all()


def test_the_spark_split_is_decided_by_the_seed(spark, holdout, spark_data_project):
    """The same seed holds out the same interactions; another seed, other ones (the same number)."""
    settings = json.loads((spark_data_project / ".settings" / "split.json").read_text())
    columns = importlib.import_module(f"{MODULE}.tasks.interaction_columns").columns_of(settings)
    frame = spark.read.parquet(str(spark_data_project / "data" / "interim" / "clean.parquet"))

    def held_out(seed: int) -> set[tuple[str, str]]:
        flagged = holdout.held_out(frame, columns, {**settings, "seed": seed}).where("__test")
        return {(row.user, row.item) for row in flagged.select("user", "item").collect()}

    first, again, other = held_out(42), held_out(42), held_out(7)
    assert first == again and len(other) == len(first) and other != first


def test_holdout_last_holds_out_each_users_latest_interactions_on_spark(spark, holdout, spark_data_project):
    """holdout = "last": every held-out interaction is no older than any of that user's training ones."""
    settings = json.loads((spark_data_project / ".settings" / "split.json").read_text())
    columns = importlib.import_module(f"{MODULE}.tasks.interaction_columns").columns_of(settings)
    frame = spark.read.parquet(str(spark_data_project / "data" / "interim" / "clean.parquet"))
    flagged = holdout.held_out(frame, columns, {**settings, "holdout": "last"}).toPandas()
    latest_train = flagged[~flagged["__test"]].groupby("user")["timestamp"].max()
    earliest_test = flagged[flagged["__test"]].groupby("user")["timestamp"].min()
    assert (earliest_test >= latest_train.reindex(earliest_test.index)).all()


def test_a_missing_marker_rebuilds_that_step_and_what_follows(spark_data_copy):
    """A dataset whose marker is missing (deleted, or a Spark job interrupted before writing it) is built
    again by the next make, with what depends on it, and only that."""
    (spark_data_copy / "data" / "processed" / "train.parquet" / "_DONE").unlink()
    downstream = {
        *(f"models/{m}.joblib" for m in ("random", "rules", "knn")),
        *(f"reports/metrics/{m}.json" for m in ("random", "rules", "knn")),
        *(f"reports/learning/{m}.json" for m in ("random", "rules", "knn")),
        *(model_figure(m) for m in ("random", "rules", "knn")),
        "reports/leaderboard.md",
        LEARNING_FIGURE,
        *REPORTING,
    }
    assert planned_outputs(spark_data_copy) == {"data/processed/features.json", *downstream}
    succeed(["make"], spark_data_copy)
    assert (spark_data_copy / "data" / "processed" / "train.parquet" / "_DONE").is_file()
    assert planned_outputs(spark_data_copy) == set()


def test_a_log_without_a_header_row_reads_on_spark_named_by_columns(spark, holdout, tmp_path):
    """A MovieLens-100k-style log (tab-separated, no header row) with `[data] columns`: every line is a row,
    named in order; names unlike the fields in number are one clear error, as with pandas."""
    sources = importlib.import_module(f"{MODULE}.sources")
    read_source = importlib.import_module(f"{MODULE}.spark.snapshot").read_source
    path = tmp_path / "u.data"
    path.write_text("196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n")
    names = ["user", "item", "rating", "timestamp"]
    settings = sources.DataSettings(source=str(path), format="tsv", columns=names)
    rows = read_source(spark, settings).toPandas()
    assert rows.to_dict("list") == {
        "user": [196, 186, 22],
        "item": [242, 302, 377],
        "rating": [3, 3, 1],
        "timestamp": [881250949, 891717742, 878887116],
    }
    with pytest.raises(importlib.import_module(f"{MODULE}.errors").StepError, match="names 3 column"):
        read_source(spark, sources.DataSettings(source=str(path), format="tsv", columns=names[:3]))


def test_the_spark_snapshot_is_read_only(spark_data_project):
    """No one can write the snapshot's files (Parquet parts, marker, description); `make` never rewrites them."""
    snapshot = spark_data_project / "data" / "raw" / "snapshot.parquet"
    files = [*snapshot.iterdir(), snapshot.with_suffix(".json")]
    assert any(path.name.startswith("part-") for path in files)
    assert all(stat.S_IMODE(path.stat().st_mode) & 0o222 == 0 for path in files)


def test_the_spark_engine_without_a_spark_section_is_a_one_line_error(spark_data_copy):
    """engine = "spark" with no [spark] section: make stops at the settings with one line saying what to add."""
    config = spark_data_copy / "config.toml"
    config.write_text(config.read_text().replace(SPARK, ""))
    result = run(["make", "-s", "data"], spark_data_copy)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert 'engine = "spark" needs task = "recommendation" and a [spark] section' in result.stderr.splitlines()[0]


def test_a_sample_on_spark_keeps_as_many_rows_as_pandas_and_the_same_for_a_seed(spark, spark_data_project):
    """[data] sample = 0.1: Spark keeps round(0.1 x rows) rows, as pandas does, and the same rows for the same
    seed; the report names the step as pandas names it."""
    cleanup = importlib.import_module(f"{MODULE}.spark.cleanup")
    datasets = importlib.import_module(f"{MODULE}.spark.datasets")
    raw = datasets.with_file_order(spark.read.parquet(str(spark_data_project / "data" / "raw" / "snapshot.parquet")))
    rows = raw.count()

    def sampled(seed: int) -> tuple[list[str], list]:
        frame, steps = cleanup.take_sample(raw, 0.1, seed, rows)
        return sorted(str(tuple(row)) for row in frame.drop(datasets.ORDER).collect()), steps

    (first, steps), (again, _) = sampled(42), sampled(42)
    assert len(first) == round(0.1 * rows) and first == again
    assert [step.name for step in steps] == [f"take a sample of {len(first)} rows ([data] sample = 0.1)"]


def test_counts_that_sum_to_nothing_are_dropped_on_spark_as_with_pandas(spark, spark_data_project, tmp_path):
    """rating_kind = "count": a purchase and its return, a return alone and a missing count are no
    interaction; Spark's cleanup drops the same pairs as pandas', in a step of the same name."""
    cleanup = importlib.import_module(f"{MODULE}.spark.cleanup")
    datasets = importlib.import_module(f"{MODULE}.spark.datasets")
    clean = importlib.import_module(f"{MODULE}.clean")
    log = pd.DataFrame(
        {
            "user": ["a", "a", "a", "b", "b", "c", "c"],
            "item": ["x", "x", "y", "x", "z", "y", "z"],
            "rating": [2.0, -2.0, 1.0, -1.0, 3.0, None, 4.0],
            "timestamp": [1, 2, 3, 4, 5, 6, 7],
        }
    )
    log.to_parquet(tmp_path / "log.parquet")
    settings = {
        "task": "recommendation",
        "columns": {"user": "user", "item": "item", "rating": "rating", "time": "timestamp"},
        "rating_kind": "count",
    }
    frame, spark_steps = cleanup.clean_rows(datasets.with_file_order(spark.read.parquet(str(tmp_path))), settings)
    cleaned, pandas_steps = clean.clean(log, settings)
    pairs = sorted((row["user"], row["item"], row["rating"]) for row in frame.collect())
    assert pairs == sorted(zip(cleaned["user"], cleaned["item"], cleaned["rating"], strict=True))
    assert pairs == [("a", "y", 1.0), ("b", "z", 3.0), ("c", "z", 4.0)]
    assert [(s.name, s.rows_removed) for s in spark_steps] == [(s.name, s.rows_removed) for s in pandas_steps]


def test_holdout_last_on_times_spark_cannot_read_is_a_clear_error(spark, holdout, tmp_path):
    """Spark reads ISO 8601 times and Unix seconds, and makes `12/1/2010 8:26` missing: holdout = "last" on
    such times would hold out arbitrary interactions, so the split stops in one line naming the column."""
    log = pd.DataFrame({"user": ["a", "a"], "item": ["x", "y"], "when": ["12/1/2010 8:26", "12/13/2010 9:00"]})
    (tmp_path / "us").mkdir()
    log.to_parquet(tmp_path / "us" / "log.parquet")
    frame = spark.read.parquet(str(tmp_path / "us"))
    columns = importlib.import_module(f"{MODULE}.tasks.interaction_columns").Columns("user", "item", time="when")
    errors = importlib.import_module(f"{MODULE}.errors")
    with pytest.raises(errors.StepError, match=r"^time column 'when' holds text Spark does not read as times"):
        holdout.check_times(frame, columns)
    iso = pd.DataFrame({"user": ["a"], "item": ["x"], "when": ["2010-12-01 08:26:00"]})
    (tmp_path / "iso").mkdir()
    iso.to_parquet(tmp_path / "iso" / "log.parquet")
    holdout.check_times(spark.read.parquet(str(tmp_path / "iso")), columns)  # read as times: no error
