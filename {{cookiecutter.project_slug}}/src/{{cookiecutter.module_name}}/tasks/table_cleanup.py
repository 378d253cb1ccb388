"""A table's cleanup (classification and regression share it), and the check of what it kept.

Cleanup is dropna-first, the least cleaning that can work, every step reported. After the column names
are stripped the steps run in this order and each returns a new frame (the input is never modified):
strip the spaces around text values (a CSV written `39, Private` reads ' Private', which a request for
`Private` would never match); read numbers stored as text (numbers.py: `$1,292.08` and `45%` too; a
column of numbers with a stray word becomes numeric, the stray values missing; one number beside words is
a code, kept); read dates (dates.py: each followed by its year, month, day, weekday, hour, the numbers
models learn from); treat infinite and
overflowing numbers as missing; drop rows whose target is missing; drop columns that are mostly empty;
drop rows with any missing value; drop duplicate rows (`[clean] drop_duplicates = false` turns that
off). There is no imputation: if dropping loses too much, a warning (or the error) names the step that
did it, so the team can fix that column rather than guess values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import StepError, column_listing
from .cleanup_step import Cleanup
from .dates import all_text, read_dates
from .missing import drop_costly_columns, keep_missing_as_value, target_shift, text_columns_asked
from .numbers import as_numbers, read_numbers

# A text column is read as numbers when at least this share of its values are numbers.
NEARLY_ALL = 0.95
# Beyond this size a number's square overflows, so scaling or distances turn it into inf:
# such a value (1e308 where a mass was meant) is a typo or a sentinel, not a measurement.
LARGEST = float(np.sqrt(np.finfo(np.float64).max))


def share_of_numbers(column: pd.Series) -> float:
    """The share of the present values of a text column that read as numbers (0 for other columns)."""
    present = column.dropna()
    text = pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)
    if not text or present.empty:
        return 0.0
    if pd.api.types.infer_dtype(present, skipna=False) == "string":
        # Only text: each distinct value is read once, weighted by its count (a million rows of a few
        # categories read as a few values, not a million).
        counts = present.value_counts(sort=False)
        numbers = as_numbers(counts.index.to_series()).notna().to_numpy()
        return float(counts[numbers].sum() / len(present))
    if present.map(lambda value: isinstance(value, bool)).any():
        return 0.0
    return float(as_numbers(present).notna().mean())


def stripped_text(column: pd.Series) -> pd.Series:
    """A text column's values without the spaces around them, a value of spaces alone missing (as an
    empty cell is); the column itself when no value changes or it is not all text."""
    if not all_text(column):
        return column
    stripped = column.str.strip()
    if not (stripped != column)[column.notna()].any():
        return column
    return stripped.mask(stripped == "")


def strip_text_values(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Every text column's values without the spaces around them; a note naming the columns changed."""
    columns = {name: frame[name] for name in frame.columns}
    changed = {name: new for name, old in columns.items() if (new := stripped_text(old)) is not old}
    note = f"{len(changed)} column(s): {', '.join(map(str, changed))}" if changed else ""
    return frame.assign(**changed), note


