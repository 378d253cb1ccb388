"""File formats: how to parse each into a frame (which format a name means is in format_names.py), and how
the frames of several files stack into one.

Local files and HTTP responses share these parsers, so a CSV or a JSON document
reads the same whichever way it arrives.
"""

from __future__ import annotations

import io
import itertools
import json
import re
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd

from ..errors import StepError
from ..progress import reading
from .format_names import FORMATS
from .text import (
    PLAIN_TEXT,
    TextOptions,
    empty_rows,
    holds_nul,
    in_original,
    is_markup_row,
    line_at,
    line_end,
    line_numbers,
    looks_like_markup,
    names_not_needed,
    not_text,
    pandas_read,
    semicolon_dialect,
    unnamed_fields,
)


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


# Delimited text: the bytes looked at for its line end, when a file is read again without its empty rows.
START_BYTES = 65536
# Text formats read front to back: a local file of these shows a bar of the bytes read.
STREAMED = ("jsonl",)
# Delimited text (read_delimited below, with text.py's helpers) -> its separator.
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
        raise StepError(f"{text.setting('format')} {fmt!r} is not one of {', '.join(FORMATS)}")
    if text.names and fmt not in DELIMITED:
        raise StepError(names_not_needed(fmt, text))
    try:
        if fmt in DELIMITED:
            return read_delimited(content, DELIMITED[fmt], text, where)
        if fmt == "json":
            document = content.read_bytes() if isinstance(content, Path) else content
            return records_frame(json.loads(document), records_path, where)
        if isinstance(content, Path) and fmt in STREAMED:
            with reading(content) as file:
                return parse_table(file, fmt, sheet)
        return parse_table(content if isinstance(content, Path) else io.BytesIO(content), fmt, sheet)
    # pandas', pyarrow's and json's parse errors are ValueErrors; a broken .xlsx is a bad zip file
    except (ValueError, OSError, zipfile.BadZipFile) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise StepError(
            f"cannot read {where} as {fmt}: {reason}; check the file or {text.setting('format')}"
        ) from None


def read_delimited(source: Path | bytes, sep: str, options: TextOptions, where: str) -> pd.DataFrame:
    """The table in the delimited text `source` (a file, or a response's bytes), as `options` say; a CSV
    separated by semicolons is read as such, said in a line."""
    if sep == ",":
        start = read_start(source)
        european = semicolon_dialect(start, options)
        if european is not None:
            sep, options = ";", european
            decimal = ", with decimal commas" if european.decimal == "," else ""
            print(f"  {where}: separated by semicolons (its first line has no comma){decimal}")
    try:
        if holds_nul(source, options.encoding):
            frame, left_out = read_text_lines(source, sep, options, where)
        elif isinstance(source, Path):
            with reading(source) as file:
                frame, left_out = pandas_read(file, sep, options)
        else:
            frame, left_out = pandas_read(io.BytesIO(source), sep, options)
    except UnicodeDecodeError:
        frame, left_out = read_text_lines(source, sep, options, where)
    except pd.errors.ParserError as error:
        found = re.search(r"line (\d+)", str(error))
        number = int(found.group(1)) if found else 0
        content = source.read_bytes() if isinstance(source, Path) else source
        what = (
            "is HTML, not a row of the table (a web page saved with the data?)"
            if looks_like_markup(line_at(content, number))
            else f"has more fields than the {'first row' if options.names else 'header'}"
        )
        raise StepError(
            f"cannot read {where}: line {number} {what}: remove it, {options.skip_hint}"
        ) from None
    frame = named(frame, options, where)
    markup = trailing_markup(frame, source, left_out, options, where)
    if markup:  # read again without it: the ids it made text, or the numbers it made floats, are typed anew
        frame, left_out = read_lines_but(source, sorted({*left_out, *markup}), sep, options)
        frame = named(frame, options, where)
    if left_out:
        print(
            f"  skipped {len(left_out)} line(s) of {where} that are not rows of the table "
            f'({options.setting("bad_lines")} = "skip"): {line_numbers(left_out)}'
        )
    return without_empty_rows(frame, source, sep, options, where, read_whole=not left_out)


def read_start(source: Path | bytes) -> bytes:
    """The first START_BYTES of a file or of a response's bytes."""
    if isinstance(source, bytes):
        return source[:START_BYTES]
    with source.open("rb") as file:
        return file.read(START_BYTES)


