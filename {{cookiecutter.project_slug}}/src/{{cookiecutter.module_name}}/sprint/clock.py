"""Where the team stands in the plan at one moment, and the few lines that say so.

`status()` compares the plan with a clock that is passed in, never read here, so every moment
of the event can be tested without waiting for it. Its rebuild-risk warning needs how long the
last full build took, which the build log that make's steps write tells.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .checklist import CHECKLIST, duration, offset
from .plan import Section

# Written by the pipeline's steps (cli.run) when make runs them; the Makefile names the same file.
BUILD_LOG = Path("reports/build-log.jsonl")
FIRST_STEP = "clean"  # `make clean && make` rebuilds from cleanup on; the raw snapshot stays
LAST_STEP = "leaderboard"

SHOWN = 8  # late items listed by number; a longer list would hide the other warnings


def last_full_build_seconds(log_lines: Iterable[str]) -> float | None:
    """How long the latest full build took, from the build log; None if there was none.

    A full build is what `make clean && make` runs: a cleanup, then every step after it up
    to a leaderboard. Its duration is the sum of the latest run of each of those steps,
    so a build done in several goes (`invoke baseline`, then `invoke all`) counts once.
    """
    runs = []
    for line in log_lines:
        try:
            run = json.loads(line)
        except (ValueError, RecursionError):
            continue  # a line cut short by an interrupted step (that step did not finish), or garbage
        if is_step_run(run):
            runs.append(run)

    finish = len(runs)
    for begin in reversed([i for i, run in enumerate(runs) if run["step"] == FIRST_STEP]):
        build = runs[begin:finish]
        leaderboards = [i for i, run in enumerate(build) if run["step"] == LAST_STEP]
        if leaderboards:
            latest = {tuple(run["args"]): run["seconds"] for run in build[: leaderboards[-1] + 1]}
            return sum(latest.values())
        finish = begin  # this build never reached a leaderboard: look at the one before
    return None


def is_step_run(run: object) -> bool:
    """Whether a build-log record has what the sum needs: a step, its arguments and its seconds."""
    if not isinstance(run, dict) or not isinstance(run.get("step"), str):
        return False
    args, seconds = run.get("args"), run.get("seconds")
    return (
        isinstance(args, list)
        and all(isinstance(arg, str) for arg in args)
        and isinstance(seconds, (int, float))
        and not isinstance(seconds, bool)
    )


def read_last_build(root: Path) -> float | None:
    log = root / BUILD_LOG
    # a damaged byte spoils its line only, which the reader skips
    text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else None
    return last_full_build_seconds(text.splitlines()) if text is not None else None


@dataclass
class Standing:
    """Where the team stands at one moment."""

    phase: str  # "not started", "running" or "over"
    elapsed: float = 0  # minutes since the start
    total: int = 0  # minutes in the event
    section: Section | None = None
    ticked: int = 0
    items: int = 0
    warnings: list[str] = field(default_factory=list)


def status(
    sections: list[Section], started_at: datetime | None, now: datetime, last_build_seconds: float | None
) -> Standing:
    """Where the team stands at `now` in the plan, if the clock started at `started_at`."""
    items = [item for section in sections for item in section.items]
    standing = Standing(
        "not started", total=sections[-1].end, ticked=sum(i.done for i in items), items=len(items)
    )
    if started_at is None or now < started_at:
        return standing
    # In whole minutes, so that elapsed and left, and every figure derived from them, add up.
    standing.elapsed = (now - started_at).total_seconds() // 60
    if standing.elapsed >= standing.total:
        standing.phase = "over"
        return standing
    standing.phase = "running"
    standing.section = next(s for s in sections if s.start <= standing.elapsed < s.end)
    late = [item for s in sections if s.end <= standing.elapsed for item in s.items if not item.done]
    if late:
        numbers = ", ".join(str(item.number) for item in late[:SHOWN])
        if len(late) > SHOWN:
            numbers += f" and {len(late) - SHOWN} more"
        standing.warnings.append(
            f"behind schedule: {len(late)} item(s) of earlier sections not ticked: {numbers}"
        )
    freeze = sections[-1].start
    before_freeze = freeze - standing.elapsed
    if before_freeze <= 0:
        standing.warnings.append(
            f"code frozen since {offset(freeze)}: this stretch is for the demo, not for code"
        )
        return standing
    if before_freeze <= sections[-2].minutes:
        standing.warnings.append(
            f"freeze approaching: {duration(before_freeze * 60)} left until {offset(freeze)}; "
            "finish, rebuild from scratch, then stop coding"
        )
    if last_build_seconds is not None and before_freeze * 60 < 2 * last_build_seconds:
        standing.warnings.append(
            f"rebuild risk: {duration(before_freeze * 60)} left before the freeze is less than twice the "
            f"last full build ({duration(last_build_seconds)} x 2 = {duration(2 * last_build_seconds)}); "
            "run `make clean && make` now"
        )
    return standing


def describe(standing: Standing, sections: list[Section], started_at: datetime | None) -> str:
    """Where the team stands, as the few lines `invoke sprint` prints."""
    progress = f"{standing.ticked}/{standing.items} items ticked"
    if started_at is None:
        planned = duration(standing.total * 60)
        return (
            f"The clock has not started ({planned} planned in {CHECKLIST}, {progress}).\n"
            "Start it when the hackathon starts: `invoke sprint --start` (or "
            '`--start --at "2026-11-21 09:00"`), then commit .hackathon.json so the team shares it.'
        )
    started = f"{started_at.astimezone():%a %Y-%m-%d %H:%M}"
    if standing.phase == "not started":
        return f"The hackathon starts {started}. {progress} so far."
    if standing.phase == "over":
        length = duration(standing.total * 60)
        lines = [f"The hackathon is over (started {started}, {length}). Final tally: {progress}."]
        lines += [
            f"  {section.title}: {sum(i.done for i in section.items)}/{len(section.items)}"
            for section in sections
        ]
        return "\n".join(lines)
    section = standing.section
    assert section is not None
    lines = [
        f"{duration(standing.elapsed * 60)} elapsed, {duration((standing.total - standing.elapsed) * 60)} "
        f"left (started {started}). {progress}.",
        f"Now: {section.title} ({offset(section.start)} – {offset(section.end)}), "
        f"{duration((section.end - standing.elapsed) * 60)} left in it.",
    ]
    lines += [f"  {item.number:>2}. [ ] {item.text}" for item in section.items if not item.done]
    if all(item.done for item in section.items):
        lines.append("  Every item of this section is ticked.")
    lines += [f"Warning: {warning}" for warning in standing.warnings]
    return "\n".join(lines)