def read_numbers_stored_as_text(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Turn text columns that are nearly all numbers into numbers, the stray values missing; note the
    columns that mix numbers and text too much to tell, and the codes: one number beside words ("0" for
    no holiday, "a", "b", "c" for which), kept as text, since as numbers every other code's rows would
    be dropped."""
    converted, notes, formatted = {}, [], []
    for name in frame.columns:
        share = share_of_numbers(frame[name])
        if share < NEARLY_ALL:
            if share >= 0.5:
                notes.append(f"{name}: kept as text, only {share:.0%} of its values are numbers")
            continue
        numbers, signed = read_numbers(frame[name])
        stray = frame[name][numbers.isna() & frame[name].notna()]
        if len(stray) and numbers.nunique() < 2:
            notes.append(f"{name}: kept as text, a code (its one number beside {stray.nunique()} words)")
            continue
        converted[name] = numbers
        formatted += [str(name)] if signed else []
        if len(stray):
            notes.append(f"{name}: {len(stray)} non-number value(s) made missing")
    if formatted:
        notes.append(
            f"{', '.join(formatted)}: read without currency signs, thousands separators or percent signs"
        )
    return frame.assign(**converted), "; ".join(notes)


def overflowing(frame: pd.DataFrame) -> pd.DataFrame:
    """Which values of the numeric columns are infinite or too large to compute with."""
    numeric = frame.select_dtypes("number")
    # Column by column in numpy: inf is above LARGEST and NaN compares false, so one comparison does.
    return pd.DataFrame(
        {
            name: np.abs(numeric[name].to_numpy(dtype=float, na_value=np.nan)) > LARGEST
            for name in numeric.columns
        },
        index=frame.index,
        columns=numeric.columns,
    )


def treat_overflowing_as_missing(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Make inf, -inf and numbers too large to square missing, so the next steps drop them."""
    mask = overflowing(frame)
    counts = mask.sum()
    counts = counts[counts > 0]
    if counts.empty:
        return frame, ""
    notes = ", ".join(f"{name}: {count}" for name, count in counts.items())
    return frame.assign(**{name: frame[name].mask(mask[name]) for name in counts.index}), (
        f"{counts.sum()} infinite or overflowing value(s) made missing ({notes})"
    )


def check_has_features(frame: pd.DataFrame, target: str) -> None:
    if list(frame.columns) == [target]:
        raise StepError(
            f"the data has only the target column {target!r}: add the columns to predict it from "
            "to the source, or check [data] source"
        )


def drop_missing_target(frame: pd.DataFrame, target: str) -> pd.DataFrame:
    """Rows with a target, once the target is known to be a column with others to predict it from."""
    if target not in frame.columns:
        raise StepError(
            f"target column {target!r} is not in the data; set [data] target in config.toml; "
            + column_listing(frame)
        )
    check_has_features(frame, target)
    return frame.dropna(subset=[target])


def drop_mostly_empty_columns(frame: pd.DataFrame, target: str, max_missing_fraction: float) -> pd.DataFrame:
    """Drop the columns (never the target) missing in more than `max_missing_fraction` of rows."""
    missing = frame.isna().mean()
    mostly_empty = [c for c in frame.columns if missing[c] > max_missing_fraction and c != target]
    return frame.drop(columns=mostly_empty)


def drop_incomplete_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.dropna()


def hashable_part(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns whose hashes are equal wherever pandas finds their values equal (pandas hashes -0.0 as
    0.0 and every gap alike): numbers, dates and plain text."""
    hashable = [
        name
        for name in frame.columns
        if pd.api.types.is_numeric_dtype(frame[name])
        or pd.api.types.is_datetime64_any_dtype(frame[name])
        or pd.api.types.infer_dtype(frame[name], skipna=False) == "string"
    ]
    return frame[hashable]


def duplicated_rows(frame: pd.DataFrame) -> np.ndarray:
    """Which rows repeat an earlier row (pandas' `duplicated`), comparing in full only the rows whose
    hash repeats: on a million rows that is a few rows, not every column of every row."""
    hashed = hashable_part(frame)
    if hashed.shape[1] == 0:
        return frame.duplicated().to_numpy()
    candidates = pd.util.hash_pandas_object(hashed, index=False).duplicated(keep=False).to_numpy()
    repeated = np.zeros(len(frame), dtype=bool)
    if candidates.any():
        repeated[candidates] = frame[candidates].duplicated().to_numpy()
    return repeated


def drop_duplicate_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[~duplicated_rows(frame)]


def keep_duplicate_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame


def cleanup_steps(settings: Mapping[str, Any]) -> list[Cleanup]:
    """The table's cleanup steps in order, each named as the report should say it."""
    target, max_missing_fraction = settings["target"], settings["max_missing_fraction"]
    max_removed_share, as_value = settings["max_removed_share"], settings.get("missing_as_value", False)
    duplicates = (
        Cleanup(
            "drop duplicate rows",
            drop_duplicate_rows,
            "if repeated rows are real observations, set [clean] drop_duplicates = false",
        )
        if settings["drop_duplicates"]
        else Cleanup("keep duplicates ([clean] drop_duplicates = false)", keep_duplicate_rows)
    )
    kept_as_value = (
        [
            Cleanup(
                "keep missing text as a value ([clean] missing_as_value)",
                lambda frame: keep_missing_as_value(frame, text_columns_asked(frame, as_value, target)),
            )
        ]
        if as_value
        else []
    )
    return [
        Cleanup("strip spaces around text values", strip_text_values),
        Cleanup("read numbers stored as text", read_numbers_stored_as_text),
        Cleanup("read dates and split them into parts", read_dates),
        Cleanup("treat infinite or overflowing numbers as missing", treat_overflowing_as_missing),
        Cleanup(
            f"drop rows with no {target}",
            lambda frame: drop_missing_target(frame, target),
            "the target is missing in those rows: check [data] target, or fill it in the source",
        ),
        *kept_as_value,
        Cleanup(
            f"drop columns over {max_missing_fraction:.0%} missing",
            lambda frame: drop_mostly_empty_columns(frame, target, max_missing_fraction),
        ),
        Cleanup(
            "drop the columns that cost the most rows",
            lambda frame: drop_costly_columns(frame, target, max_removed_share),
        ),
        Cleanup(
            "drop rows with any missing value",
            drop_incomplete_rows,
            "a column is missing in many rows: lower [clean] max_missing_fraction to drop that column "
            "instead, keep a text column's gaps as a value ([clean] missing_as_value), or fill it in "
            "the source",
        ),
        duplicates,
    ]


def kept_unlike_removed(before: pd.DataFrame, after: pd.DataFrame, settings: Mapping[str, Any]) -> str:
    """A warning when the target of the rows cleanup kept differs from the removed rows' by more than
    `[clean] max_target_shift` (see missing.target_shift); "" when it does not."""
    target = settings["target"]
    # the removed rows' labels as cleanup writes the kept ones' (' yes' is yes)
    removed = stripped_text(before[target]).drop(index=after.index, errors="ignore").dropna()
    shift = target_shift(after[target], removed, settings["task"], settings["max_target_shift"])
    if not shift:
        return ""
    return (
        f"the {len(after)} rows kept are unlike the {len(removed)} removed: {shift} (over [clean] "
        f"max_target_shift = {settings['max_target_shift']}); scores on them may not hold for the rest: keep "
        "more rows ([clean] missing_as_value, max_missing_fraction) or fill the gaps in the source"
    )


def as_training_types(frame: pd.DataFrame, train: pd.DataFrame) -> pd.DataFrame:
    """Rows scored after training (a submission, an API request) as cleanup left the training rows: text
    without the spaces around it, and the columns that are numbers in training read as numbers here too
    (other values made missing)."""
    frame, _ = strip_text_values(frame)
    numeric = [name for name in train.columns if name in frame and pd.api.types.is_numeric_dtype(train[name])]
    return frame.assign(**{name: as_numbers(frame[name]) for name in numeric})
