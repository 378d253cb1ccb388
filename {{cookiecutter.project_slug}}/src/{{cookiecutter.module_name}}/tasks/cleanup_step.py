"""One step of a task's cleanup, as the clean step runs and reports it (no import of the package, so
the task modules and the cleanup record share it from below)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import pandas as pd

# How to keep the rows a cleanup step removed, when the step knows no better.
CHECK_THE_SOURCE = "check the source data"


class Cleanup(NamedTuple):
    """One cleanup step of a task: its name in the report, what it does, and how to keep the rows
    it removes (or why they had to go), for the warning when it removes too many."""

    name: str
    run: Callable[[pd.DataFrame], pd.DataFrame | tuple[pd.DataFrame, str]]
    fix: str = CHECK_THE_SOURCE
