"""Steps write their outputs atomically: a failed step leaves the old file or none, never half a file."""

import os

import pandas as pd
import pytest

from {{ cookiecutter.module_name }}.files import atomic_path, read_json, write_json, write_table, write_text


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
