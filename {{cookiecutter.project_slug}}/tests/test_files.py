"""Steps write their outputs atomically: a failed step leaves the old file or none, never half a file."""

import os

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.module_name }}.files import (
    atomic_path,
    read_json,
    read_sample,
    write_json,
    write_table,
    write_text,
)


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    """An error while writing keeps the previous output whole and leaves nothing else behind."""
    output = tmp_path / "metrics.json"
    output.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(output) as temporary:
        temporary.write_text("half")
        raise RuntimeError("interrupted")
    assert output.read_text() == "old"
    assert os.listdir(tmp_path) == ["metrics.json"]


def test_a_failed_first_write_leaves_no_file_at_all(tmp_path):
    """Make must not take a half-written first output for a fresh one."""
    with pytest.raises(RuntimeError), atomic_path(tmp_path / "out" / "table.parquet") as temporary:
        temporary.write_text("half")
        raise RuntimeError("interrupted")
    assert os.listdir(tmp_path / "out") == []


def test_a_finished_write_replaces_the_file_and_creates_its_folder(tmp_path):
    output = tmp_path / "reports" / "metrics" / "knn.json"
    write_text("first", output)
    write_text("second", output)
    assert output.read_text() == "second"
    assert os.listdir(output.parent) == ["knn.json"]


def test_json_is_indented_ends_with_a_newline_and_reads_back(tmp_path):
    """Metrics files diff well in git: two-space indent, one key a line, a final newline."""
    value = {"model": "knn", "metrics": {"rmse": 1.5}}
    write_json(value, tmp_path / "knn.json")
    written = (tmp_path / "knn.json").read_text()
    assert written == '{\n  "model": "knn",\n  "metrics": {\n    "rmse": 1.5\n  }\n}\n'
    assert read_json(tmp_path / "knn.json") == value


def test_tables_are_written_without_the_index(tmp_path):
    frame = pd.DataFrame({"x": [1, 2]}, index=[7, 9])
    write_table(frame, tmp_path / "rows.parquet")
    back = pd.read_parquet(tmp_path / "rows.parquet")
    assert list(back.columns) == ["x"] and list(back.index) == [0, 1]


def mixed_rows(rows: int) -> pd.DataFrame:
    """Numbers with gaps, text with gaps, categories and booleans: every kind a training table holds."""
    rng = np.random.default_rng(0)
    numbers = rng.normal(size=rows)
    numbers[::7] = np.nan
    text = rng.choice(["east", "west", None], rows).astype(object)
    return pd.DataFrame(
        {
            "x": numbers,
            "n": rng.integers(0, 9, rows),
            "city": text,
            "kind": pd.Categorical(rng.choice(["a", "b"], rows)),
            "flag": rng.random(rows) < 0.5,
        }
    )


@pytest.mark.parametrize("size", [None, 50, 999, 1000, 5000])
def test_a_sample_read_is_the_sample_of_the_whole_table(tmp_path, size):
    """read_sample converts only the drawn rows, and gives exactly what sampling the whole table gives:
    the same rows in the same order, index and dtypes (the train step's models depend on it)."""
    frame = mixed_rows(1000)
    write_table(frame, tmp_path / "rows.parquet")
    whole = pd.read_parquet(tmp_path / "rows.parquet")
    expected = whole if size is None or size >= len(whole) else whole.sample(n=size, random_state=3)
    sampled, rows = read_sample(tmp_path / "rows.parquet", size, seed=3)
    pd.testing.assert_frame_equal(sampled, expected, check_index_type=True, check_exact=True)
    assert rows == 1000


def test_a_sample_of_a_table_saved_with_its_index_keeps_that_index(tmp_path):
    frame = mixed_rows(100).set_index("n")
    frame.to_parquet(tmp_path / "rows.parquet")
    sampled, _ = read_sample(tmp_path / "rows.parquet", 10, seed=3)
    expected = pd.read_parquet(tmp_path / "rows.parquet").sample(n=10, random_state=3)
    pd.testing.assert_frame_equal(sampled, expected, check_index_type=True, check_exact=True)
