"""Snapshot the configured data source into data/raw/: the pipeline's one entry point.

The snapshot is written once per source and made read-only: no later step
writes to data/raw/. `make snapshot` takes a fresh one.
"""

from __future__ import annotations

import hashlib
import os
import stat
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from .cli import StepError, run
from .files import atomic_path, read_json, write_json
from .progress import timed

READERS = {
    ".csv": pd.read_csv,
    ".tsv": lambda path: pd.read_csv(path, sep="\t"),
    ".parquet": pd.read_parquet,
    ".json": pd.read_json,
    ".jsonl": lambda path: pd.read_json(path, lines=True),
}


def read_source(source: Path) -> pd.DataFrame:
    """Read a local data file, choosing the reader by its extension."""
    if not source.is_file():
        raise StepError(f"data source {str(source)!r} does not exist: set [data] source in config.toml")
    reader = READERS.get(source.suffix.lower())
    if reader is None:
        raise StepError(
            f"data source {str(source)!r} has an unknown extension; use one of {', '.join(READERS)}"
        )
    try:
        return reader(source)
    except (ValueError, OSError) as error:
        raise StepError(f"cannot read data source {str(source)!r}: {error}") from None


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def describe_snapshot(frame: pd.DataFrame, source: Path) -> dict:
    """What was snapshotted, from where and when."""
    return {
        "source": str(source),
        "sha256": checksum(source),
        "taken_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "rows": len(frame),
        "columns": list(map(str, frame.columns)),
    }


def main(settings: Path, output: Path) -> None:
    """Copy the data source named in SETTINGS into OUTPUT (Parquet), with OUTPUT.json beside it."""
    source = Path(read_json(settings)["source"])
    with timed(f"reading {source}"):
        frame = read_source(source)
    if frame.empty:
        raise StepError(f"data source {str(source)!r} has no rows")
    write_json(describe_snapshot(frame, source), output.with_suffix(".json"))
    with atomic_path(output) as temporary:
        frame.to_parquet(temporary, index=False)
        os.chmod(temporary, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    print(f"data: {len(frame)} rows, {frame.shape[1]} columns from {source} -> {output} (read-only)")


if __name__ == "__main__":
    run(main)
