"""Delimited text as downloaded: other encodings, lines that do not parse, a trailing web page.

`[data] encoding` names the file's encoding (default UTF-8). A byte that does not decode is reported
by its line number and the bytes themselves (escaped, never the whole line). Lines that are not rows
of the table (too many fields, undecodable bytes, NUL bytes: binary data such as what a browser
appends to a saved page, a browser's HTML saved at the end) stop the snapshot with their line
number, or with `[data] bad_lines = "skip"` are left out and counted, with the first few line
numbers printed. Messages name the section that read the file: `[data]`, or `[submit]` for the test
set. A spreadsheet's empty rows, saved as lines of only separators (",,"), are left out and counted,
and the file read again without them, so a column of whole numbers stays whole. The fast path is
pandas' own reader; the file is read again only to explain or skip what it could not read.

This module holds the options and the line by line helpers (no import of the package);
formats.py's `read_delimited` reads the text with them and says what stops it.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

# Line numbers shown of the lines skipped; the count covers them all.
SHOWN_LINES = 5
# Bytes shown of an undecodable sequence.
SHOWN_BYTES = 16
# Bytes of a file read at once when looking for NUL bytes.
NUL_BLOCK = 1 << 20


@dataclass(frozen=True)
class TextOptions:
    """How to read a delimited text file: its encoding, what to do with lines that do not parse, and the
    names of its columns when it has no header row (none: its first line names them)."""

    encoding: str = "utf-8"
    bad_lines: str = "error"
    names: tuple[str, ...] = ()
    section: str = "data"  # the config.toml section that names the file: "data", or "submit" for the test set
    decimal: str = "."  # "," in a European spreadsheet's semicolon-separated export (`semicolon_dialect`)

    def setting(self, key: str) -> str:
        """How a message names one of these settings: "[submit] bad_lines" for the test set."""
        return f"[{self.section}] {key}"

    @property
    def skip_hint(self) -> str:
        return f'or set {self.setting("bad_lines")} = "skip" to leave such lines out'

    @property
    def first_row(self) -> int:
        """The line (from 0) of the first row: after the header, if the file has one."""
        return 0 if self.names else 1


# Files as they should be: UTF-8, every line a row.
PLAIN_TEXT = TextOptions()


def unnamed_fields(names: int, fields: int, where: str, options: TextOptions) -> str:
    """The error for `[data] columns` naming `names` columns of a table of `fields` fields."""
    return (
        f"{options.setting('columns')} names {names} column(s) but the rows of {where} have {fields} "
        "fields: name every field, in order"
    )


def names_not_needed(fmt: str, options: TextOptions) -> str:
    """The error for `[data] columns` given for a `fmt` file, which names its own columns."""
    return (
        f"{options.setting('columns')} names the columns of a CSV or TSV file without a header row; {fmt} "
        "files name their own: remove it"
    )


def not_text(line: bytes, options: TextOptions) -> str | None:
    """Why a line is not text in the file's encoding, for an error after "line N"; None when it is."""
    try:
        text = line.decode(options.encoding)
    except UnicodeDecodeError as error:
        bad = line[error.start : min(error.end, error.start + SHOWN_BYTES)]
        return (
            f"has bytes that are not {options.encoding}: {bad!r}; set {options.setting('encoding')} to the "
            f'file\'s encoding (e.g. "latin-1" or "cp1252"), {options.skip_hint}'
        )
    if "\x00" in text:
        return (
            "holds NUL bytes, which text never does: binary data saved with the table, or a UTF-16 file "
            f'(then set {options.setting("encoding")} = "utf-16"); remove it, {options.skip_hint}'
        )
    return None


def holds_nul(source: Path | bytes, encoding: str) -> bool:
    """Whether the raw bytes hold a NUL, which no line of text in an ASCII-based encoding does; UTF-16 and
    UTF-32 text has them everywhere. A file is read a block at a time (memchr's speed, little memory)."""
    if "\n,\x00".encode(encoding, errors="replace") != b"\n,\x00":
        return False
    if isinstance(source, bytes):
        return b"\x00" in source
    with source.open("rb") as file:
        return any(b"\x00" in block for block in iter(lambda: file.read(NUL_BLOCK), b""))


def looks_like_markup(line: bytes) -> bool:
    """Whether a line is HTML or XML (a page saved by a browser), not a row of a table."""
    return bool(re.match(rb"\s*<[!/a-zA-Z?]", line))


def is_markup_row(row: pd.Series) -> bool:
    """A row pandas made of a markup line: its first cell the line, the others empty."""
    first = row.iloc[0]
    return isinstance(first, str) and looks_like_markup(first.encode()) and bool(row.iloc[1:].isna().all())


def line_numbers(numbers: list[int]) -> str:
    """ "line 7", "lines 7, 9, 12, 15, 20 and 3 more": the first SHOWN_LINES of `numbers`."""
    shown = ", ".join(map(str, numbers[:SHOWN_LINES]))
    more = f" and {len(numbers) - SHOWN_LINES} more" if len(numbers) > SHOWN_LINES else ""
    return f"line{'s' if len(numbers) > 1 else ''} {shown}{more}"


def in_original(number: int, removed: list[int]) -> int:
    """Line `number` of the text left once the lines `removed` (sorted) were taken out, in the original."""
    for gone in removed:
        if gone <= number:
            number += 1
    return number


def pandas_read(
    buffer: BinaryIO, sep: str, options: TextOptions, **reader: Any
) -> tuple[pd.DataFrame, list[int]]:
    """pandas' reading of the text (`reader`: more of read_csv's settings), and (skipping) the numbers of
    the lines it skipped; without a header row (`options.names`), the columns are numbered."""
    skip = options.bad_lines == "skip"
    header = {"header": None} if options.names else {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        frame = pd.read_csv(
            buffer,
            sep=sep,
            decimal=options.decimal,
            encoding=options.encoding,
            on_bad_lines="warn" if skip else "error",
            **header,
            **reader,
        )
    skipped = [int(n) for warning in caught for n in re.findall(r"Skipping line (\d+)", str(warning.message))]
    return frame, sorted(skipped)


def semicolon_dialect(start: bytes, options: TextOptions) -> TextOptions | None:
    """The options for a CSV file that starts with `start` when it is separated by semicolons, as a
    European spreadsheet saves CSV (its first line has semicolons and no comma), with a decimal comma when
    its numbers show one (`14,23`); None for a comma-separated file."""
    lines = start.splitlines()
    if options.names or not lines or b"," in lines[0] or b";" not in lines[0]:
        return None
    decimal_comma = any(re.search(rb"\d,\d", line) for line in lines[1:50])
    return replace(options, decimal="," if decimal_comma else ".")


def line_at(content: bytes, number: int) -> bytes:
    lines = content.splitlines()
    return lines[number - 1] if 0 < number <= len(lines) else b""


def line_end(start: bytes) -> str | None:
    """The line end to tell pandas, from the `start` of a text: "\\r" for a text whose lines end in it
    alone (old Macs, some spreadsheets), which pandas' reader splits alike but counts as one line."""
    return "\r" if b"\r" in start and b"\n" not in start else None


def empty_rows(frame: pd.DataFrame) -> np.ndarray:
    """The positions of the rows with no value at all (a spreadsheet's empty rows): only the rows whose
    first field is missing are looked at whole, so a table without them costs one column's check."""
    if not frame.shape[1]:
        return np.empty(0, np.int64)
    maybe = np.flatnonzero(frame.iloc[:, 0].isna().to_numpy())
    return maybe[frame.iloc[maybe].isna().all(axis=1).to_numpy()] if len(maybe) else maybe
