"""The hackathon clock: a time-boxed plan (SPRINTS.md) and where the team stands in it.

`plan()` scales the plan to the event's hours and sprint length; `render()` writes it as
SPRINTS.md and `parse()` reads it back, hand edits and all, so the file the team ticks in
git is the one schedule. `status()` compares it with a clock that is passed in, never read
here, so every moment of the event can be tested without waiting for it.

Standard library only: `invoke sprint` runs this before the project's environment exists.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

CHECKLIST = Path("SPRINTS.md")
# Committed, so the whole team shares one start time.
CLOCK = Path(".hackathon.json")
# Written by the pipeline's steps (cli.run) when make runs them; the Makefile names the same file.
BUILD_LOG = Path("reports/build-log.jsonl")

# Below these a plan cannot hold a scope, four sprints, a rebuild and a demo.
MIN_HOURS = 4
MIN_SPRINT_HOURS = 0.5

FIRST_STEP = "clean"  # `make clean && make` rebuilds from cleanup on; the raw snapshot stays
LAST_STEP = "leaderboard"


class SprintError(Exception):
    """A problem the team can fix (a bad argument, a broken SPRINTS.md): shown as one line."""


@dataclass(frozen=True)
class Item:
    number: int  # 1, 2, ... in file order: what `invoke sprint --tick N` takes
    text: str
    done: bool


@dataclass(frozen=True)
class Section:
    title: str
    start: int  # minutes from the start of the event
    end: int
    items: tuple[Item, ...] = ()

    @property
    def minutes(self) -> int:
        return self.end - self.start


# --- The plan ------------------------------------------------------------------------------


def _share(total: int, fraction: float, low: int, high: int) -> int:
    """`fraction` of `total` minutes, to the nearest quarter hour, kept within [low, high]."""
    return min(high, max(low, round(total * fraction / 15) * 15))


SCOPE = [
    "Name the one problem and the one metric that decides it; write both at the top of README.md",
    "Cut it to a third: estimate the ideal solution, cut its time to a third, re-think, "
    "repeat until it fits one sprint",
    "List what is explicitly out of scope",
]
CORE_SPRINTS = [
    (
        "one-touch build and a demoable baseline",
        [
            "`make` from scratch works on a fresh clone (`make clean && make`)",
            "The random baseline runs on our own data (`invoke baseline`)",
            "Something clickable or printable exists to demo (the leaderboard counts)",
        ],
    ),
    (
        "data",
        [
            "The real data source is wired in: `[data] source` and `target` in config.toml",
            "Cleanup reviewed: what each dropna-first step removed is acceptable; ids and leaks "
            "are in `[features] drop_columns`",
            "Tests for the data steps cover our own columns (tests/test_clean.py, tests/test_features.py)",
        ],
    ),
    (
        "rule-based model",
        [
            "The learned rule read and understood (`invoke rules` prints it)",
            "Rules, learned or hand-written in `[models.rules]`, beat the baseline (`invoke leaderboard`)",
        ],
    ),
    (
        "KNN",
        [
            "KNN tuned: the best k lies inside the `[models.knn]` grid, not at its edge",
            "Model tests: minimum performance over the baseline, and edge cases (tests/test_models.py)",
        ],
    ),
]
# Longer events get more sprints: first these, in this order, then as many rounds of iteration as fit.
EXTRA_SPRINTS = [
    (
        "error analysis",
        [
            "The rows the best model gets wrong looked at; the pattern they share written down",
            "One fix chosen for that pattern, sized to fit the next sprint",
        ],
    ),
    (
        "features",
        [
            "One new feature (or a leak removed) that the error analysis suggests",
            "Kept only if the leaderboard improves on the test rows",
        ],
    ),
    (
        "a stronger model",
        [
            "One stronger model (e.g. gradient boosting) added to the models/ package",
            "Kept only if it beats KNN on the leaderboard",
        ],
    ),
]
ITERATE = (
    "iterate",
    [
        "The one change most likely to lift the metric, tried and kept only if the leaderboard improves",
        "The demo updated with what changed",
    ],
)
BUFFER = [
    "Everything merged; `invoke test` passes",
    "Rebuilt from scratch before the freeze: `make clean && make` (`invoke sprint` warns when "
    "the time left is less than twice the last full build)",
    "Code frozen and tagged: `git tag demo && git push --tags`",
]
DEMO = [
    "The story: the problem, the metric, the baseline, our best model's lift (reports/leaderboard.md)",
    "Rehearsed once, end to end, within the time slot",
    "Demo given. No code in this stretch",
]


def _sections(titles_items: Iterable[tuple[str, list[str], int]]) -> list[Section]:
    """Lay sections end to end from minute 0, numbering their items in order."""
    sections, start, number = [], 0, 0
    for title, texts, minutes in titles_items:
        items = tuple(Item(number + i, text, False) for i, text in enumerate(texts, 1))
        number += len(texts)
        sections.append(Section(title, start, start + minutes, items))
        start += minutes
    return sections


def plan(hours: float, sprint_hours: float) -> list[Section]:
    """The event's sections, end to end from h+00:00 to h+<hours>.

    A short scope first, then sprints of about `sprint_hours` (at least the four that take the
    project from baseline to KNN, squeezed if the event is short), a buffer that ends with the
    code freeze, and the demo, which is always the last section.
    """
    if not hours >= MIN_HOURS:
        raise ValueError(f"a plan needs at least {MIN_HOURS} hours, not {hours}")
    if not MIN_SPRINT_HOURS <= sprint_hours <= hours:
        raise ValueError(
            f"sprints must last between {MIN_SPRINT_HOURS} and {hours} hours, not {sprint_hours}"
        )
    total, sprint = round(hours * 60), round(sprint_hours * 60)
    scope = _share(total, 0.04, 15, 60)
    buffer = _share(total, 0.10, 30, 240)
    demo = _share(total, 0.08, 30, 180)
    working = total - scope - buffer - demo
    count = max(len(CORE_SPRINTS), working // sprint)
    # Sprints share the working time evenly, in whole 5 minutes; the buffer takes what is left.
    length = working // count // 5 * 5
    buffer += working - count * length
    themes = [*CORE_SPRINTS, *EXTRA_SPRINTS]
    themes += [ITERATE] * (count - len(themes))
    return _sections(
        [
            ("Scope", SCOPE, scope),
            *((f"Sprint {n} – {title}", items, length) for n, (title, items) in enumerate(themes[:count], 1)),
            ("Buffer and freeze", BUFFER, buffer),
            ("Demo", DEMO, demo),
        ]
    )


# --- SPRINTS.md ----------------------------------------------------------------------------


def offset(minutes: float) -> str:
    """Minutes from the start as `h+HH:MM`."""
    whole = int(minutes)
    return f"h+{whole // 60:02d}:{whole % 60:02d}"


def duration(seconds: float) -> str:
    """A duration as `2h05` (or `0h30`), or to the second when that matters: `4m10s`, `12s`."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600 and seconds % 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    minutes = seconds // 60
    return f"{minutes // 60}h{minutes % 60:02d}"


