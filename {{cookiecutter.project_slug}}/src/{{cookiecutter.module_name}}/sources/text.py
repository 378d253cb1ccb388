"""Delimited text as downloaded: other encodings, lines that do not parse, a trailing web page.

`[data] encoding` names the file's encoding (default UTF-8). A byte that does not decode is
reported by its line number and the bytes themselves (escaped, never the whole line). Lines
that are not rows of the table (too many fields, undecodable bytes, a browser's HTML saved at
the end) stop the snapshot with their line number, or with `[data] bad_lines = "skip"` are left
out and counted, with the first few line numbers printed. A spreadsheet's empty rows, saved as
lines of only separators (",,"), are left out and counted, and the file read again without them,
so a column of whole numbers stays whole. The fast path is pandas' own reader; the file is read
again only to explain or skip what it could not read.

This module holds the options and the line by line helpers (no import of the package);
formats.py's `read_delimited` reads the text with them and says what stops it.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

# Line numbers shown of the lines skipped; the count covers them all.
SHOWN_LINES = 5
# Bytes shown of an undecodable sequence.
SHOWN_BYTES = 16
SKIP_HINT = 'or set [data] bad_lines = "skip" to leave such lines out'


@dataclass(frozen=True)
class TextOptions:
    """How to read a delimited text file: its encoding, what to do with lines that do not parse, and the
    names of its columns when it has no header row (none: its first line names them)."""

    encoding: str = "utf-8"
    bad_lines: str = "error"
    names: tuple[str, ...] = ()

    @property
    def first_row(self) -> int:
        """The line (from 0) of the first row: after the header, if the file has one."""
        return 0 if self.names else 1


# Files as they should be: UTF-8, every line a row.
PLAIN_TEXT = TextOptions()


def unnamed_fields(names: int, fields: int, where: str) -> str:
    """The error for `[data] columns` naming `names` columns of a table of `fields` fields."""
    return (
        f"[data] columns names {names} column(s) but the rows of {where} have {fields} fields: "
        "name every field, in order"
    )


def names_not_needed(fmt: str) -> str:
    """The error for `[data] columns` given for a `fmt` file, which names its own columns."""
    return (
        f"[data] columns names the columns of a CSV or TSV file without a header row; {fmt} files name "
        "their own: remove it"
    )


def undecodable(lines: Iterable[bytes], encoding: str) -> tuple[int, bytes] | None:
    """The first line (numbered from 1) with bytes that do not decode, and those bytes; None if none."""
    for number, line in enumerate(lines, start=1):
        try:
            line.decode(encoding)
        except UnicodeDecodeError as error:
            return number, line[error.start : min(error.end, error.start + SHOWN_BYTES)]
    return None


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


def decodable_lines(content: bytes, encoding: str) -> tuple[bytes, list[int]]:
    """The lines of `content` that decode, and the numbers of those that do not."""
    kept, removed = [], []
    for number, line in enumerate(content.splitlines(keepends=True), start=1):
        try:
            line.decode(encoding)
            kept.append(line)
        except UnicodeDecodeError:
            removed.append(number)
    return b"".join(kept), removed


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
            encoding=options.encoding,
            on_bad_lines="warn" if skip else "error",
            **header,
            **reader,
        )
    skipped = [int(n) for warning in caught for n in re.findall(r"Skipping line (\d+)", str(warning.message))]
    return frame, sorted(skipped)


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
