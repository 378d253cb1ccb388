"""Read a `[data]` source into one frame, through the reader its kind needs."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from . import DataSettings, kind
from .credentials import expand, mask
from .local import read_files


def read(settings: DataSettings, variables: Mapping[str, str]) -> pd.DataFrame:
    """Everything `settings` describe, as one frame; `variables` fill in `${NAME}`."""
    source = expand(settings.source, variables, "source")
    shown = mask(source)
    source_kind = kind(source)
    # The database and HTTP libraries are imported only for a source that needs them,
    # so reading a local file (the everyday case) starts quickly.
    if source_kind == "database":
        from .sql import read_database

        return read_database(source, settings.query, shown, settings.timeout)
    if source_kind == "http":
        from .web import read_http

        headers = {name: expand(value, variables, "headers") for name, value in settings.headers.items()}
        frame = read_http(
            source,
            headers,
            timeout=settings.timeout,
            retries=settings.retries,
            fmt=settings.format,
            records_path=settings.records_path,
            next_path=settings.next_path,
        )
    elif source_kind == "objects":
        from .objects import read_objects

        frame, objects = read_objects(settings, source, variables)
        # what snapshot.json records, so that `invoke fetch` can tell "unchanged" without downloading
        return with_objects(query(frame, settings.query), objects)
    else:
        frame = read_files(source, settings.format, settings.records_path, settings.sheet)
    return query(frame, settings.query)


def query(frame: pd.DataFrame, sql: str | None) -> pd.DataFrame:
    """`frame`, or what `sql` (DuckDB, the frame being `source`) makes of it."""
    if not sql:
        return frame
    from .sql import query_frame

    return query_frame(frame, sql)


def with_objects(frame: pd.DataFrame, objects: list[dict]) -> pd.DataFrame:
    frame.attrs["objects"] = objects
    return frame
