"""Snapshot the configured data source into data/raw/: the pipeline's one entry point.

The source is read in full first (a file, files, a database query, an HTTP API or objects in a
bucket: `read` picks the module of sources/ its kind needs), then the snapshot and its metadata
are written side by side and moved into place together, so a failed or interrupted fetch leaves
the previous snapshot as it was. The snapshot is read-only: no later step writes to data/raw/.
Make cannot see a remote source change: `make snapshot` (`invoke fetch`) takes a fresh one.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa

from .cli import run
from .errors import StepError
from .files import atomic_path, parquet_options, read_json, sha256_of
from .sources import DataSettings, kind
from .sources.credentials import environment, expand, mask
from .sources.local import read_files
from .sources.objects import read_objects, settings_fingerprint, unchanged
from .sources.settings_file import load_settings

# The frame's attribute (pandas' DataFrame.attrs) holding the URL an HTTP source answered from, masked
FINAL_URL = "final_url"


def read(settings: DataSettings, variables: Mapping[str, str]) -> pd.DataFrame:
    """Everything `settings` describe, as one frame; `variables` fill in `${NAME}`."""
    source = expand(settings.source, variables, "source")
    shown = mask(source)
    source_kind = kind(source)
    # The database and HTTP libraries are imported only for a source that needs them,
    # so reading a local file (the everyday case) starts quickly.
    if source_kind == "database":
        from .sources.sql import read_database

        return read_database(source, settings.query, shown, settings.timeout)
    if source_kind == "http":
        from .sources.web import read_http

        headers = {name: expand(value, variables, "headers") for name, value in settings.headers.items()}
        frame, final_url = read_http(source, headers, settings)
        frame.attrs[FINAL_URL] = mask(final_url)
    elif source_kind == "objects":
        frame, objects = read_objects(settings, source, variables)
        # what snapshot.json records, so that `invoke fetch` can tell "unchanged" without downloading
        frame.attrs["objects"] = objects
    else:
        frame = read_files(source, settings.format, settings.records_path, settings.sheet, settings.text)
    if not settings.query:
        return frame
    from .sources.sql import query_frame

    queried = query_frame(frame, settings.query)
    queried.attrs = frame.attrs
    return queried


def describe_snapshot(frame: pd.DataFrame, settings: DataSettings, table: Path) -> dict:
    """What was snapshotted, from where (secrets in URLs masked) and when; `table` is the Parquet file."""
    return {
        "source": mask(settings.source),
        "query": settings.query and mask(settings.query),  # DuckDB can read URLs named in the query
        **({FINAL_URL: frame.attrs[FINAL_URL]} if FINAL_URL in frame.attrs else {}),  # after redirects
        "taken_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "rows": len(frame),
        "columns": frame.shape[1],
        "column_names": list(frame.columns),
        "sha256": sha256_of(table),
        # objects in a bucket: what they were, for `invoke fetch` to tell whether they changed
        **(
            {"objects": frame.attrs["objects"], "settings_sha256": settings_fingerprint(settings)}
            if "objects" in frame.attrs
            else {}
        ),
    }


def check_not_empty(frame: pd.DataFrame, settings: DataSettings) -> None:
    if frame.empty:
        fix = "check [data] query" if settings.query else "check [data] source"
        raise StepError(f"data source {mask(settings.source)!r} gave no rows: {fix}")


def write_snapshot(frame: pd.DataFrame, settings: DataSettings, output: Path) -> None:
    """Write OUTPUT (Parquet) and OUTPUT.json, read-only; the old ones are replaced once both are written."""
    with atomic_path(output) as table, atomic_path(output.with_suffix(".json")) as metadata:
        try:
            frame.to_parquet(table, **parquet_options(frame))
        except (pa.ArrowException, ValueError) as error:
            raise StepError(
                f"cannot store the data as Parquet: {str(error).splitlines()[0]}; a column probably mixes "
                "kinds of values: convert it in [data] query, or fix it at the source"
            ) from None
        description = describe_snapshot(frame, settings, table)
        metadata.write_text(json.dumps(description, indent=2) + "\n", encoding="utf-8")
        for written in (table, metadata):
            os.chmod(written, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


def unwritable(folder: Path) -> StepError:
    """The error for a snapshot folder that cannot be written (read-only, or another user's)."""
    return StepError(
        f"cannot write the snapshot into {folder}/: the folder is read-only or belongs to another user; "
        f"make it yours and writable (chown, then chmod u+w {folder}) and run make again"
    )


def load(settings: DataSettings) -> pd.DataFrame:
    """The configured source, read as `make data` reads it.

    Relative paths in the settings are relative to the project's folder, where make runs.
    """
    try:
        frame = read(settings, environment())
        check_not_empty(frame, settings)
    except StepError as error:
        raise in_section(error, settings.section) from None
    return frame


def in_section(error: StepError, section: str) -> StepError:
    """`error` naming the settings of `section`: the readers name theirs as [data]'s, and a test set is read
    with [submit]'s (its source, query, records_path, timeout...)."""
    return error if section == "data" else StepError(str(error).replace("[data]", f"[{section}]"))


def still_fresh(settings: DataSettings, output: Path) -> bool:
    """On `make fetch`: whether the snapshot at OUTPUT was taken with these settings from the objects in a
    bucket the source names now (nothing else can be compared without reading it all again)."""
    metadata = output.with_suffix(".json")
    if not (output.exists() and metadata.exists()):
        return False
    return unchanged(settings, read_json(metadata), environment())


def main(settings: Path, output: Path) -> None:
    """Read the data source named in SETTINGS into OUTPUT (Parquet), with OUTPUT.json beside it."""
    data_settings = load_settings(settings)
    if output.parent.is_dir() and not os.access(output.parent, os.W_OK):
        raise unwritable(output.parent)  # before a source that may take minutes to read
    if os.environ.get("FETCH_IF_CHANGED") == "1" and still_fresh(data_settings, output):
        shown = mask(data_settings.source)
        print(f"data: unchanged (the same objects, sizes and ETags) at {shown}; {output} kept")
        return
    frame = load(data_settings)
    frame.columns = [str(name) for name in frame.columns]  # Parquet needs text column names
    try:
        write_snapshot(frame, data_settings, output)
    except PermissionError:  # what os.access cannot foresee: an immutable folder, a read-only mount
        raise unwritable(output.parent) from None
    shown = mask(data_settings.source)
    print(f"data: {len(frame)} rows, {frame.shape[1]} columns from {shown} -> {output} (read-only)")


if __name__ == "__main__":
    run(main)
