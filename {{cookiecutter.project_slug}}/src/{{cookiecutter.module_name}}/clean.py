"""Cleanup, every step reported: the column names stripped, then the task's own steps.

What the steps are is the task's (tasks/table_cleanup.py for tables, tasks/interaction_log.py for
interaction logs); each returns a new frame (the input is never modified). This step samples
the rows first if `[data] sample` asks, records what each step removed, warns when one removes
more than `[clean] max_removed_share` and stops when fewer than `[clean] min_rows` are left,
naming the step that removed the most and how to keep its rows.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import tasks
from .cleanup_report import Step, check_enough_rows, cleanup_record, removed_too_many, sample_size
from .cli import run
from .files import read_json, write_json, write_table
from .tasks import strip_column_names


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


def main(settings: Path, raw: Path, output: Path) -> None:
    """Clean the rows in RAW into OUTPUT (Parquet), with what each step removed in OUTPUT.json beside it."""
    values = read_json(settings)
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