def render(sections: list[Section], project_name: str) -> str:
    """SPRINTS.md: a heading with its times for each section, then its items as checkboxes."""
    sprints = [s for s in sections if s.title.startswith("Sprint ")]
    freeze = sections[-1].start
    lines = [
        f"# {project_name}: the sprint plan",
        "",
        f"{duration(sections[-1].end * 60)} in all: {len(sprints)} sprints of "
        f"{duration(sprints[0].minutes * 60)}. Times are from the start of the hackathon "
        "(`invoke sprint --start`). "
        f"Code freezes at {offset(freeze)}, when the demo starts.",
        "",
        "Tick a box when it is done (`invoke sprint --tick N`, or edit this file) and commit it;",
        "`invoke sprint` shows where the team stands. Add items or move times by hand if you need to:",
        "keep each heading's `h+HH:MM – h+HH:MM` and the sections end to end.",
    ]
    for section in sections:
        lines += [
            "",
            f"## {section.title} · {offset(section.start)} – {offset(section.end)} "
            f"({duration(section.minutes * 60)})",
            "",
        ]
        lines += [f"- [{'x' if item.done else ' '}] {item.text}" for item in section.items]
    return "\n".join(lines) + "\n"


HEADING = re.compile(r"^##(?!#)\s*(?P<title>.*?)\s*(?:·\s*)?h\+(\d+):(\d\d)\s*[–—-]+\s*h\+(\d+):(\d\d)")
CHECKBOX = re.compile(r"^\s*[-*+]\s+\[(?P<mark>[ xX])\]\s*(?P<text>.*?)\s*$")


def parse(text: str) -> list[Section]:
    """Read SPRINTS.md back: its sections, their times and their items, as the team left them."""
    sections: list[Section] = []
    number = 0
    for line_number, line in enumerate(text.splitlines(), 1):
        where = f"{CHECKLIST} line {line_number}"
        if line.startswith("##") and not line.startswith("###"):
            match = HEADING.match(line)
            if not match:
                example = "## Sprint 2 – data · h+02:00 – h+04:00"
                raise SprintError(f"{where}: a section heading needs its times, e.g. '{example}'")
            h1, m1, h2, m2 = (int(g) for g in match.groups()[1:])
            start, end = h1 * 60 + m1, h2 * 60 + m2
            expected = sections[-1].end if sections else 0
            if start != expected or end <= start:
                raise SprintError(
                    f"{where}: {match['title']!r} runs {offset(start)} – {offset(end)}, but sections must "
                    f"follow each other from h+00:00; this one should start at {offset(expected)}"
                )
            sections.append(Section(match["title"], start, end))
            continue
        box = CHECKBOX.match(line)
        if box:
            if not sections:
                raise SprintError(f"{where}: a checkbox before the first section heading; move it under one")
            number += 1
            item = Item(number, box["text"], box["mark"] != " ")
            last = sections[-1]
            sections[-1] = Section(last.title, last.start, last.end, (*last.items, item))
    if not sections:
        raise SprintError(
            f"{CHECKLIST} has no sections: each needs a heading like '## Scope · h+00:00 – h+01:00'"
        )
    return sections


