"""The sprint plan fits any event, and SPRINTS.md reads back the team's hand edits and ticks."""

import pytest

from {{ cookiecutter.module_name }}.sprint.checklist import SprintError, parse, render, set_done
from {{ cookiecutter.module_name }}.sprint.plan import schedule

SIZES = [(hours, sprint) for hours in (6, 12, 24, 48) for sprint in (1, 2, 4)]


def sprints(sections):
    return [s for s in sections if s.title.startswith("Sprint ")]


@pytest.mark.parametrize(("hours", "sprint_hours"), SIZES)
def test_plan_covers_the_whole_event_end_to_end(hours, sprint_hours):
    """Sections follow each other without gap or overlap from h+00:00 to the last hour."""
    sections = schedule(hours, sprint_hours)
    assert sections[0].start == 0 and sections[-1].end == hours * 60
    assert all(a.end == b.start for a, b in zip(sections, sections[1:], strict=False))
    assert all(s.minutes > 0 and s.items for s in sections)


@pytest.mark.parametrize(("hours", "sprint_hours"), SIZES)
def test_plan_scopes_first_and_keeps_a_buffer_and_the_demo_last(hours, sprint_hours):
    """A short scope opens; at least the four model sprints follow; a buffer, then the demo, close."""
    sections = schedule(hours, sprint_hours)
    assert sections[0].title == "Scope" and sections[0].minutes <= 60
    assert [s.title for s in sections[-2:]] == ["Buffer and freeze", "Demo"]
    assert sections[-2].minutes >= 30 and sections[-1].minutes >= 30
    titles = [s.title for s in sprints(sections)]
    assert titles[:4] == [
        "Sprint 1 – one-touch build and a demoable baseline",
        "Sprint 2 – data",
        "Sprint 3 – rule-based model",
        "Sprint 4 – KNN",
    ]


@pytest.mark.parametrize(("hours", "sprint_hours"), SIZES)
def test_sprints_last_about_the_chosen_length_unless_four_do_not_fit(hours, sprint_hours):
    """Sprints are equal, under twice the chosen length, and shorter than it only when four would not fit."""
    chosen = sprints(schedule(hours, sprint_hours))
    (length,) = {s.minutes for s in chosen}
    assert length < 2 * sprint_hours * 60
    if length < sprint_hours * 60:
        assert len(chosen) == 4


def test_a_longer_event_gets_more_sprints_not_just_other_numbers():
    """12 hours in 2-hour sprints holds the four model sprints; 48 hours adds error analysis and more."""
    short, long = sprints(schedule(12, 2)), sprints(schedule(48, 2))
    assert len(short) == 4
    assert len(long) == 20
    assert "Sprint 5 – error analysis" in [s.title for s in long]


@pytest.mark.parametrize(("hours", "sprint_hours"), [(3, 1), (0, 1), (24, 0.25), (24, 25)])
def test_plan_refuses_what_cannot_hold_a_plan(hours, sprint_hours):
    """Too short an event, too short a sprint, or a sprint longer than the event is refused."""
    with pytest.raises(ValueError):
        schedule(hours, sprint_hours)


@pytest.mark.parametrize(("hours", "sprint_hours"), SIZES)
def test_rendered_plan_reads_back_unchanged(hours, sprint_hours):
    """SPRINTS.md as written at bake time parses to exactly the plan it came from."""
    sections = schedule(hours, sprint_hours)
    assert parse(render(sections, "Penguin Party")) == sections


def test_hand_edits_read_back():
    """Ticks in any case, added items in any bullet style, and a section moved by hand are all read."""
    text = render(schedule(12, 2), "P")
    text = text.replace("- [ ] List what", "- [X] List what")
    text = text.replace("data · h+02:45 – h+05:00", "data · h+02:45 – h+05:30")
    text = text.replace("rule-based model · h+05:00", "rule-based model · h+05:30")
    text = text.replace(
        "## Sprint 4", "  * [x] a sub-item we added\n\n### notes, not a section\n\n## Sprint 4"
    )
    sections = parse(text.replace("\n", "\r\n"))
    scope, _, data, rules = sections[:4]
    assert scope.items[2].done
    assert (data.start, data.end, rules.start) == (165, 330, 330)
    assert rules.items[-1].text == "a sub-item we added" and rules.items[-1].done
    assert [i.number for s in sections for i in s.items] == list(range(1, 21))


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ("## Sprint 2 – data\n", "line 3: a section heading needs its times"),
        ("## A · h+00:00 – h+01:00\n## B · h+00:30 – h+02:00\n", "sections must follow each other"),
        ("## A · h+00:10 – h+01:00\n", r"should start at h\+00:00"),
        ("## A · h+00:00 – h+00:00\n", "sections must follow each other"),
        ("- [ ] stray\n## A · h+00:00 – h+01:00\n", "a checkbox before the first section"),
        ("just words\n", "has no sections"),
    ],
)
def test_a_broken_checklist_is_explained(broken, message):
    """Hand edits that lose the times or the order get a message naming the line and the fix."""
    with pytest.raises(SprintError, match=message):
        parse("# Plan\n\n" + broken)


def test_ticking_changes_only_that_box():
    """--tick N flips one checkbox; every other character of the file stays as the team left it."""
    text = render(schedule(12, 2), "P")
    ticked = set_done(text, 5, True)
    assert [line for line in ticked.splitlines() if "[x]" in line] == [
        "- [x] The random baseline runs on our own data (`invoke baseline`)"
    ]
    assert set_done(ticked, 5, False) == text
    with pytest.raises(SprintError, match="there is no item 20: SPRINTS.md has items 1 to 19"):
        set_done(text, 20, True)