def read_text_lines(
    source: Path | bytes, sep: str, options: TextOptions, where: str
) -> tuple[pd.DataFrame, list[int]]:
    """The table in the lines of `source` that are text (`not_text`), only when skipping (else an error
    naming the first line that is not), and the numbers of the lines that are not rows, as in `source`."""
    content = source.read_bytes() if isinstance(source, Path) else source
    binary = []
    for number, line in enumerate(content.splitlines(), start=1):
        reason = not_text(line, options)
        if reason and options.bad_lines != "skip":
            raise StepError(f"cannot read {where}: line {number} {reason}")
        if reason:
            binary.append(number)
    return read_lines_but(content, binary, sep, options)


def read_lines_but(
    source: Path | bytes, left_out: list[int], sep: str, options: TextOptions
) -> tuple[pd.DataFrame, list[int]]:
    """The table in the lines of `source` but those numbered `left_out` (sorted), and the numbers of
    every line that is not a row (those, and the lines pandas skipped), as in `source`."""
    content = source.read_bytes() if isinstance(source, Path) else source
    gone = set(left_out)
    kept = b"".join(
        line for number, line in enumerate(content.splitlines(keepends=True), start=1) if number not in gone
    )
    frame, skipped = pandas_read(io.BytesIO(kept), sep, options)
    return frame, sorted({*left_out, *(in_original(number, left_out) for number in skipped)})


def named(frame: pd.DataFrame, options: TextOptions, where: str) -> pd.DataFrame:
    """A table read without a header row with its columns named `options.names` (none: as its header
    named them)."""
    names = options.names
    if names and frame.shape[1] != len(names):
        raise StepError(unnamed_fields(len(names), frame.shape[1], where, options))
    return frame.set_axis(list(names), axis=1) if names else frame


def without_empty_rows(
    frame: pd.DataFrame, source: Path | bytes, sep: str, options: TextOptions, where: str, read_whole: bool
) -> pd.DataFrame:
    """The frame without a spreadsheet's empty rows (lines of only separators), saying how many: read
    again without those lines when every line was read (`read_whole`: then row i is line i + the first
    row's), so that the columns they made floats (a missing value has no integer) are whole numbers again."""
    empty = empty_rows(frame)
    if not len(empty):
        return frame
    print(f"  left out {len(empty)} empty row(s) of {where}: no value in any column")
    if read_whole:
        reader = {"skiprows": set((empty + options.first_row).tolist())}
        if isinstance(source, Path):
            with source.open("rb") as file:
                reader["lineterminator"] = line_end(file.read(START_BYTES))
            with reading(source) as file:
                again, _ = pandas_read(file, sep, options, **reader)
        else:
            reader["lineterminator"] = line_end(source[:START_BYTES])
            again, _ = pandas_read(io.BytesIO(source), sep, options, **reader)
        if len(again) == len(frame) - len(empty) and not len(empty_rows(again)):
            return again.set_axis(frame.columns, axis=1)
    return frame.drop(index=frame.index[empty]).reset_index(drop=True)


def last_line_number(source: Path | bytes) -> int:
    """The number of the last line that is not empty."""
    content = source.read_bytes() if isinstance(source, Path) else source
    return len(content.rstrip(b"\r\n \t").splitlines())


def trailing_markup(
    frame: pd.DataFrame, source: Path | bytes, left_out: list[int], options: TextOptions, where: str
) -> list[int]:
    """The numbers of the lines at the end that pandas read as rows but are markup (a saved page): an error
    naming them unless skipping; `left_out`: the lines that were no rows already."""
    trailing = 0
    while trailing < len(frame) - 1 and frame.shape[1] > 1 and is_markup_row(frame.iloc[-1 - trailing]):
        trailing += 1
    if not trailing:
        return []
    # the rows' lines: the last lines but those already left out (undecodable, binary, too many fields)
    gone = set(left_out)
    lines_up = (number for number in range(last_line_number(source), 0, -1) if number not in gone)
    markup = sorted(itertools.islice(lines_up, trailing))
    if options.bad_lines != "skip":
        lines = f"line {markup[0]}" if trailing == 1 else f"lines {markup[0]} to {markup[-1]}"
        raise StepError(
            f"cannot read {where}: {lines}, at the end, is HTML, not a row of the table (a web page "
            f"saved with the data?): remove it, {options.skip_hint}"
        )
    return markup


def parse_table(buffer: Path | BinaryIO, fmt: str, sheet: str | int) -> pd.DataFrame:
    """A table in any format but JSON documents (records_frame) and delimited text (read_delimited)."""
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
