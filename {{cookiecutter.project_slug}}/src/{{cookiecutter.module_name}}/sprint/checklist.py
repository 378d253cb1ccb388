"""SPRINTS.md: the plan written as a checklist, read back with the team's hand edits, boxes ticked.

The file the team ticks in git is the one schedule: `render()` writes it from a plan, `parse()`
reads its sections, times and items back as the team left them, and `set_done()` ticks or
unticks one box and keeps every other character.
"""

from __future__ import annotations

import re
from pathlib import Path

from .plan import Item, Section

CHECKLIST = Path("SPRINTS.md")


class SprintError(Exception):
    """A problem the team can fix (a bad argument, a broken SPRINTS.md): shown as one line."""


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
# The text runs to the end of the line (its trailing spaces stripped after): a lazy match followed by
# \s*$ would try the end at every character, which made long lines slow.
CHECKBOX = re.compile(r"^\s*[-*+]\s+\[(?P<mark>[ xX])\]\s*(?P<text>.*)")


def parse(text: str) -> list[Section]:
    """Read SPRINTS.md back: its sections, their times and their items, as the team left them.

    One pass, each item appended once: linear in the file's size, whatever the number of items.
    """
    sections: list[tuple[str, int, int, list[Item]]] = []
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
            expected = sections[-1][2] if sections else 0
            if start != expected or end <= start:
                raise SprintError(
                    f"{where}: this section runs {offset(start)} – {offset(end)}, but sections must "
                    f"follow each other from h+00:00; this one should start at {offset(expected)}"
                )
            sections.append((match["title"], start, end, []))
            continue
        box = CHECKBOX.match(line)
        if box:
            if not sections:
                raise SprintError(f"{where}: a checkbox before the first section heading; move it under one")
            number += 1
            sections[-1][3].append(Item(number, box["text"].rstrip(), box["mark"] != " "))
    if not sections:
        raise SprintError(
            f"{CHECKLIST} has no sections: each needs a heading like '## Scope · h+00:00 – h+01:00'"
        )
    return [Section(title, start, end, tuple(items)) for title, start, end, items in sections]


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
