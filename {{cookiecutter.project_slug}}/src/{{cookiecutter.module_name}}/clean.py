"""Cleanup, every step reported: the column names stripped, then the task's own steps.

What the steps are is the task's (tasks/tabular.py for tables, tasks/recommendation.py for
interaction logs); each returns a new frame (the input is never modified). This step samples
the rows first if `[data] sample` asks, records what each step removed, warns when one removes
more than `[clean] max_removed_share` and stops when fewer than `[clean] min_rows` are left,
naming the step that removed the most and how to keep its rows.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import tasks
from .cli import run
from .errors import StepError
from .files import read_json, write_json, write_table
from .tasks import strip_column_names


@dataclass(frozen=True)
class Step:
    """What one cleanup step removed."""

    name: str
    rows_removed: int = 0
    columns_removed: tuple[str, ...] = ()
    note: str = ""
    # How to keep the rows the step removed (or why they had to go); not part of the record.
    fix: str = tasks.CHECK_THE_SOURCE

    def __str__(self) -> str:
        removed = []
        if self.rows_removed:
            removed.append(f"-{self.rows_removed} rows")
        if self.columns_removed:
            removed.append(f"-{len(self.columns_removed)} columns ({', '.join(self.columns_removed)})")
        if removed and self.note:  # what the removal saved, or why
            return f"{self.name}: {', '.join(removed)}; {self.note}"
        return f"{self.name}: {', '.join(removed) or self.note or 'nothing removed'}"


def step_record(name: str, fix: str, before: pd.DataFrame, after: pd.DataFrame, note: str = "") -> Step:
    """What going from `before` to `after` removed, as the step `name` did it."""
    dropped = tuple(c for c in before.columns if c not in after.columns)
    return Step(name, len(before) - len(after), dropped, note, fix)


def clean(frame: pd.DataFrame, settings: Mapping[str, Any]) -> tuple[pd.DataFrame, list[Step]]:
    """Strip the column names, then run the task's cleanup steps in order; return the cleaned frame
    and what each step removed."""
    stripped = strip_column_names(frame)
    renamed = sum(before != after for before, after in zip(frame.columns, stripped.columns, strict=True))
    report = [Step("strip column names", note=f"{renamed} renamed")]
    frame = stripped
    for step in tasks.load(settings["task"]).cleanup_steps(settings):
        cleaned = step.run(frame)
        cleaned, note = cleaned if isinstance(cleaned, tuple) else (cleaned, "")
        report.append(step_record(step.name, step.fix, frame, cleaned, note))
        frame = cleaned
    return frame, report


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
    step = Step(
        f"take a sample of {size} rows ([data] sample = {sample})",
        len(frame) - size,
        fix="raise [data] sample, or remove it to use every row",
    )
    return frame.iloc[kept], [step]


def removed_too_many(report: list[Step], rows_before: int, max_removed_share: float) -> list[str]:
    """A warning for each step that removed more than `max_removed_share` of the rows it was given."""
    warnings, rows = [], rows_before
    for step in report:
        if rows and step.rows_removed / rows > max_removed_share:
            share = step.rows_removed / rows
            warnings.append(
                f"'{step.name}' removed {step.rows_removed} of {rows} rows ({share:.0%}, over "
                f"[clean] max_removed_share = {max_removed_share:.0%}): {step.fix}"
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
        f"'{worst.name}' removed {worst.rows_removed}. Fix: {worst.fix}"
    )


def cleanup_record(
    before: pd.DataFrame,
    after: pd.DataFrame,
    report: list[Step],
    sample: float | None = None,
    warnings: list[str] = (),
    kept_rows_warning: str = "",
) -> dict:
    """What cleanup did, for the report: the shape before and after, the sample, each step's removals,
    the warnings (`kept_rows_warning`, when the kept rows' target is unlike the removed rows', among
    them and on its own for the metrics files)."""
    return {
        "sample": sample,
        "rows_before": len(before),
        "columns_before": before.shape[1],
        "rows_after": len(after),
        "columns_after": after.shape[1],
        "steps": [
            {
                "name": step.name,
                "rows_removed": step.rows_removed,
                "columns_removed": list(step.columns_removed),
                "note": step.note,
            }
            for step in report
        ],
        "warnings": list(warnings),
        "rows_kept_share": round(len(after) / len(before), 4) if len(before) else None,
        "kept_rows_warning": kept_rows_warning or None,
    }


def main(settings: Path, raw: Path, output: Path) -> None:
    """Clean the rows in RAW into OUTPUT (Parquet), with what each step removed in OUTPUT.json beside it."""
    values = read_json(settings)
    if values.get("engine") == "spark":
        from .spark.cleanup import clean as clean_on_spark

        return clean_on_spark(values, raw, output)
    frame = pd.read_parquet(raw)
    print(f"clean: {len(frame)} rows, {frame.shape[1]} columns from {raw}")
    sampled, sampling = take_sample(frame, values["sample"], values["seed"])
    cleaned, cleaning = clean(sampled, values)
    report = sampling + cleaning
    for step in report:
        print(f"  {step}")
    check_enough_rows(cleaned, report, values["min_rows"])
    # A sample is asked for, so only the cleaning steps can remove too much.
    warnings = removed_too_many(cleaning, len(sampled), values["max_removed_share"])
    task = tasks.load(values["task"])
    compare = getattr(task, "kept_unlike_removed", None)  # tables: is the target of the kept rows unlike?
    unlike = compare(strip_column_names(sampled), cleaned, values) if compare else ""
    warnings += [unlike] if unlike else []
    for warning in warnings:
        print(f"WARNING: cleanup: {warning}", file=sys.stderr)
    task.check(cleaned, values)
    # The record first: whenever the cleaned table is fresh, so is the record beside it.
    record = cleanup_record(frame, cleaned, report, values["sample"], warnings, unlike)
    write_json(record, output.with_suffix(".json"))
    write_table(cleaned, output)
    print(f"  kept {len(cleaned)} rows, {cleaned.shape[1]} columns -> {output}")


if __name__ == "__main__":
    run(main)
