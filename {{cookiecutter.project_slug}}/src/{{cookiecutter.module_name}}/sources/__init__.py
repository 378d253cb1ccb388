"""Where the data comes from: `[data]` in config.toml, read into one frame.

`[data] source` is one of:
- a file, or a glob of files of one kind: .csv .tsv .parquet .json .jsonl .xlsx (or as `format` says);
- a database URL that SQLAlchemy understands (sqlite:///..., postgresql://...), with `query`;
- an http(s):// URL that returns CSV or JSON (`records_path`, `next_path`, `headers`, `timeout`, `retries`,
  `max_bytes`, `max_pages`, `follow_redirects`);
- an object in a bucket, or a glob of objects of one kind: s3://, gs://, az:// (`storage_options`).
With a file, a URL or objects, `query` is SQL run by DuckDB over the data as the table `source`.
`${NAME}` in `source` and in header values is read from the environment or `.env`.

This module tells what a source is from its text alone, with the standard library only, so
config.py can ask it too; the data step's `read` does the reading, through the module for its kind.
"""

from __future__ import annotations

import codecs
import glob
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from ..errors import StepError
from .format_names import EXTENSIONS, FORMATS

if TYPE_CHECKING:
    from .text import TextOptions

HTTP = ("http://", "https://")
# Object stores fsspec reads, and the (module, extra) each needs: make installs the extra once.
OBJECT_STORES = {
    "s3": ("s3fs", "s3"),
    "gs": ("gcsfs", "gcs"),
    "gcs": ("gcsfs", "gcs"),
    "az": ("adlfs", "azure"),
    "abfs": ("adlfs", "azure"),
    "abfss": ("adlfs", "azure"),
}
URL = re.compile(r"^[a-zA-Z][\w+.-]*://")

# A SQL string literal, '' standing for a quote inside it
SQL_STRING = re.compile(r"'((?:[^']|'')*)'")
# [data] follow_redirects: to the same scheme, host and port only, or anywhere (without [data] headers)
REDIRECT_POLICIES = ("same-origin", "any")


def format_of(name: str, override: str | None = None) -> str:
    """The format of the file or URL path `name`: the override if set, else from its extension."""
    if override:
        return override
    suffix = PurePosixPath(name.split("?")[0]).suffix.lower()
    if suffix not in EXTENSIONS:
        raise StepError(
            f"cannot tell the format of {name!r} from its extension {suffix or '(none)'!r}: "
            f"use a file ending in {', '.join(EXTENSIONS)}, or set [data] format: {', '.join(FORMATS)}"
        )
    return EXTENSIONS[suffix]


