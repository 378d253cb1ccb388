"""The one kind of failure a step expects: bad data or settings, told in a line, not a traceback."""

from __future__ import annotations

from typing import Any


class StepError(Exception):
    """An expected failure (bad data or settings): shown as one line, without a traceback."""


def column_listing(frame: Any) -> str:
    """The data's columns, for an error naming a column not among them; when some names are numbers
    (the first row of a file without a header row, read as its names), how to name them instead, and
    no names: they are values of the data."""
    if any(is_number(str(name)) for name in frame.columns):
        return (
            f"its {frame.shape[1]} column names include numbers: if the file has no header row, name its "
            'columns in order with [data] columns = ["age", ...]'
        )
    return f"its columns are: {', '.join(map(str, frame.columns))}"


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
