"""What cleanup did, as both engines record it: each step's removals, the warnings, the record.

clean.py (pandas) and spark/cleanup.py (Spark) import this; neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import StepError
from .tasks.cleanup_step import CHECK_THE_SOURCE


@dataclass(frozen=True)
class Step:
    """What one cleanup step removed."""

    name: str
    rows_removed: int = 0
    columns_removed: tuple[str, ...] = ()
    note: str = ""
    # How to keep the rows the step removed (or why they had to go); not part of the record.
    fix: str = CHECK_THE_SOURCE

    def __str__(self) -> str:
        removed = []
        if self.rows_removed:
            removed.append(f"-{self.rows_removed} rows")
        if self.columns_removed:
            removed.append(f"-{len(self.columns_removed)} columns ({', '.join(self.columns_removed)})")
        if removed and self.note:  # what the removal saved, or why
            return f"{self.name}: {', '.join(removed)}; {self.note}"
        return f"{self.name}: {', '.join(removed) or self.note or 'nothing removed'}"


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


def check_enough_rows(frame: Any, report: list[Step], min_rows: int) -> None:
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
    before: Any,
    after: Any,
    report: list[Step],
    sample: float | None = None,
    warnings: list[str] = (),
    kept_rows_warning: str = "",
) -> dict:
    """What cleanup did, for the report: the shape before and after, the sample, each step's removals,
    the warnings."""
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
