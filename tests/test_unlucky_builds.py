"""Full disks, damaged history lines and two builds at once (issue 28): nothing half-written breaks a build.

The full disk is real: a tmpfs of a few hundred KiB mounted inside the baked project (this needs
root, or the right to mount; where mounting is refused the test says so and is skipped), filled
until the kernel answers ENOSPC. The project's own tests cover the short write itself with a
file-size limit (tests/test_history.py).
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from baked import run, succeed

HISTORY = Path("reports/history.jsonl")
PAGE = 4096


@contextmanager
def small_disk(folder: Path, kib: int) -> Iterator[Path]:
    """A file system of `kib` KiB mounted on `folder` (its files copied in first), unmounted afterwards."""
    kept = {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()} if folder.is_dir() else {}
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", str(folder)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"a small real file system is needed (mount -t tmpfs, as root): {mounted.stderr.strip()}")
    try:
        for name, content in kept.items():
            (folder / name).write_bytes(content)
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def fill(folder: Path) -> Path:
    """Write zeros into `folder` until its file system is full; the filler file, to delete later."""
    filler = folder / ".filler"
    with open(filler, "wb", buffering=0) as file:
        try:
            while True:
                file.write(bytes(PAGE))
        except OSError as error:
            assert error.errno == errno.ENOSPC
    return filler


def retrain_knn(project: Path) -> None:
    """Change [models.knn] so that make trains and scores it again."""
    config = project / "config.toml"
    config.write_text(config.read_text().replace("cv_folds = 5", "cv_folds = 4"))


def one_line_failure(result: subprocess.CompletedProcess, message: str) -> None:
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert result.returncode != 0 and message in result.stderr, result.stderr
    assert len(errors) == 1 and "Traceback" not in result.stderr, result.stderr


def test_a_full_disk_under_models_is_one_line_and_keeps_the_old_model(project):
    """Training onto a full disk: one line naming the model file and the full disk; the previous model
    is kept as it was, and make still knows the model is out of date."""
    models = project / "models"
    old = (models / "knn.joblib").read_bytes()
    retrain_knn(project)
    # room for the models and, once the filler is gone, a new model beside the old one
    with small_disk(models, kib=2 * sum(p.stat().st_size for p in models.iterdir()) // 1024 + 64):
        filler = fill(models)
        result = run(["make"], project)
        one_line_failure(result, "error: cannot write models/knn.joblib: the disk is full")
        assert (models / "knn.joblib").read_bytes() == old
        assert not [p.name for p in models.iterdir() if p.name.endswith(".tmp")]
        assert run(["make", "-q", "models/knn.joblib"], project).returncode == 1
        filler.unlink()
        succeed(["make"], project)  # space freed: the build goes on from where it stopped


def test_a_full_disk_under_the_history_cuts_no_record_in_half(project, tmp_path):
    """A record that does not fit is not left half-written: the history keeps its whole lines, the step
    fails in one line, and once there is space again the next make records the run."""
    history = (project / HISTORY).read_bytes()
    # Pad with a blank line so that the file ends 100 bytes before a page boundary: the next record
    # (some 400 bytes) then starts in the last page and must spill into a page that is not there.
    padding = (-len(history) - 100 - 1) % PAGE
    padded = history + b" " * padding + b"\n"
    with small_disk(tmp_path / "disk", kib=64) as disk:
        path = disk / "history.jsonl"
        path.write_bytes(padded)
        filler = fill(disk)
        retrain_knn(project)
        result = run(["make", f"HISTORY={path}"], project)
        one_line_failure(result, f"error: cannot write {path}: the disk is full")
        assert path.read_bytes() == padded
        filler.unlink()
        succeed(["make", f"HISTORY={path}"], project)
        records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    assert len(records) == len(history.splitlines()) + 1 and records[-1]["settings"]["params"]["cv_folds"] == 4


def test_a_damaged_history_line_is_skipped_and_counted_not_fatal(project):
    """A line cut short in reports/history.jsonl no longer breaks make or `invoke history`: it is
    skipped with a warning that counts it, and the next record starts on a line of its own."""
    path = project / HISTORY
    runs = len(path.read_text().splitlines())
    with open(path, "ab") as file:
        file.write(b'{"time": "2026-12-02T05:00:35", "model": "kn')  # a record cut short, no newline
    retrain_knn(project)
    built = succeed(["make"], project)
    assert "cv_folds" not in built  # nothing odd printed on stdout
    shown = run([sys.executable, "-m", "invoke", "history"], project)
    assert shown.returncode == 0 and "skipped 1 damaged line(s)" in shown.stderr, shown.stderr
    assert "knn: " in shown.stdout
    records = [line for line in path.read_text().splitlines() if line.strip()]
    assert len(records) == runs + 2 and json.loads(records[-1])["model"] == "knn"


def test_two_makes_at_once_record_each_run_once(project):
    """Two builds started together both score the retrained model; the history records that run once."""
    before = len((project / HISTORY).read_text().splitlines())
    retrain_knn(project)
    environment = {**os.environ, "PYTHON": sys.executable}
    builds = [
        subprocess.Popen(["make"], cwd=project, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [build.communicate(timeout=600) for build in builds]
    assert all(build.returncode == 0 for build in builds), outputs
    records = [json.loads(line) for line in (project / HISTORY).read_text().splitlines()]
    new = records[before:]
    assert [record["model"] for record in new] == ["knn"], new