# Examples in the errors for a setting that is not a table (TOML's inline tables)
HEADERS_EXAMPLE = 'headers = { Name = "text or ${NAME}" }'
STORAGE_EXAMPLE = 'storage_options = { endpoint_url = "..." }'


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
    # Who takes the snapshot ([data] engine) and, on Spark, the [spark] section it runs with.
    engine: str = "pandas"
    spark: dict[str, Any] = field(default_factory=dict)
    # The config.toml section a masked secret source is read back from ([submit] sources too).
    section: str = "data"
    max_bytes: int = 2_000_000_000
    max_pages: int = 10_000
    follow_redirects: str = "same-origin"
    encoding: str = "utf-8"  # a file's text encoding (csv, tsv)
    bad_lines: str = "error"  # "skip": leave out the lines of a file that are not rows of its table
    columns: list[str] = field(default_factory=list)  # a file without a header row: its column names
    storage_options: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> TextOptions:
        """How to read its delimited text files: encoding, bad lines, column names, and whose settings."""
        from .text import TextOptions  # here: text.py imports pandas, which the config step never needs

        return TextOptions(self.encoding, self.bad_lines, tuple(self.columns), self.section)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> DataSettings:
        """Settings from the data stage's settings file, each checked so a typo gets a clear message."""
        known = [f.name for f in fields(cls)]
        unknown = sorted(set(values) - set(known))
        section = f"[{values.get('section', 'data')}]"
        if unknown:
            raise StepError(f"{section} {unknown[0]} is not a setting; they are: target, {', '.join(known)}")
        settings = cls(**values)
        if settings.format is not None and settings.format not in FORMATS:
            raise StepError(f"{section} format {settings.format!r} is not one of {', '.join(FORMATS)}")
        if not is_number(settings.timeout) or settings.timeout <= 0:
            raise StepError(
                f"{section} timeout must be a number of seconds above 0, not {settings.timeout!r}"
            )
        if (
            not isinstance(settings.retries, int)
            or isinstance(settings.retries, bool)
            or settings.retries < 0
        ):
            raise StepError(f"{section} retries must be a whole number, 0 or more, not {settings.retries!r}")
        for limit in ("max_bytes", "max_pages"):
            value = getattr(settings, limit)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise StepError(f"{section} {limit} must be a whole number, 1 or more, not {value!r}")
        if settings.follow_redirects not in REDIRECT_POLICIES:
            raise StepError(
                f"{section} follow_redirects must be {' or '.join(map(repr, REDIRECT_POLICIES))}, "
                f"not {settings.follow_redirects!r}"
            )
        if settings.bad_lines not in ("error", "skip"):
            raise StepError(f'{section} bad_lines must be "error" or "skip", not {settings.bad_lines!r}')
        if not isinstance(settings.encoding, str) or not is_encoding(settings.encoding):
            raise StepError(
                f'{section} encoding {settings.encoding!r} is not an encoding Python knows: try "utf-8", '
                '"latin-1" or "cp1252"'
            )
        names = settings.columns
        if not isinstance(names, list) or not all(isinstance(name, str) and name.strip() for name in names):
            raise StepError(f'{section} columns must be a list of column names: columns = ["age", "income"]')
        if len(set(names)) < len(names):
            raise StepError(f"{section} columns names a column twice: give each column its own name")
        headers = settings.headers
        if not isinstance(headers, dict) or not all(isinstance(value, str) for value in headers.values()):
            raise StepError(f"{section} headers must be a table of strings: {HEADERS_EXAMPLE}")
        if not isinstance(settings.storage_options, dict):
            raise StepError(f"{section} storage_options must be a table: {STORAGE_EXAMPLE}")
        return settings


def is_encoding(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def kind(source: str) -> str:
    """Which reader `source` needs: "http", "objects", "database" or "files"."""
    if source.lower().startswith(HTTP):
        return "http"
    if store_of(source):
        return "objects"
    if URL.match(source):
        return "database"
    return "files"


def store_of(url: str) -> str:
    """The object store a URL names ("s3", "gs", ...), or "" for anything else."""
    scheme = url.partition("://")[0].lower()
    return scheme if "://" in url and scheme in OBJECT_STORES else ""


def store_extra(url: str) -> str:
    """The module and the extra an object store URL needs, as make's `extra` takes them ("s3fs s3"), or ""."""
    store = store_of(url)
    return " ".join(OBJECT_STORES[store]) if store else ""


def local_files(source: str) -> str:
    """The local file (or glob) a source reads, for make to watch; "" for a server, an API or a ${SECRET}.

    A SQLite database is a local file too. Make cannot see a remote change:
    `make fetch` fetches again.
    """
    if "${" in source:
        return ""
    if source.startswith("sqlite:///"):
        return source.removeprefix("sqlite:///").split("?")[0]
    if URL.match(source):
        return ""
    return source.replace("$", "$$")


def query_files(query: str | None) -> list[str]:
    """The local files a DuckDB [data] query reads, for make to watch: each string literal in it that
    names a file (or a glob of files) existing now, such as 'data/external/extra.csv' in a JOIN.

    Make cannot watch a name with a space in it; such a file is left out.
    """
    names = {match.group(1).replace("''", "'") for match in SQL_STRING.finditer(query or "")}
    found = [name for name in names if not URL.match(name) and not re.search(r"\s", name) and glob.glob(name)]
    return sorted(name.replace("$", "$$") for name in found)
