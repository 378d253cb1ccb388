"""Reading and writing the pipeline's files, so that no step leaves a half-written output."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import StepError

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

if TYPE_CHECKING:
    import pandas as pd

TOMLDecodeError = tomllib.TOMLDecodeError

# The report's figures live in this folder beside REPORT.md; only they are embedded in REPORT.html.
REPORT_FIGURES = "figures"


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; move it into place only if the block succeeds.

    An interrupted or failed step then leaves either the old file or none, never a
    half-written one that make would take for fresh. A full disk is one line naming the file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield temporary
        if path.is_dir():  # the dataset folder Spark wrote before [data] engine went back to "pandas"
            shutil.rmtree(path)
        os.replace(temporary, path)
    except OSError as error:
        # Only the write that failed names its file: with nested atomic paths (data.py) the others
        # have not started theirs, so their temporary file does not exist.
        ours = temporary.exists() or error.filename == str(temporary)
        if is_disk_full(error) and ours:
            raise disk_full(path) from None
        raise
    finally:
        temporary.unlink(missing_ok=True)


def is_disk_full(error: OSError) -> bool:
    """Whether `error` says the disk (or the user's quota) is full; pyarrow and joblib keep the errno."""
    return error.errno in (errno.ENOSPC, errno.EDQUOT) or "No space left on device" in str(error)


def disk_full(path: Path) -> StepError:
    return StepError(
        f"cannot write {path}: the disk is full; free some space and run make again "
        "(the previous version, if any, is kept)"
    )


def replace_with_folder(folder: Path, path: Path) -> None:
    """Move the finished `folder` to `path`, in place of the file or folder there (removed after)."""
    old = path.with_name(f".{path.name}.{os.getpid()}.old")
    if path.exists():
        os.replace(path, old)
    os.replace(folder, path)
    remove_folder(old)


def remove_folder(path: Path) -> None:
    """Remove `path`, a folder or a file, if it is there."""
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def parquet_options(frame: pd.DataFrame) -> dict[str, Any]:
    """How to write `frame` as Parquet: decimal columns without a dictionary of their values, as they
    rarely repeat (trying one cost a third of writing a million rows, for a larger file)."""
    kept = [str(name) for name, dtype in zip(frame.columns, frame.dtypes, strict=True) if dtype.kind != "f"]
    return {"index": False, "use_dictionary": kept}


def read_sample(path: Path, size: int | None, seed: int) -> tuple[pd.DataFrame, int]:
    """The rows of the Parquet table at `path`, or, when it holds more than `size`, the `size` of them
    that `DataFrame.sample(n=size, random_state=seed)` draws (the same rows, order and index), and how
    many rows it holds.

    Only the drawn rows are converted to pandas, by pandas' own reader (of them alone, as an in-memory
    Parquet file): KNN keeps 15,000 of a million-row CSV's 784,000 training rows, and converting them
    all cost its train and learning steps 0.1-0.4 s each, most of it allocating their memory.
    """
    import numpy as np
    import pandas as pd
    import pyarrow.parquet as pq

    # A Spark dataset is a folder, and a table saved with its index would need that index sampled: both
    # are read whole, then sampled.
    rows = pq.read_metadata(path).num_rows if path.is_file() else 0
    indexed = rows and (pq.read_schema(path).pandas_metadata or {}).get("index_columns")
    if size is not None and rows > size and not indexed:
        drawn = np.random.RandomState(seed).choice(rows, size, replace=False)  # DataFrame.sample's draw
        buffer = io.BytesIO()
        pq.write_table(pq.read_table(path).take(drawn), buffer)
        frame = pd.read_parquet(buffer)
        frame.index = pd.Index(drawn)  # each row's position in the table, as sample keeps it
        return frame, rows
    frame = pd.read_parquet(path)
    whole = size is None or len(frame) <= size
    return (frame if whole else frame.sample(n=size, random_state=seed)), len(frame)


def write_table(frame: pd.DataFrame, path: Path) -> None:
    with atomic_path(path) as temporary:
        frame.to_parquet(temporary, **parquet_options(frame))


def write_text(text: str, path: Path) -> None:
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


def write_json(value: Any, path: Path) -> None:
    write_text(json.dumps(value, indent=2) + "\n", path)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def read_toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read a block at a time: a snapshot is never held whole in memory to hash it."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(2**20):
            digest.update(block)
    return digest.hexdigest()
