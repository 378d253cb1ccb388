"""Dates and times written as text, as competition files write them (ISO 8601: `2011-01-20 13:00:00`,
`2011-01-20`, `2011-01-20T13:00:00Z`, `20141013T000000`): read as dates by table cleanup, and split
into the numbers models can use (year, month, day, weekday, hour, minute: those that vary), each a
column of its own named after the date's (`datetime_hour`). A date column itself is unique per row or
nearly (an hour seen in training is never seen again), so the models learn from its parts; a
submission's rows get the same parts from their own dates (`with_date_parts`).

The time is read as written (a `Z` or `+01:00` after it is left aside): the hour of the day the rows
were recorded in, what demand follows.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

# A text column is read as dates when at least this share of its values are dates.
NEARLY_ALL = 0.95
# Values looked at first: a column under half dates there is not read in full (ids, categories, free text).
FIRST_VALUES = 1000
# The date and the time as written (extended, or basic: `20141013T000000`, as King County's house sales
# write it), then the zone, which is left aside.
ISO_DATE = (
    r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
    r"|^\d{8}T\d{2}(?:\d{2}(?:\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)
ZONE = r"(?:Z|[+-]\d{2}:?\d{2})$"
PARTS: dict[str, Callable[[pd.Series], pd.Series]] = {
    "year": lambda dates: dates.dt.year,
    "month": lambda dates: dates.dt.month,
    "day": lambda dates: dates.dt.day,
    "weekday": lambda dates: dates.dt.day_of_week,  # Monday 0
    "hour": lambda dates: dates.dt.hour,
    "minute": lambda dates: dates.dt.minute,
}


def all_text(column: pd.Series) -> bool:
    """Whether every present value of a column is text (and it has one): what cleanup strips
    (table_cleanup.py), and reads as dates."""
    present = column.dropna()
    return (
        (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column))
        and not present.empty
        and pd.api.types.infer_dtype(present, skipna=False) == "string"
    )


def as_dates(column: pd.Series) -> pd.Series:
    """A column's dates: its ISO 8601 dates as datetimes (their time as written, other values missing), or
    the column itself when it holds datetimes already (a Parquet file's). Each distinct text is read
    once: a million hourly rows hold a few thousand dates at most."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return column
    distinct = pd.Series(column.dropna().unique()).astype(str)
    written = distinct.where(distinct.str.fullmatch(ISO_DATE))
    if written.str.contains(ZONE).any():
        written = written.str.replace(ZONE, "", regex=True)
    parsed = pd.to_datetime(written, format="ISO8601", errors="coerce")
    parsed.index = distinct.to_numpy()
    return pd.Series(parsed.reindex(column.astype(str)).to_numpy(), index=column.index).where(column.notna())


def date_share(column: pd.Series) -> float:
    """The share of a text column's present values that are ISO 8601 dates (0 for other columns); a column
    whose first values are mostly not dates is not read further."""
    if not all_text(column):
        return 0.0
    first = column.dropna().head(FIRST_VALUES).astype(str)
    if first.str.fullmatch(ISO_DATE).mean() < 0.5:
        return 0.0
    counts = column.value_counts(sort=False)
    dates = counts.index.to_series().astype(str).str.fullmatch(ISO_DATE).to_numpy()
    return float(counts[dates].sum() / counts.sum())


def part_of(dates: pd.Series, part: str) -> pd.Series:
    """One part of `dates` as numbers: whole numbers, or floats where a date is missing."""
    values = PARTS[part](dates)
    return values.astype("float64" if values.isna().any() else "int64")


def is_dates(column: pd.Series) -> bool:
    """Whether a column holds dates: datetimes, or text nearly all ISO 8601 dates."""
    return pd.api.types.is_datetime64_any_dtype(column) or date_share(column) >= NEARLY_ALL


def read_dates(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Columns of dates as datetimes (a text column's stray values missing), each followed by its parts
    that vary; a note naming them."""
    columns, notes = {}, []
    for name in frame.columns:
        columns[name] = frame[name]
        if not is_dates(frame[name]):
            continue
        columns[name] = dates = as_dates(frame[name])
        parts = {part: part_of(dates, part) for part in PARTS if f"{name}_{part}" not in frame.columns}
        varying = [part for part, values in parts.items() if values.nunique() > 1]
        columns |= {f"{name}_{part}": parts[part] for part in varying}
        stray = int((dates.isna() & frame[name].notna()).sum())
        strays = f", {stray} non-date value(s) made missing" if stray else ""
        notes.append(f"{name}: {', '.join(varying) or 'no part varies'}{strays}")
    return (pd.DataFrame(columns, index=frame.index) if notes else frame), "; ".join(notes)


def with_date_parts(frame: pd.DataFrame, wanted: list[str]) -> pd.DataFrame:
    """`frame` with the columns of `wanted` it lacks that are parts of one of its date columns
    (`<date>_hour`...), read from that column as cleanup read the training rows'."""
    parts = {}
    for name in wanted:
        date, _, part = name.rpartition("_")
        if name not in frame.columns and part in PARTS and date in frame.columns:
            parts[name] = part_of(as_dates(frame[date]), part)
    return frame.assign(**parts) if parts else frame
