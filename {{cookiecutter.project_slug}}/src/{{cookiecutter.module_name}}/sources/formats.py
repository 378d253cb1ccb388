"""File formats: how to parse each into a frame (which format a name means is in __init__), and how
the frames of several files stack into one.

Local files and HTTP responses share these parsers, so a CSV or a JSON document
reads the same whichever way it arrives.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd

from ..errors import StepError
from ..progress import reading
from . import FORMATS
from .text import PLAIN_TEXT, TextOptions, read_delimited


def value_at(document: Any, path: str, where: str, setting: str = "records_path") -> Any:
    """The value at the dotted `path` ("data.items") inside a JSON document; "" is the document itself."""
    value = document
    walked = []
    for key in filter(None, path.split(".")):
        if not isinstance(value, dict) or key not in value:
            inside = f" under {'.'.join(walked)!r}" if walked else ""
            found = f"keys there: {', '.join(map(str, value))}" if isinstance(value, dict) else "no object"
            raise StepError(f"the JSON from {where} has no {key!r}{inside} ({found}): fix [data] {setting}")
        value = value[key]
        walked.append(key)
    return value


def records_frame(document: Any, records_path: str, where: str) -> pd.DataFrame:
    """The list of records at `records_path` as a frame; nested objects become dotted columns."""
    records = value_at(document, records_path, where)
    if isinstance(records, dict):
        raise StepError(
            f"the JSON from {where} is an object (keys: {', '.join(map(str, records))}), not a list of "
            'records: set [data] records_path to the key holding the list, e.g. records_path = "data.items"'
        )
    if not isinstance(records, list) or not all(isinstance(record, dict) for record in records):
        raise StepError(f"the JSON from {where} is not a list of objects: check [data] records_path")
    return pd.json_normalize(records)


# Text formats read front to back: a local file of these shows a bar of the bytes read.
STREAMED = ("jsonl",)
# Delimited text (sources/text.py reads it) -> its separator.
DELIMITED = {"csv": ",", "tsv": "\t"}


def parse(
    content: bytes | Path,
    fmt: str,
    where: str,
    records_path: str = "",
    sheet: str | int = 0,
    text: TextOptions = PLAIN_TEXT,
) -> pd.DataFrame:
    """Parse a `fmt` document (a file, or the bytes of a response) that came from `where`; `text` says
    how to read delimited text (its encoding, and its lines that do not parse)."""
    if fmt not in FORMATS:
        raise StepError(f"[data] format {fmt!r} is not one of {', '.join(FORMATS)}")
    try:
        if fmt in DELIMITED:
            return read_delimited(content, DELIMITED[fmt], text, where)
        if fmt == "json":
            text = content.read_bytes() if isinstance(content, Path) else content
            return records_frame(json.loads(text), records_path, where)
        if isinstance(content, Path) and fmt in STREAMED:
            with reading(content) as file:
                return parse_table(file, fmt, sheet)
        return parse_table(content if isinstance(content, Path) else io.BytesIO(content), fmt, sheet)
    # pandas', pyarrow's and json's parse errors are ValueErrors; a broken .xlsx is a bad zip file
    except (ValueError, OSError, zipfile.BadZipFile) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise StepError(f"cannot read {where} as {fmt}: {reason}; check the file or [data] format") from None


def parse_table(buffer: Path | BinaryIO, fmt: str, sheet: str | int) -> pd.DataFrame:
    """A table in any format but JSON documents (records_frame) and delimited text (text.py)."""
    if fmt == "jsonl":
        return pd.read_json(buffer, lines=True)
    if fmt == "parquet":
        return pd.read_parquet(buffer)
    return pd.read_excel(buffer, sheet_name=sheet)


def stack(frames: list[pd.DataFrame], names: list[str], pattern: str) -> pd.DataFrame:
    """The rows of `frames` (read from the files `names`, which `pattern` matched) as one frame."""
    columns = set(frames[0].columns)
    for name, frame in zip(names, frames, strict=True):
        missing, extra = sorted(columns - set(frame.columns)), sorted(set(frame.columns) - columns)
        if missing or extra:
            raise StepError(
                f"{name!r} does not have the columns of {names[0]!r} "
                f"(missing: {', '.join(missing) or '-'}; extra: {', '.join(extra) or '-'}): "
                f"make the files match, or narrow {pattern}"
            )
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
