"""The plan: the event's sections, end to end, each sized from the event's hours, with its items.

The template's post-generation hook runs this at bake time to write SPRINTS.md. It ships in the
runtime package all the same, as its own file, so that the plan and the checklist format that
writes it and reads it back (checklist.py) live in one place and cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Below these a plan cannot hold a scope, four sprints, a rebuild and a demo.
MIN_HOURS = 4
MIN_SPRINT_HOURS = 0.5


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


def schedule(hours: float, sprint_hours: float) -> list[Section]:
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
