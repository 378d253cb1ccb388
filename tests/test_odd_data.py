"""Odd data: each malformed or odd data set either stops `make` with its one-line error (no traceback,
the raw snapshot as it was) or builds a sensible result, saying what it did about the oddity.

The corpus: DATA_SETS (each pointed at by [data] source in a copy of the built project) and FAULTS
(the raw folder made unwritable); the template README states its size.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from baked import TEMPLATE, run
from PIL import Image

SAMPLE = pd.read_csv(TEMPLATE / "{{cookiecutter.project_slug}}" / "data" / "sample" / "penguins.csv")
COMPLETE = SAMPLE.dropna().reset_index(drop=True)
RNG = np.random.default_rng(0)


def csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def with_value(column: str, row: int, value: object) -> pd.DataFrame:
    frame = COMPLETE.astype({column: object})
    frame.loc[row, column] = value
    return frame


def infinities() -> pd.DataFrame:
    frame = COMPLETE.copy()
    frame.loc[:5, "bill_length_mm"] = np.inf  # rows 0 to 5
    frame.loc[:2, "bill_depth_mm"] = -np.inf
    return frame


def many_classes(classes: int = 60, rows_each: int = 5) -> pd.DataFrame:
    labels = [f"class {i}" for i in range(classes) for _ in range(rows_each)]
    return pd.DataFrame({"label": labels, "x": RNG.normal(size=len(labels)), "y": RNG.normal(size=len(labels))})


def ids_and_notes() -> pd.DataFrame:
    rows = range(len(COMPLETE))
    notes = [f"seen on a long walk along the shore, entry {i} of the season" for i in rows]
    return COMPLETE.assign(id=[f"bird-{i}" for i in rows], notes=notes)


def categories(rows: int, distinct: int) -> pd.DataFrame:
    """Categorical-only rows, of which only about `distinct` differ: most are duplicates.
    Each colour comes with both labels, so no column is unique per row once duplicates are gone."""
    colours = [f"colour {i % distinct // 2}" for i in range(rows)]
    return pd.DataFrame({"label": ["a", "b"] * (rows // 2), "colour": colours})


@dataclass(frozen=True)
class DataSet:
    content: Callable[[], bytes]
    expected: str  # an error (one line in stderr) for a failure; a line of the output for a build
    fails: bool
    target: str = "species"
    name: str = "odd.csv"


FAILS, BUILDS = True, False
DATA_SETS = {
    "empty file": DataSet(lambda: b"", r"error: cannot read .*odd\.csv' as csv: No columns to parse", FAILS),
    "header only": DataSet(lambda: b"species,island,year\n", "error: data source .* gave no rows", FAILS),
    "one column": DataSet(lambda: csv(SAMPLE[["species"]]), "error: the data has only the target column", FAILS),
    "all-missing target": DataSet(
        lambda: csv(SAMPLE.assign(species=np.nan)), "error: cleanup left 0 rows.*'drop rows with no species'", FAILS
    ),
    "no target column": DataSet(
        lambda: csv(SAMPLE.drop(columns="species")), "error: target column 'species' is not in the data", FAILS
    ),
    "non-UTF-8 bytes": DataSet(
        lambda: csv(COMPLETE).replace(b"Torgersen", "Törgersen".encode("latin-1")),
        r"line 2 has bytes that are not utf-8: b'\\xf6'; set \[data\] encoding",
        FAILS,
    ),
    "one class": DataSet(lambda: csv(SAMPLE[SAMPLE.species == "Adelie"]), "at least two classes", FAILS),
    "too few rows": DataSet(lambda: csv(COMPLETE.sample(10, random_state=0)), "error: the data has 10 rows", FAILS),
    "only duplicates": DataSet(
        lambda: csv(categories(1000, 3)),
        r"'drop duplicate rows' removed 996.*\[clean\] drop_duplicates = false",
        FAILS,
        target="label",
    ),
    "only ids and free text": DataSet(
        lambda: csv(ids_and_notes()[["id", "notes", "species"]]),
        "error: no column is left to predict 'species'",
        FAILS,
    ),
    "one-row classes of a number": DataSet(
        lambda: csv(COMPLETE[["body_mass_g", "bill_length_mm"]]),
        'set task = "regression"',
        FAILS,
        target="body_mass_g",
    ),
    "numbers and words in a JSON column": DataSet(
        lambda: (
            COMPLETE.assign(year=[2007 if i % 2 else "late" for i in range(len(COMPLETE))])
            .to_json(orient="records")
            .encode()
        ),
        "error: cannot store the data as Parquet",
        FAILS,
        name="odd.json",
    ),
    "duplicated header names": DataSet(
        lambda: b"species,x,x\n" + "".join(f"{'ab'[i % 2]},{x},{-x}\n" for i, x in enumerate(RNG.random(60))).encode(),
        "evaluate knn:",
        BUILDS,
    ),
    "inf and -inf": DataSet(
        lambda: csv(infinities()),
        "9 infinite or overflowing value(s) made missing (bill_length_mm: 6, bill_depth_mm: 3)",
        BUILDS,
    ),
    "a huge single value": DataSet(
        lambda: csv(with_value("body_mass_g", 3, 1e308)), "1 infinite or overflowing value(s)", BUILDS
    ),
    "a stray word among numbers": DataSet(
        lambda: csv(with_value("bill_length_mm", 5, "4l.2")),
        "bill_length_mm: 1 non-number value(s) made missing",
        BUILDS,
    ),
    "mixed numbers and words": DataSet(
        lambda: csv(COMPLETE.assign(sex=[i if i % 3 else "male" for i in range(len(COMPLETE))])),
        "sex: kept as text, only 67% of its values are numbers",
        BUILDS,
    ),
    "60 classes": DataSet(lambda: csv(many_classes()), "knn: 240 training rows allow 4 folds", BUILDS, target="label"),
    "an id and free text": DataSet(
        lambda: csv(ids_and_notes()), "not used as features: id (unique per row), notes (long free text)", BUILDS
    ),
    "mostly duplicates": DataSet(
        lambda: csv(categories(200, 60)),
        "WARNING: cleanup: 'drop duplicate rows' removed 140 of 200 rows",
        BUILDS,
        target="label",
    ),
    "27 rows": DataSet(
        lambda: csv(COMPLETE.groupby("species").head(9)), "knn: 21 training rows allow 5 folds and k <= 16", BUILDS
    ),
    "a mostly empty column": DataSet(
        lambda: csv(SAMPLE.assign(island=[None if i % 3 else "x" for i in range(len(SAMPLE))])),
        "drop columns over 50% missing: -1 columns (island)",
        BUILDS,
    ),
}


def point_at(project: Path, data_set: DataSet) -> None:
    """Write the data set into data/external and point [data] source and target at it."""
    (project / "data" / "external").mkdir(exist_ok=True)
    (project / "data" / "external" / data_set.name).write_bytes(data_set.content())
    config = project / "config.toml"
    config.write_text(
        config.read_text()
        .replace('source = "data/sample/penguins.csv"', f'source = "data/external/{data_set.name}"')
        .replace('target = "species"', f'target = "{data_set.target}"')
    )


def snapshot(project: Path) -> dict[str, bytes]:
    raw = project / "data" / "raw"
    return {path.name: path.read_bytes() for path in sorted(raw.glob("snapshot.*"))}


def assert_one_line_error(result: subprocess.CompletedProcess, expected: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    assert re.search(expected, errors[0]), errors[0]


@pytest.mark.parametrize("name", [name for name, data_set in DATA_SETS.items() if data_set.fails])
def test_odd_data_stops_with_one_line_and_keeps_the_raw_snapshot(project, name):
    """A data set that cannot be trained on stops make with its one-line error; the snapshot is untouched."""
    point_at(project, DATA_SETS[name])
    before = snapshot(project)
    fetched = run(["make", "data"], project)
    if fetched.returncode == 0:  # the data could be snapshotted: a later step refuses it
        before = snapshot(project)
        result = run(["make"], project)
    else:
        result = fetched
    assert_one_line_error(result, DATA_SETS[name].expected)
    assert snapshot(project) == before


@pytest.mark.parametrize("name", [name for name, data_set in DATA_SETS.items() if not data_set.fails])
def test_odd_data_builds_and_says_what_it_did(project, name):
    """A data set the pipeline can make sense of builds the report, saying what it did about the oddity,
    with no traceback and no flood of warnings."""
    point_at(project, DATA_SETS[name])
    result = run(["make"], project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert DATA_SETS[name].expected in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) <= 2, result.stderr
    assert (project / "reports" / "REPORT.html").exists()


def test_a_target_of_many_classes_draws_a_bounded_confusion_matrix(project):
    """60 classes draw the 20 most frequent, in a figure of bounded size."""
    point_at(project, DATA_SETS["60 classes"])
    run(["make"], project)
    width, height = Image.open(project / "reports" / "figures" / "knn.png").size
    assert max(width, height) <= 14 * 110  # inches at the figures' dpi


def test_left_out_columns_are_named_in_the_report(project):
    """The report says which columns the models do not see, and how to keep them."""
    point_at(project, DATA_SETS["an id and free text"])
    run(["make"], project)
    report = (project / "reports" / "REPORT.md").read_text()
    assert "Not used as features: id (unique per row), notes (long free text)" in report
    assert "[features] keep_columns" in report


@contextmanager
def unwritable(folder: Path, owner: int | None = None) -> Iterator[None]:
    """Make `folder` read-only, or another user's; root ignores both, so for root it is also made immutable."""
    stat = folder.stat()
    if owner is None:
        folder.chmod(0o555)
    else:
        os.chown(folder, owner, owner)
    immutable = os.geteuid() == 0
    if immutable:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
    try:
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        if owner is not None:
            os.chown(folder, stat.st_uid, stat.st_gid)
        folder.chmod(stat.st_mode)


FAULTS = {"read-only data/raw": None, "data/raw owned by another user": 65534}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_an_unwritable_raw_folder_is_one_line_and_keeps_the_snapshot(project, fault):
    """A new snapshot into a data/raw that cannot be written says what to do; the old one stays byte-identical."""
    point_at(project, DATA_SETS["27 rows"])
    before = snapshot(project)
    with unwritable(project / "data" / "raw", FAULTS[fault]):
        result = run(["make"], project)
    assert_one_line_error(result, "read-only or belongs to another user; make it yours and writable")
    assert snapshot(project) == before
    assert json.loads((project / "data" / "raw" / "snapshot.json").read_text())["rows"] == len(SAMPLE)
