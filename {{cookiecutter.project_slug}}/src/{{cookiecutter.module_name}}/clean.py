"""Dropna-first cleanup: the least cleaning that can work, every step reported.

The steps run in this order and each returns a new frame (the input is never
modified): strip column names; drop rows whose target is missing; drop columns
that are mostly empty; drop rows with any missing value; drop duplicate rows.
Interaction logs (the recommendation task) have their task's own steps after the
first: drop rows without a user or item; collapse repeated interactions.
There is no imputation: if dropping loses too much, the message says which
step did it, so the team can fix that column rather than guess values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from . import tasks
from .cli import run
from .errors import StepError
from .files import read_json, write_json, write_table


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


Steps = list[tuple[str, Callable[[pd.DataFrame], pd.DataFrame]]]


def table_steps(target: str, max_missing_fraction: float = 0.5) -> Steps:
    """The cleanup of a table with a target column (classification, regression)."""
    return [
        (f"drop rows with no {target}", lambda f: drop_missing_target(f, target)),
        (
            f"drop columns over {max_missing_fraction:.0%} missing",
            lambda f: drop_mostly_empty_columns(f, target, max_missing_fraction),
        ),
        ("drop rows with any missing value", drop_incomplete_rows),
        ("drop duplicate rows", drop_duplicate_rows),
    ]


def run_steps(frame: pd.DataFrame, steps: Steps) -> tuple[pd.DataFrame, list[Step]]:
    """Strip the column names, run `steps` in order; return the cleaned frame and what each removed."""
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


def clean(
    frame: pd.DataFrame, target: str, max_missing_fraction: float = 0.5
) -> tuple[pd.DataFrame, list[Step]]:
    """Run the table cleanup steps in order; return the cleaned frame and what each step removed."""
    return run_steps(frame, table_steps(target, max_missing_fraction))


def task_steps(values: dict) -> Steps:
    """The cleanup steps of the stage's task: its own (recommendation) or the table's."""
    task = tasks.load(values["task"])
    if hasattr(task, "cleanup_steps"):
        return task.cleanup_steps(values)
    return table_steps(values["target"], values["max_missing_fraction"])


def check_enough_rows(frame: pd.DataFrame, report: list[Step], min_rows: int) -> None:
    """Stop, naming the step that removed the most rows, if too few are left to split and train on."""
    if len(frame) >= min_rows:
        return
    worst = max(report, key=lambda step: step.rows_removed)
    hint = (
        "a column is missing in many rows: lower [clean] max_missing_fraction to drop it, "
        "or fill it in the source"
        if worst.name == "drop rows with any missing value"
        else "check the source data"
    )
    raise StepError(
        f"cleanup left {len(frame)} rows, fewer than [clean] min_rows = {min_rows}; "
        f"'{worst.name}' removed {worst.rows_removed}. Fix: {hint}"
    )


def cleanup_record(before: pd.DataFrame, after: pd.DataFrame, report: list[Step]) -> dict:
    """What cleanup did, for the report: the shape before and after, and each step's removals."""
    return {
        "rows_before": len(before),
        "columns_before": before.shape[1],
        "rows_after": len(after),
        "columns_after": after.shape[1],
        "steps": [{**asdict(step), "columns_removed": list(step.columns_removed)} for step in report],
    }


def main(settings: Path, raw: Path, output: Path) -> None:
    """Clean the rows in RAW into OUTPUT (Parquet), with what each step removed in OUTPUT.json beside it."""
    values = read_json(settings)
    frame = pd.read_parquet(raw)
    print(f"clean: {len(frame)} rows, {frame.shape[1]} columns from {raw}")
    cleaned, report = run_steps(frame, task_steps(values))
    for step in report:
        print(f"  {step}")
    check_enough_rows(cleaned, report, values["min_rows"])
    tasks.load(values["task"]).check(cleaned, values)
    # The record first: whenever the cleaned table is fresh, so is the record beside it.
    write_json(cleanup_record(frame, cleaned, report), output.with_suffix(".json"))
    write_table(cleaned, output)
    print(f"  kept {len(cleaned)} rows, {cleaned.shape[1]} columns -> {output}")


if __name__ == "__main__":
    run(main)
