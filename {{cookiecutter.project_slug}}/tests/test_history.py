"""The run history: one line per scored run, safe to append in parallel, compared model by model."""

import json
import multiprocessing
import resource
import signal
from datetime import datetime, timezone

import pytest

from {{ cookiecutter.module_name }} import history, history_summary
from {{ cookiecutter.module_name }}.errors import StepError

WHEN = datetime(2026, 11, 21, 14, 5, tzinfo=timezone.utc)


def run(model: str, score: float, neighbours: list[int], minute: int = 5, data: str = "abc") -> dict:
    result = {
        "model": model,
        "primary_metric": "balanced_accuracy",
        "higher_is_better": True,
        "metrics": {"balanced_accuracy": score},
        "sample": None,
    }
    settings = {
        "model": model,
        "module": model,
        "task": "classification",
        "seed": 42,
        "params": {"n_neighbors": neighbours},
    }
    return history.record(result, settings, WHEN.replace(minute=minute), "1a2b3c4", data)


def test_a_record_holds_time_commit_model_settings_metrics_and_data_checksum():
    """What `invoke history` compares: the model's own settings (not its name), scores, data and commit."""
    record = run("knn", 0.9, [3])
    assert record["time"] == "2026-11-21T14:05:00+00:00"
    assert record["commit"] == "1a2b3c4"
    assert record["settings"] == {"seed": 42, "params": {"n_neighbors": [3]}}
    assert record["metrics"] == {"balanced_accuracy": 0.9}
    assert record["data_sha256"] == "abc"


def append_many(path: str, writer: int) -> None:
    for number in range(200):
        record = {**run("knn", 0.5, list(range(40))), "writer": writer, "number": number}
        history.append({**record, "key": f"{writer}-{number}"}, path)


def test_parallel_appends_keep_every_line_whole(tmp_path):
    """Evaluations that make -j runs side by side each add whole lines: none lost, none mixed."""
    path = tmp_path / "history.jsonl"
    processes = [multiprocessing.Process(target=append_many, args=(path, writer)) for writer in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    records = history.read(path)
    written = sorted((record["writer"], record["number"]) for record in records)
    assert written == [(writer, number) for writer in range(4) for number in range(200)]


def test_reading_a_missing_history_gives_no_runs(tmp_path):
    """Before the first evaluation there is no file, and no runs to show."""
    assert history.read(tmp_path / "history.jsonl") == []


def test_differences_name_the_settings_and_the_data_that_changed():
    """A run differs from another by the model parameters it set and the data it was trained on."""
    changed = history_summary.differences(run("knn", 0.8, [7], data="def"), run("knn", 0.9, [3]))
    assert changed == ["n_neighbors=[7] (not [3])", "other data"]


def test_the_summary_shows_each_models_best_run_first_and_what_the_others_changed():
    """`invoke history`: per model, its best run first, then the others with what they set differently."""
    runs = [run("knn", 0.8, [7], minute=1), run("knn", 0.9, [3], minute=2), run("random", 0.3, [1], minute=3)]
    lines = history_summary.summary(runs).splitlines()
    assert lines[0] == "knn: 2 run(s), best balanced_accuracy 0.900 (2026-11-21 14:02 @1a2b3c4)"
    assert lines[1].endswith("best")
    assert lines[2].endswith("n_neighbors=[7] (not [3])")
    assert lines[3].startswith("random: 1 run(s)")


def test_the_report_shows_the_score_over_time_from_the_second_run():
    """One run has no history to show; from two on, the report has a table of them."""
    assert history_summary.over_time([run("knn", 0.8, [7])]) == []
    table = history_summary.over_time([run("knn", 0.8, [7], minute=1), run("knn", 0.9, [3], minute=2)])
    assert table[0] == "## Score over time"
    assert "| 2026-11-21 14:02 | 1a2b3c4 | knn | balanced_accuracy | 0.900 |" in table


def test_a_run_is_one_json_line(tmp_path):
    """Each run is one JSON line, so the file can be read (and appended to) line by line."""
    path = tmp_path / "history.jsonl"
    history.append(run("knn", 0.9, [3]), path)
    assert json.loads(path.read_text().splitlines()[0])["model"] == "knn"


def test_a_run_already_recorded_is_not_recorded_again(tmp_path):
    """Two builds that score the same model file (two `make`s at once) leave one record of it."""
    path = tmp_path / "history.jsonl"
    history.append(run("knn", 0.9, [3]), path)
    history.append(run("knn", 0.9, [3], minute=6), path)
    assert len(history.read(path)) == 1


def test_damaged_lines_are_skipped_and_counted(tmp_path, capsys):
    """A line cut short or edited by hand costs that line only: the others are read, a warning counts it."""
    path = tmp_path / "history.jsonl"
    good = json.dumps(run("knn", 0.9, [3]))
    lines = [good, good[:40], json.dumps({"model": "knn"}), "\xff\xfe"]  # the last is not UTF-8
    path.write_bytes("\n".join(lines).encode("latin-1") + b"\n")
    assert [record["model"] for record in history.read(path)] == ["knn"]
    assert "skipped 3 damaged line(s)" in capsys.readouterr().err


def test_a_line_cut_short_does_not_swallow_the_next_run(tmp_path):
    """An append after a last line without its newline starts on a line of its own."""
    path = tmp_path / "history.jsonl"
    path.write_text(json.dumps(run("knn", 0.9, [3]))[:50])
    history.append(run("random", 0.3, [1]), path)
    assert [record["model"] for record in history.read(path)] == ["random"]


def append_over_a_size_limit(path: str, limit: int) -> None:
    """Append a run in a process that may not write files past `limit` bytes (a stand-in for a full disk)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing us
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    try:
        history.append(run("knn", 0.1, list(range(40))), path)
    except StepError as error:
        raise SystemExit(str(error)) from None


def test_a_short_write_leaves_the_history_as_it_was_and_says_so(tmp_path):
    """When only part of a record can be written, the file is cut back to its last whole line, and the
    step fails: the next `invoke history` and report read every earlier run."""
    path = tmp_path / "history.jsonl"
    history.append(run("knn", 0.9, [3]), path)
    before = path.read_bytes()
    process = multiprocessing.Process(target=append_over_a_size_limit, args=(path, len(before) + 100))
    process.start()
    process.join()
    assert process.exitcode != 0
    assert path.read_bytes() == before


@pytest.mark.parametrize("score", ['"0.9"', "null", "true"])
def test_a_record_whose_score_is_not_a_number_is_damaged(tmp_path, score):
    """A record that parses but has no numeric score is skipped rather than breaking the summary."""
    path = tmp_path / "history.jsonl"
    record = json.dumps({**run("knn", 0.9, [3]), "metrics": {"balanced_accuracy": json.loads(score)}})
    path.write_text(record + "\n")
    assert history.read(path) == []
