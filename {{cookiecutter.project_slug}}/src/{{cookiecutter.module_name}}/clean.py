"""Dropna-first cleanup: the least cleaning that can work, every step reported.

The steps run in this order and each returns a new frame (the input is never
modified): strip column names; read numbers stored as text (a column of numbers
with a stray word becomes numeric, the stray values missing); treat infinite and
overflowing numbers as missing; drop rows whose target is missing; drop columns
that are mostly empty; drop rows with any missing value; drop duplicate rows
(`[clean] drop_duplicates = false` turns that off). There is no imputation: if
dropping loses too much, a warning (or the error) names the step that did it, so
the team can fix that column rather than guess values.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import tasks
from .cli import run
from .errors import StepError
from .files import read_json, write_json, write_table

# A text column is read as numbers when at least this share of its values are numbers.
NEARLY_ALL = 0.95
# Beyond this size a number's square overflows, so scaling or distances turn it into inf:
# such a value (1e308 where a mass was meant) is a typo or a sentinel, not a measurement.
LARGEST = float(np.sqrt(np.finfo(np.float64).max))
# What to do when a step removes more rows than [clean] max_removed_share.
TURN_OFF = {
    "drop duplicate rows": "if repeated rows are real observations, set [clean] drop_duplicates = false",
    "drop rows with any missing value": "a column is missing in many rows: lower [clean] "
    "max_missing_fraction to drop that column instead, or fill it in the source",
}


@dataclass(frozen=True)
class Step:
    """What one cleanup step removed."""

    name: str
    rows_removed: int = 0
    columns_removed: tuple[str, ...] = ()
    note: str = ""

    def __str__(self) -> str:
        removed = []
        if self.rows_removed:
            removed.append(f"-{self.rows_removed} rows")
        if self.columns_removed:
            removed.append(f"-{len(self.columns_removed)} columns ({', '.join(self.columns_removed)})")
        return f"{self.name}: {', '.join(removed) or self.note or 'nothing removed'}"


def strip_column_names(frame: pd.DataFrame) -> pd.DataFrame:
    stripped = frame.rename(columns=lambda name: str(name).strip())
    repeated = stripped.columns[stripped.columns.duplicated()]
    if len(repeated):
        raise StepError(f"two columns are both named {repeated[0]!r} once spaces are stripped; rename one")
    return stripped


def share_of_numbers(column: pd.Series) -> float:
    """The share of the present values of a text column that read as numbers (0 for other columns)."""
    present = column.dropna()
    text = pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)
    if not text or present.empty or present.map(lambda value: isinstance(value, bool)).any():
        return 0.0
    return float(pd.to_numeric(present, errors="coerce").notna().mean())


def read_numbers_stored_as_text(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Turn text columns that are nearly all numbers into numbers, the stray values missing;
    note the columns that mix numbers and text too much to tell."""
    converted, notes = {}, []
    for name in frame.columns:
        share = share_of_numbers(frame[name])
        if share >= NEARLY_ALL:
            converted[name] = pd.to_numeric(frame[name], errors="coerce")
            stray = frame[name][converted[name].isna() & frame[name].notna()]
            if len(stray):
                notes.append(f"{name}: {len(stray)} non-number value(s) made missing, e.g. {stray.iloc[0]!r}")
        elif share >= 0.5:
            notes.append(f"{name}: kept as text, only {share:.0%} of its values are numbers")
    return frame.assign(**converted), "; ".join(notes)


def overflowing(frame: pd.DataFrame) -> pd.DataFrame:
    """Which values of the numeric columns are infinite or too large to compute with."""
    numeric = frame.select_dtypes("number")
    return numeric.abs().gt(LARGEST) | np.isinf(numeric.astype(float))


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


def drop_missing_target(frame: pd.DataFrame, target: str) -> pd.DataFrame:
    if target not in frame.columns:
        raise StepError(
            f"target column {target!r} is not in the data; set [data] target in config.toml "
            f"to one of: {', '.join(frame.columns)}"
        )
    return frame.dropna(subset=[target])


