"""What `invoke sprint` does: read SPRINTS.md and the shared start time, start the clock, tick, describe.

The one file here that writes: the start time to .hackathon.json, the ticks to SPRINTS.md, each
only after every argument checked out. `now` is passed in, so any moment of the event can be tested.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path

from .checklist import CHECKLIST, SprintError, parse, set_done
from .clock import describe, read_last_build, status
from .plan import Section

# Committed, so the whole team shares one start time.
CLOCK = Path(".hackathon.json")
MAX_CLOCK_BYTES = 4096  # it holds one start time


def parse_at(text: str, now: datetime) -> datetime:
    """A start time as the team types it, in local time: '2026-11-21 09:00', or '09:00' for today."""
    try:
        if re.fullmatch(r"\d{1,2}:\d\d", text.strip()):
            hour, minute = (int(part) for part in text.split(":"))
            moment = now.astimezone().replace(hour=hour, minute=minute, second=0, microsecond=0)
        else:
            moment = datetime.fromisoformat(text.strip())
        return moment.astimezone()
    except (ValueError, OverflowError):  # OverflowError: a time near year 1 or 9999 has no local time
        raise SprintError(
            '--at takes a date and time, e.g. --at "2026-11-21 09:00", or a time today, e.g. --at 09:00'
        ) from None
    return moment.astimezone()


def read_checklist(root: Path) -> tuple[str, list[Section]]:
    path = root / CHECKLIST
    if not path.is_file():
        raise SprintError(f"{CHECKLIST} is missing: restore it with `git checkout -- {CHECKLIST}`")
    try:
        with open(path, encoding="utf-8", newline="") as file:  # keep the team's line endings
            text = file.read()
    except UnicodeDecodeError as error:
        raise SprintError(
            f"{CHECKLIST} is not UTF-8 text (byte {error.start}): save it as UTF-8 in your editor"
        ) from None
    return text, parse(text)


def read_clock(root: Path) -> datetime | None:
    """The shared start time; one without a time zone (a hand edit) is local time."""
    path = root / CLOCK
    if not path.is_file():
        return None
    broken = f"{CLOCK} is broken (%s): delete it and run `invoke sprint --start` again"
    if path.stat().st_size > MAX_CLOCK_BYTES:
        raise SprintError(broken % f"over {MAX_CLOCK_BYTES} bytes")
    try:
        started = datetime.fromisoformat(json.loads(path.read_bytes())["started_at"])
        # astimezone() reads a naive time as local; in UTC or local time, one near year 1 or 9999
        # may not exist: found now rather than when the time is shown
        started.astimezone(timezone.utc).astimezone()
        return started.astimezone() if started.tzinfo is None else started
    except (ValueError, KeyError, TypeError, IndexError) as error:  # UnicodeDecodeError is a ValueError
        raise SprintError(broken % type(error).__name__) from None
    except (OverflowError, RecursionError):  # out of the calendar; brackets nested past Python's limit
        raise SprintError(broken % "not a start time") from None


def write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w", encoding="utf-8", newline="") as file:
        file.write(text)
    os.replace(temporary, path)


def invoke_sprint(
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