def set_done(text: str, number: int, done: bool) -> str:
    """`text` with checkbox `number` ticked (or unticked); every other character kept."""
    lines = text.splitlines(keepends=True)
    total = 0
    in_sections = False
    for index, line in enumerate(lines):
        in_sections = in_sections or (line.startswith("##") and not line.startswith("###"))
        box = CHECKBOX.match(line)
        if box and in_sections:
            total += 1
            if total == number:
                mark = box.start("mark")
                lines[index] = line[:mark] + ("x" if done else " ") + line[mark + 1 :]
                return "".join(lines)
    raise SprintError(f"there is no item {number}: {CHECKLIST} has items 1 to {total} (see `invoke sprint`)")


# --- Builds --------------------------------------------------------------------------------


def last_full_build_seconds(log_lines: Iterable[str]) -> float | None:
    """How long the latest full build took, from the build log; None if there was none.

    A full build is what `make clean && make` runs: a cleanup, then every step after it up
    to a leaderboard. Its duration is the sum of the latest run of each of those steps,
    so a build done in several goes (`invoke baseline`, then `invoke all`) counts once.
    """
    runs = []
    for line in log_lines:
        try:
            runs.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut short by an interrupted step: that step did not finish

    finish = len(runs)
    for begin in reversed([i for i, run in enumerate(runs) if run["step"] == FIRST_STEP]):
        build = runs[begin:finish]
        leaderboards = [i for i, run in enumerate(build) if run["step"] == LAST_STEP]
        if leaderboards:
            latest = {tuple(run["args"]): run["seconds"] for run in build[: leaderboards[-1] + 1]}
            return sum(latest.values())
        finish = begin  # this build never reached a leaderboard: look at the one before
    return None


def read_last_build(root: Path) -> float | None:
    log = root / BUILD_LOG
    return last_full_build_seconds(log.read_text(encoding="utf-8").splitlines()) if log.is_file() else None


# --- Status --------------------------------------------------------------------------------


SHOWN = 8  # late items listed by number; a longer list would hide the other warnings


@dataclass
class Report:
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
) -> Report:
    """Where the team stands at `now` in the plan, if the clock started at `started_at`."""
    items = [item for section in sections for item in section.items]
    report = Report(
        "not started", total=sections[-1].end, ticked=sum(i.done for i in items), items=len(items)
    )
    if started_at is None or now < started_at:
        return report
    # In whole minutes, so that elapsed and left, and every figure derived from them, add up.
    report.elapsed = (now - started_at).total_seconds() // 60
    if report.elapsed >= report.total:
        report.phase = "over"
        return report
    report.phase = "running"
    report.section = next(s for s in sections if s.start <= report.elapsed < s.end)
    late = [item for s in sections if s.end <= report.elapsed for item in s.items if not item.done]
    if late:
        numbers = ", ".join(str(item.number) for item in late[:SHOWN])
        if len(late) > SHOWN:
            numbers += f" and {len(late) - SHOWN} more"
        report.warnings.append(
            f"behind schedule: {len(late)} item(s) of earlier sections not ticked: {numbers}"
        )
    freeze = sections[-1].start
    before_freeze = freeze - report.elapsed
    if before_freeze <= 0:
        report.warnings.append(
            f"code frozen since {offset(freeze)}: this stretch is for the demo, not for code"
        )
        return report
    if before_freeze <= sections[-2].minutes:
        report.warnings.append(
            f"freeze approaching: {duration(before_freeze * 60)} left until {offset(freeze)}; "
            "finish, rebuild from scratch, then stop coding"
        )
    if last_build_seconds is not None and before_freeze * 60 < 2 * last_build_seconds:
        report.warnings.append(
            f"rebuild risk: {duration(before_freeze * 60)} left before the freeze is less than twice the "
            f"last full build ({duration(last_build_seconds)} x 2 = {duration(2 * last_build_seconds)}); "
            "run `make clean && make` now"
        )
    return report