def drop_mostly_empty_columns(frame: pd.DataFrame, target: str, max_missing_fraction: float) -> pd.DataFrame:
    """Drop the columns (never the target) missing in more than `max_missing_fraction` of rows."""
    missing = frame.isna().mean()
    mostly_empty = [c for c in frame.columns if missing[c] > max_missing_fraction and c != target]
    return frame.drop(columns=mostly_empty)


def drop_incomplete_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.dropna()


def drop_duplicate_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop_duplicates()


def check_has_features(frame: pd.DataFrame, target: str) -> None:
    if list(frame.columns) == [target]:
        raise StepError(
            f"the data has only the target column {target!r}: add the columns to predict it from "
            "to the source, or check [data] source"
        )


def clean(
    frame: pd.DataFrame, target: str, max_missing_fraction: float = 0.5, drop_duplicates: bool = True
) -> tuple[pd.DataFrame, list[Step]]:
    """Run the cleanup steps in order; return the cleaned frame and what each step removed."""
    stripped = strip_column_names(frame)
    renamed = sum(before != after for before, after in zip(frame.columns, stripped.columns, strict=True))
    check_has_features(stripped, target)
    numeric, coerced = read_numbers_stored_as_text(stripped)
    finite, overflowed = treat_overflowing_as_missing(numeric)
    report = [
        Step("strip column names", note=f"{renamed} renamed"),
        Step("read numbers stored as text", note=coerced),
        Step("treat infinite or overflowing numbers as missing", note=overflowed),
    ]
    frame = finite
    steps: list[tuple[str, Callable[[pd.DataFrame], pd.DataFrame]]] = [
        (f"drop rows with no {target}", lambda f: drop_missing_target(f, target)),
        (
            f"drop columns over {max_missing_fraction:.0%} missing",
            lambda f: drop_mostly_empty_columns(f, target, max_missing_fraction),
        ),
        ("drop rows with any missing value", drop_incomplete_rows),
        (
            "drop duplicate rows" if drop_duplicates else "keep duplicates ([clean] drop_duplicates = false)",
            drop_duplicate_rows if drop_duplicates else lambda f: f,
        ),
    ]
    for name, step in steps:
        cleaned = step(frame)
        dropped = tuple(c for c in frame.columns if c not in cleaned.columns)
        report.append(Step(name, len(frame) - len(cleaned), dropped))
        frame = cleaned
    return frame, report


Steps = list[tuple[str, Callable[[pd.DataFrame], pd.DataFrame]]]


def run_steps(frame: pd.DataFrame, steps: Steps) -> tuple[pd.DataFrame, list[Step]]:
    """Strip the column names, then run a task's own `steps` in order (an interaction log's: no
    numbers read from text, so ids such as "007" stay as they are); return what each removed."""
    stripped = strip_column_names(frame)
    renamed = sum(before != after for before, after in zip(frame.columns, stripped.columns, strict=True))
    report = [Step("strip column names", note=f"{renamed} renamed")]
    frame = stripped
    for name, step in steps:
        cleaned = step(frame)
        dropped = tuple(c for c in frame.columns if c not in cleaned.columns)
        report.append(Step(name, len(frame) - len(cleaned), dropped))
        frame = cleaned
    return frame, report


def clean_for_task(frame: pd.DataFrame, values: dict) -> tuple[pd.DataFrame, list[Step]]:
    """The cleanup of the stage's task: its own steps (recommendation), or the table's."""
    task = tasks.load(values["task"])
    if hasattr(task, "cleanup_steps"):
        return run_steps(frame, task.cleanup_steps(values))
    return clean(frame, values["target"], values["max_missing_fraction"], values["drop_duplicates"])


def sample_size(sample: float | None, rows: int) -> int:
    """How many of `rows` rows `[data] sample` keeps: a row count, a fraction, or all of them (None)."""
    if sample is None:
        return rows
    if isinstance(sample, int) and not isinstance(sample, bool) and sample > 0:
        return min(sample, rows)
    if isinstance(sample, float) and 0 < sample <= 1:
        return max(1, round(sample * rows))
    raise StepError(
        f"[data] sample must be a row count (50000) or a fraction of the rows above 0 up to 1 (0.1), "
        f"not {sample!r}"
    )


