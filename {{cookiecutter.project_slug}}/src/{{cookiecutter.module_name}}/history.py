"""The run history: every scored model, one line each in reports/history.jsonl (`invoke history`).

When make runs the evaluate step, it appends one record: when, the git commit (if the project is
a git repository), the model, its settings, its metrics and the checksum of the data snapshot it
was trained on. Nothing else reads the file, so scores stay reproducible and `make clean` keeps it.
`invoke history` shows each model's best runs and which settings differ from its best; the report
shows the score over time (history_summary.py writes both).

Appending is safe when `make -j` evaluates models side by side, or two `make`s run at once: each
append holds an exclusive lock on the file, skips a run already recorded (the same model, settings,
data, commit and scores: both builds scored it), and writes one whole line or, failing (a full disk), cuts the
file back to where it was and says so. A line damaged anyway (by hand, or by an older version) is
skipped by the reader, with a warning that counts it. Standard library only: tasks.py uses it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .errors import StepError
from .files import disk_full, is_disk_full
from .history_summary import Record, score

# The Makefile names the history file in this variable; steps run by hand record nothing.
VARIABLE = "HISTORY"
SNAPSHOT = Path("data/raw/snapshot.json")
# The model settings that say which model this is rather than how it was set.
NOT_SETTINGS = ("model", "module", "task")
# What a readable record holds, at least: the fields every summary of the history uses.
REQUIRED = ("time", "model", "primary_metric", "higher_is_better", "metrics")


def git_commit(folder: Path) -> str | None:
    """The short hash of the commit checked out in `folder`, or None outside a git repository."""
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=folder, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if found.returncode != 0:
        return None
    return found.stdout.strip() or None


def snapshot_checksum(snapshot: Path) -> str | None:
    """The data snapshot's SHA-256, as data/raw/snapshot.json records it (None without a snapshot)."""
    try:
        return json.loads(snapshot.read_text(encoding="utf-8"))["sha256"]
    except (OSError, ValueError, KeyError):
        return None


def record(
    result: Mapping[str, Any],
    settings: Mapping[str, Any],
    when: datetime,
    commit: str | None,
    data: str | None,
) -> Record:
    """One run: a model's metrics file (`result`), the model's stage settings, when, commit, data checksum.

    Its key is all of that but the time, so a second record of the same run is skipped.
    """
    what = [result, {key: value for key, value in settings.items() if key not in NOT_SETTINGS}, commit, data]
    return {
        "key": hashlib.sha256(json.dumps(what, sort_keys=True, default=str).encode()).hexdigest()[:16],
        "time": when.isoformat(timespec="seconds"),
        "commit": commit,
        "model": result["model"],
        "settings": {key: value for key, value in settings.items() if key not in NOT_SETTINGS},
        "sample": result.get("sample"),
        "primary_metric": result["primary_metric"],
        "higher_is_better": result["higher_is_better"],
        "metrics": result["metrics"],
        "data_sha256": data,
    }


def append(run: Record, path: Path) -> None:
    """Add `run` as one whole line at the end of `path`, unless a record with its key is there already."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # released when the descriptor closes
        with open(descriptor, "rb", closefd=False) as file:
            text = file.read()
        if any(recorded.get("key") == run["key"] for recorded in parse(text)[0]):
            return
        # a line cut short by hand or by an older version must not swallow this one
        start = b"\n" if text and not text.endswith(b"\n") else b""
        write_all(
            descriptor, start + (json.dumps(run, sort_keys=True) + "\n").encode("utf-8"), len(text), path
        )
    finally:
        os.close(descriptor)


def write_all(descriptor: int, line: bytes, size: int, path: Path) -> None:
    """Write all of `line`, looping over short writes; on failure cut the file back to `size` bytes."""
    try:
        written = 0
        while written < len(line):
            written += os.write(descriptor, line[written:])
        os.fsync(descriptor)
    except OSError as error:
        os.ftruncate(descriptor, size)
        if is_disk_full(error):
            raise disk_full(path) from None
        raise StepError(f"cannot add this run to {path}: {error.strerror}") from None


def log_run(result: Mapping[str, Any], settings: Mapping[str, Any]) -> None:
    """Append this run to the history file make names in $HISTORY; nothing when run by hand."""
    path = os.environ.get(VARIABLE)
    if path:
        now = datetime.now(timezone.utc)
        data, commit = snapshot_checksum(SNAPSHOT), git_commit(Path.cwd())
        append(record(result, settings, now, commit, data), Path(path))


def parse(text: bytes) -> tuple[list[Record], int]:
    """The records in the history file's bytes `text`, and how many lines were damaged (skipped)."""
    runs, damaged = [], 0
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            run = json.loads(line)
            if not isinstance(run, dict) or not all(key in run for key in REQUIRED):
                raise ValueError("not a run")
            score(run)
        except (ValueError, TypeError, KeyError):  # bad JSON, bad UTF-8, a record without its score
            damaged += 1
            continue
        runs.append(run)
    return runs, damaged


def read(path: Path) -> list[Record]:
    """Every run recorded in `path`, oldest first (none without a file); damaged lines are skipped,
    with a warning that counts them."""
    if not path.is_file():
        return []
    runs, damaged = parse(path.read_bytes())
    if damaged:
        print(
            f"warning: skipped {damaged} damaged line(s) of {path}; the other {len(runs)} run(s) are shown",
            file=sys.stderr,
        )
    return runs
