"""Where the data comes from: `[data]` in config.toml, read into one frame.

`[data] source` is one of:
- a file, or a glob of files of one kind: .csv .tsv .parquet .json .jsonl .xlsx (or as `format` says);
- a database URL that SQLAlchemy understands (sqlite:///..., postgresql://...), with `query`;
- an http(s):// URL that returns CSV or JSON (`records_path`, `next_path`, `headers`, `timeout`, `retries`).
With a file or URL, `query` is SQL run by DuckDB over the data as the table `source`.
`${NAME}` in `source` and in header values is read from the environment or `.env`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import pandas as pd

from ..config import URL
from ..errors import StepError
from .credentials import expand, mask
from .formats import FORMATS
from .local import read_files

HTTP = ("http://", "https://")


@dataclass(frozen=True)
class DataSettings:
    """The `[data]` settings the snapshot reads: every key there but `target`."""

    source: str
    format: str | None = None
    query: str | None = None
    sheet: str | int = 0
    records_path: str = ""
    next_path: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    timeout: float = 30
    retries: int = 2

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> DataSettings:
        """Settings from the data stage's settings file, each checked so a typo gets a clear message."""
        known = [f.name for f in fields(cls)]
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise StepError(f"[data] {unknown[0]} is not a setting; they are: target, {', '.join(known)}")
        settings = cls(**values)
        if settings.format is not None and settings.format not in FORMATS:
            raise StepError(f"[data] format {settings.format!r} is not one of {', '.join(FORMATS)}")
        if not is_number(settings.timeout) or settings.timeout <= 0:
            raise StepError(f"[data] timeout must be a number of seconds above 0, not {settings.timeout!r}")
        if (
            not isinstance(settings.retries, int)
            or isinstance(settings.retries, bool)
            or settings.retries < 0
        ):
            raise StepError(f"[data] retries must be a whole number, 0 or more, not {settings.retries!r}")
        headers = settings.headers
        if not isinstance(headers, dict) or not all(isinstance(value, str) for value in headers.values()):
            raise StepError(
                '[data] headers must be a table of strings: headers = { Name = "text or ${NAME}" }'
            )
        return settings


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def kind(source: str) -> str:
    """Which reader `source` needs: "http", "database" or "files"."""
    if source.lower().startswith(HTTP):
        return "http"
    if URL.match(source):
        return "database"
    return "files"


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
    else:
        frame = read_files(source, settings.format, settings.records_path, settings.sheet)
    if not settings.query:
        return frame
    from .sql import query_frame

    return query_frame(frame, settings.query)