def describe(report: Report, sections: list[Section], started_at: datetime | None) -> str:
    """The report as the few lines `invoke sprint` prints."""
    progress = f"{report.ticked}/{report.items} items ticked"
    if started_at is None:
        return (
            f"The clock has not started ({duration(report.total * 60)} planned in {CHECKLIST}, {progress}).\n"
            "Start it when the hackathon starts: `invoke sprint --start` (or "
            '`--start --at "2026-11-21 09:00"`), then commit .hackathon.json so the team shares it.'
        )
    started = f"{started_at.astimezone():%a %Y-%m-%d %H:%M}"
    if report.phase == "not started":
        return f"The hackathon starts {started}. {progress} so far."
    if report.phase == "over":
        length = duration(report.total * 60)
        lines = [f"The hackathon is over (started {started}, {length}). Final tally: {progress}."]
        lines += [
            f"  {section.title}: {sum(i.done for i in section.items)}/{len(section.items)}"
            for section in sections
        ]
        return "\n".join(lines)
    section = report.section
    assert section is not None
    lines = [
        f"{duration(report.elapsed * 60)} elapsed, {duration((report.total - report.elapsed) * 60)} left "
        f"(started {started}). {progress}.",
        f"Now: {section.title} ({offset(section.start)} – {offset(section.end)}), "
        f"{duration((section.end - report.elapsed) * 60)} left in it.",
    ]
    lines += [f"  {item.number:>2}. [ ] {item.text}" for item in section.items if not item.done]
    if all(item.done for item in section.items):
        lines.append("  Every item of this section is ticked.")
    lines += [f"Warning: {warning}" for warning in report.warnings]
    return "\n".join(lines)


# --- The command ---------------------------------------------------------------------------


def parse_at(text: str, now: datetime) -> datetime:
    """A start time as the team types it, in local time: '2026-11-21 09:00', or '09:00' for today."""
    try:
        if re.fullmatch(r"\d{1,2}:\d\d", text.strip()):
            hour, minute = (int(part) for part in text.split(":"))
            moment = now.astimezone().replace(hour=hour, minute=minute, second=0, microsecond=0)
        else:
            moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise SprintError(
            f'--at {text!r} is not a date and time; use e.g. --at "2026-11-21 09:00" or --at 09:00 (today)'
        ) from None
    return moment.astimezone()


def read_checklist(root: Path) -> tuple[str, list[Section]]:
    path = root / CHECKLIST
    if not path.is_file():
        raise SprintError(f"{CHECKLIST} is missing: restore it with `git checkout -- {CHECKLIST}`")
    with open(path, encoding="utf-8", newline="") as file:  # keep the team's line endings
        text = file.read()
    return text, parse(text)


def read_clock(root: Path) -> datetime | None:
    path = root / CLOCK
    if not path.is_file():
        return None
    try:
        return datetime.fromisoformat(json.loads(path.read_text(encoding="utf-8"))["started_at"])
    except (ValueError, KeyError, TypeError) as error:
        raise SprintError(
            f"{CLOCK} is broken ({error}): delete it and run `invoke sprint --start` again"
        ) from None


def write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w", encoding="utf-8", newline="") as file:
        file.write(text)
    os.replace(temporary, path)


def command(
    root: Path,
    now: datetime,
    start: bool = False,
    at: str | None = None,
    tick: int | None = None,
    untick: int | None = None,
) -> str:
    """What `invoke sprint` does in the project at `root` at the moment `now`; returns what it prints.

    Every argument is checked before anything is written, so a bad one changes nothing.
    """
    text, sections = read_checklist(root)
    started_at = read_clock(root)
    said = []
    if at is not None and not start:
        raise SprintError("--at sets the start time: use it with --start")
    if start and started_at is not None:
        raise SprintError(
            f"the clock already started {started_at.astimezone():%Y-%m-%d %H:%M}; "
            f"to start it again, delete {CLOCK} first"
        )
    new_start = None
    if start:
        new_start = parse_at(at, now) if at is not None else now.astimezone().replace(microsecond=0)
    changed = text
    for number, done in ((tick, True), (untick, False)):
        if number is not None:
            changed = set_done(changed, number, done)
            item = next(i for s in parse(changed) for i in s.items if i.number == number)
            said.append(f"{'Ticked' if done else 'Unticked'} {number}. {item.text}")
    if new_start is not None:
        write_atomically(root / CLOCK, json.dumps({"started_at": new_start.isoformat()}) + "\n")
        said.insert(
            0, f"Clock started {new_start:%Y-%m-%d %H:%M}: commit {CLOCK} so the whole team shares it."
        )
        started_at = new_start
    if changed != text:
        write_atomically(root / CHECKLIST, changed)
        sections = parse(changed)
    said.append(describe(status(sections, started_at, now, read_last_build(root)), sections, started_at))
    return "\n".join(said)
