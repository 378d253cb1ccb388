"""Dates and times written as text, as competition files write them (ISO 8601: `2011-01-20 13:00:00`,
`2011-01-20`, `2011-01-20T13:00:00Z`, `20141013T000000`): read as dates by table cleanup, and split
into the numbers models can use (year, month, day, weekday, hour, minute: those that vary), each a
column of its own named after the date's (`datetime_hour`). A date column itself is unique per row or
nearly (an hour seen in training is never seen again), so the models learn from its parts; a
submission's rows get the same parts from their own dates (`with_date_parts`).

The time is read as written (a `Z` or `+01:00` after it is left aside): the hour of the day the rows
were recorded in, what demand follows.

Dates as spreadsheets write them (`10/13/2014`, `13.10.2014 8:26`, `1/20/2011 1:00 PM`) are dates too
when their values show which comes first, the day or the month (a first number above 12: the day; a
second: the month). When none is above 12 the order is unknown, and the column stays text, said in the
note. A submission's source shows its own order (the competition's files share one format); when its
values do not, the submission stops and says so rather than guess.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ..errors import StepError

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
# day and month (in either order), the year (4 digits, or 2 as Excel writes `12/1/10 8:26`); then maybe
# the time, with AM or PM
SPREADSHEET_DATE = (
    r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AaPp][Mm]))?)?$"
)
CENTURY_FROM = 69  # a 2-digit year from 69 is 19xx, below it 20xx (as POSIX's strptime reads %y)
DAY_FIRST, MONTH_FIRST = "day first", "month first"
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


class DateOrderError(StepError):
    """Spreadsheet dates whose values do not show whether the day or the month comes first."""


def as_dates(column: pd.Series) -> pd.Series:
    """A column's dates: its ISO 8601 and spreadsheet dates as datetimes (their time as written, other
    values missing), or the column itself when it holds datetimes already (a Parquet file's). Each
    distinct text is read once: a million hourly rows hold a few thousand dates at most. Spreadsheet
    dates whose order the values do not show raise `DateOrderError`."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return column
    distinct = pd.Series(column.dropna().unique()).astype(str)
    written = distinct.where(distinct.str.fullmatch(ISO_DATE))
    if written.str.contains(ZONE).any():
        written = written.str.replace(ZONE, "", regex=True)
    parsed = pd.to_datetime(written, format="ISO8601", errors="coerce")
    fields = distinct[parsed.isna()].str.extract(SPREADSHEET_DATE)  # the rest: an ISO column's strays at most
    if fields[0].notna().any():
        parsed = parsed.fillna(spreadsheet_dates(fields, day_month_order(fields, column.name)))
    parsed.index = distinct.to_numpy()
    return pd.Series(parsed.reindex(column.astype(str)).to_numpy(), index=column.index).where(column.notna())


def day_month_order(fields: pd.DataFrame, name: object) -> str:
    """Whether spreadsheet dates (SPREADSHEET_DATE's fields) write the day or the month first, as a number
    above 12 shows; `DateOrderError` (naming column `name`) when none is, or both are."""
    first, second = (fields[column].dropna().astype(int) for column in (0, 2))
    day_first, month_first = bool((first > 12).any()), bool((second > 12).any())
    if day_first == month_first:
        raise DateOrderError(
            f"column {name!r} holds dates like 03/04/2014 whose values do not show whether the day or the "
            "month comes first: write them as 2014-04-03 (ISO 8601) to use them as dates"
        )
    return DAY_FIRST if day_first else MONTH_FIRST


def spreadsheet_dates(fields: pd.DataFrame, order: str) -> pd.Series:
    """SPREADSHEET_DATE's fields as datetimes (NaT where a text did not match, or is no real date)."""
    day, month = (fields[0], fields[2]) if order == DAY_FIRST else (fields[2], fields[0])
    hour = fields[4].fillna("0").astype(int)
    noon = fields[7].str.upper()
    hour = hour.mask((noon == "PM") & (hour < 12), hour + 12).mask((noon == "AM") & (hour == 12), 0)
    century = (pd.to_numeric(fields[3]) < CENTURY_FROM).map({True: "20", False: "19"})
    year = fields[3].mask(fields[3].str.len() == 2, century + fields[3])
    written = (
        year
        + "-"
        + month.str.zfill(2)
        + "-"
        + day.str.zfill(2)
        + " "
        + hour.astype(str).str.zfill(2)
        + ":"
        + fields[5].fillna("00")
        + ":"
        + fields[6].fillna("00")
    )
    return pd.to_datetime(written, format="%Y-%m-%d %H:%M:%S", errors="coerce")


def written_as_date(text: pd.Series) -> pd.Series:
    """Whether each text is an ISO 8601 or a spreadsheet date."""
    iso = text.str.fullmatch(ISO_DATE)
    return iso | text.where(~iso).str.fullmatch(SPREADSHEET_DATE).fillna(False).astype(bool)


def date_share(column: pd.Series) -> float:
    """The share of a text column's present values that are dates as written (0 for other columns); a
    column whose first values are mostly not dates is not read further."""
    if not all_text(column):
        return 0.0
    first = column.dropna().head(FIRST_VALUES).astype(str)
    if written_as_date(first).mean() < 0.5:
        return 0.0
    counts = column.value_counts(sort=False)
    dates = written_as_date(counts.index.to_series().astype(str)).to_numpy()
    return float(counts[dates].sum() / counts.sum())


def part_of(dates: pd.Series, part: str) -> pd.Series:
    """One part of `dates` as numbers: whole numbers, or floats where a date is missing."""
    values = PARTS[part](dates)
    return values.astype("float64" if values.isna().any() else "int64")


def is_dates(column: pd.Series) -> bool:
    """Whether a column holds dates: datetimes, or text nearly all ISO 8601 or spreadsheet dates."""
    return pd.api.types.is_datetime64_any_dtype(column) or date_share(column) >= NEARLY_ALL


def read_dates(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Columns of dates as datetimes (a text column's stray values missing), each followed by its parts
    that vary; a note naming them."""
    columns, notes, unknown = {}, [], []
    for name in frame.columns:
        columns[name] = frame[name]
        if not is_dates(frame[name]):
            continue
        try:
            columns[name] = dates = as_dates(frame[name])
        except DateOrderError:
            unknown.append(str(name))
            continue
        parts = {part: part_of(dates, part) for part in PARTS if f"{name}_{part}" not in frame.columns}
        varying = [part for part, values in parts.items() if values.nunique() > 1]
        columns |= {f"{name}_{part}": parts[part] for part in varying}
        stray = int((dates.isna() & frame[name].notna()).sum())
        strays = f", {stray} non-date value(s) made missing" if stray else ""
        notes.append(f"{name}: {', '.join(varying) or 'no part varies'}{strays}")
    read = pd.DataFrame(columns, index=frame.index) if notes else frame
    if unknown:  # kept as text: a category like any other
        notes.append(
            f"{', '.join(unknown)}: dates whose day and month order the values do not show, kept as text"
        )
    return read, "; ".join(notes)


def with_date_parts(frame: pd.DataFrame, wanted: list[str]) -> pd.DataFrame:
    """`frame` with the columns of `wanted` it lacks that are parts of one of its date columns
    (`<date>_hour`...), read from that column as cleanup read the training rows'."""
    parts = {}
    for name in wanted:
        date, _, part = name.rpartition("_")
        if name not in frame.columns and part in PARTS and date in frame.columns:
            try:
                parts[name] = part_of(as_dates(frame[date]), part)
            except DateOrderError as error:
                raise StepError(f"the submission source's {error}") from None
    return frame.assign(**parts) if parts else frame