def take_sample(frame: pd.DataFrame, sample: float | None, seed: int) -> tuple[pd.DataFrame, list[Step]]:
    """A seeded sample of the rows, in their order, as `[data] sample` asks; the step, if it removed any."""
    size = sample_size(sample, len(frame))
    if size == len(frame):
        return frame, []
    kept = np.sort(np.random.default_rng(seed).choice(len(frame), size=size, replace=False))
    step = Step(f"take a sample of {size} rows ([data] sample = {sample})", len(frame) - size)
    return frame.iloc[kept], [step]


def fix_for(step: Step) -> str:
    """How to keep the rows `step` removed (or why they had to go)."""
    if step.name in TURN_OFF:
        return TURN_OFF[step.name]
    if step.name.startswith("take a sample"):
        return "raise [data] sample, or remove it to use every row"
    if step.name.startswith("drop rows with no "):
        return "the target is missing in those rows: check [data] target, or fill it in the source"
    return "check the source data"


def removed_too_many(report: list[Step], rows_before: int, max_removed_share: float) -> list[str]:
    """A warning for each step that removed more than `max_removed_share` of the rows it was given."""
    warnings, rows = [], rows_before
    for step in report:
        if rows and step.rows_removed / rows > max_removed_share:
            share = step.rows_removed / rows
            warnings.append(
                f"'{step.name}' removed {step.rows_removed} of {rows} rows ({share:.0%}, over "
                f"[clean] max_removed_share = {max_removed_share:.0%}): {fix_for(step)}"
            )
        rows -= step.rows_removed
    return warnings


def check_enough_rows(frame: pd.DataFrame, report: list[Step], min_rows: int) -> None:
    """Stop, naming the step that removed the most rows, if too few are left to split and train on."""
    if len(frame) >= min_rows:
        return
    worst = max(report, key=lambda step: step.rows_removed)
    if not worst.rows_removed:
        raise StepError(
            f"the data has {len(frame)} rows, fewer than [clean] min_rows = {min_rows}: "
            "point [data] source at more data, or lower min_rows"
        )
    raise StepError(
        f"cleanup left {len(frame)} rows, fewer than [clean] min_rows = {min_rows}; "
        f"'{worst.name}' removed {worst.rows_removed}. Fix: {fix_for(worst)}"
    )


def cleanup_record(
    before: pd.DataFrame,
    after: pd.DataFrame,
    report: list[Step],
    sample: float | None = None,
    warnings: list[str] = (),
) -> dict:
    """What cleanup did, for the report: the shape before and after, the sample, each step's removals,
    the warnings."""
    return {
        "sample": sample,
        "rows_before": len(before),
        "columns_before": before.shape[1],
        "rows_after": len(after),
        "columns_after": after.shape[1],
        "steps": [{**asdict(step), "columns_removed": list(step.columns_removed)} for step in report],
        "warnings": list(warnings),
    }


def main(settings: Path, raw: Path, output: Path) -> None:
    """Clean the rows in RAW into OUTPUT (Parquet), with what each step removed in OUTPUT.json beside it."""
    values = read_json(settings)
    frame = pd.read_parquet(raw)
    print(f"clean: {len(frame)} rows, {frame.shape[1]} columns from {raw}")
    sampled, sampling = take_sample(frame, values["sample"], values["seed"])
    cleaned, cleaning = clean_for_task(sampled, values)
    report = sampling + cleaning
    for step in report:
        print(f"  {step}")
    check_enough_rows(cleaned, report, values["min_rows"])
    # A sample is asked for, so only the cleaning steps can remove too much.
    warnings = removed_too_many(cleaning, len(sampled), values["max_removed_share"])
    for warning in warnings:
        print(f"WARNING: cleanup: {warning}", file=sys.stderr)
    tasks.load(values["task"]).check(cleaned, values)
    # The record first: whenever the cleaned table is fresh, so is the record beside it.
    write_json(
        cleanup_record(frame, cleaned, report, values["sample"], warnings), output.with_suffix(".json")
    )
    write_table(cleaned, output)
    print(f"  kept {len(cleaned)} rows, {cleaned.shape[1]} columns -> {output}")


if __name__ == "__main__":
    run(main)
