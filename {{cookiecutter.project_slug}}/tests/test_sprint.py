"""The sprint plan fits any event, reads back hand edits, and the clock warns in time."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from {{ cookiecutter.module_name }}.sprint import (
    CHECKLIST,
    CLOCK,
    SprintError,
    command,
    last_full_build_seconds,
    parse,
    plan,
    render,
    set_done,
    status,
)

START = datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc)
SIZES = [(hours, sprint) for hours in (6, 12, 24, 48) for sprint in (1, 2, 4)]


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def sprints(sections):
    return [s for s in sections if s.title.startswith("Sprint ")]


@pytest.mark.parametrize(("hours", "sprint_hours"), SIZES)
def test_plan_covers_the_whole_event_end_to_end(hours, sprint_hours):
    """Sections follow each other without gap or overlap from h+00:00 to the last hour."""
    sections = plan(hours, sprint_hours)
    assert sections[0].start == 0 and sections[-1].end == hours * 60
    assert all(a.end == b.start for a, b in zip(sections, sections[1:], strict=False))
    assert all(s.minutes > 0 and s.items for s in sections)


@pytest.mark.parametrize(("hours", "sprint_hours"), SIZES)
def test_plan_scopes_first_and_keeps_a_buffer_and_the_demo_last(hours, sprint_hours):
    """A short scope opens; at least the four model sprints follow; a buffer, then the demo, close."""
    sections = plan(hours, sprint_hours)
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
    chosen = sprints(plan(hours, sprint_hours))
    (length,) = {s.minutes for s in chosen}
    assert length < 2 * sprint_hours * 60
    if length < sprint_hours * 60:
        assert len(chosen) == 4


def test_a_longer_event_gets_more_sprints_not_just_other_numbers():
    """12 hours in 2-hour sprints holds the four model sprints; 48 hours adds error analysis and more."""
    short, long = sprints(plan(12, 2)), sprints(plan(48, 2))
    assert len(short) == 4
    assert len(long) == 20
    assert "Sprint 5 – error analysis" in [s.title for s in long]


@pytest.mark.parametrize(("hours", "sprint_hours"), [(3, 1), (0, 1), (24, 0.25), (24, 25)])
def test_plan_refuses_what_cannot_hold_a_plan(hours, sprint_hours):
    """Too short an event, too short a sprint, or a sprint longer than the event is refused."""
    with pytest.raises(ValueError):
        plan(hours, sprint_hours)


@pytest.mark.parametrize(("hours", "sprint_hours"), SIZES)
def test_rendered_plan_reads_back_unchanged(hours, sprint_hours):
    """SPRINTS.md as written at bake time parses to exactly the plan it came from."""
    sections = plan(hours, sprint_hours)
    assert parse(render(sections, "Penguin Party")) == sections


def test_hand_edits_read_back():
    """Ticks in any case, added items in any bullet style, and a section moved by hand are all read."""
    text = render(plan(12, 2), "P")
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
    text = render(plan(12, 2), "P")
    ticked = set_done(text, 5, True)
    assert [line for line in ticked.splitlines() if "[x]" in line] == [
        "- [x] The random baseline runs on our own data (`invoke baseline`)"
    ]
    assert set_done(ticked, 5, False) == text
    with pytest.raises(SprintError, match="there is no item 20: SPRINTS.md has items 1 to 19"):
        set_done(text, 20, True)


def run(step: str, output: str, seconds: float) -> str:
    return json.dumps({"step": step, "args": [f".settings/{step}.json", output], "seconds": seconds})


FULL_BUILD = [
    run("clean", "clean", 2),
    run("features", "split", 1),
    run("train", "random", 1),
    run("train", "knn", 5),
    run("leaderboard", "board", 1),
]


def test_last_full_build_is_the_sum_of_its_steps():
    """A cleanup and every step up to the leaderboard: 10 seconds; the snapshot before it is not counted."""
    assert last_full_build_seconds([run("data", "raw", 30), *FULL_BUILD]) == 10


def test_a_build_done_in_several_goes_counts_each_step_once():
    """`invoke baseline`, a KNN retrain, then `invoke all`: the latest run of each step counts."""
    log = [*FULL_BUILD[:3], run("leaderboard", "board", 1), run("train", "knn", 5), run("train", "knn", 7)]
    assert last_full_build_seconds([*log, run("leaderboard", "board", 1)]) == 12


def test_a_build_still_running_falls_back_to_the_last_finished_one():
    """A rebuild that has not reached the leaderboard yet does not count; the one before it does."""
    assert last_full_build_seconds([*FULL_BUILD, run("clean", "clean", 3), "{cut sh"]) == 10
    assert last_full_build_seconds(FULL_BUILD[:-1]) is None


PLAN = plan(12, 2)  # ... Sprint 4 h+07:15 – h+09:30, Buffer h+09:30 – h+11:00, Demo h+11:00 – h+12:00


def ticked_until(minutes: int):
    """PLAN with every item of the sections that end by `minutes` ticked: a team on schedule."""
    text = render(PLAN, "P")
    for section in PLAN:
        if section.end <= minutes:
            for item in section.items:
                text = set_done(text, item.number, True)
    return parse(text)


def test_before_the_start_there_is_no_current_section():
    """With no clock, or a start still ahead, nothing is late and nothing is current."""
    for started_at in (None, at(60)):
        report = status(PLAN, started_at, at(0), None)
        assert report.phase == "not started" and report.section is None and report.warnings == []


@pytest.mark.parametrize("section", PLAN, ids=lambda s: s.title)
def test_each_moment_falls_in_its_section(section):
    """At the start, middle and last minute of a section, that section is the current one."""
    for minute in (section.start, (section.start + section.end) / 2, section.end - 1):
        report = status(ticked_until(section.start), START, at(minute), None)
        assert report.phase == "running" and report.section.title == section.title


def test_on_schedule_there_is_no_warning():
    """A team that ticked every earlier item, mid-event, with a quick build, gets no warning."""
    assert status(ticked_until(300), START, at(300), 60).warnings == []


def test_unticked_items_of_earlier_sections_mean_behind_schedule():
    """In Sprint 3, an open item of Sprint 1 is reported by its number."""
    sections = parse(set_done(render(ticked_until(300), "P"), 5, False))
    (warning,) = status(sections, START, at(320), None).warnings
    assert warning == "behind schedule: 1 item(s) of earlier sections not ticked: 5"


def test_a_long_backlog_is_summed_up():
    """Nine late items are listed up to eight numbers, so the other warnings stay in view."""
    (warning,) = status(PLAN, START, at(320), None).warnings
    assert warning.endswith("9 item(s) of earlier sections not ticked: 1, 2, 3, 4, 5, 6, 7, 8 and 1 more")


def test_the_freeze_is_announced_during_the_buffer():
    """Inside the buffer, the freeze time and what is left before it are shown."""
    (warning,) = status(ticked_until(570), START, at(600), None).warnings
    assert warning.startswith("freeze approaching: 1h00 left until h+11:00")


def test_a_rebuild_that_may_not_fit_before_the_freeze_is_a_risk():
    """3h before the freeze, a 1h40 build (x2 = 3h20) warns, with the figures; a 1h20 build does not."""
    (warning,) = status(ticked_until(480), START, at(480), 100 * 60).warnings
    assert warning == (
        "rebuild risk: 3h00 left before the freeze is less than twice the last full build "
        "(1h40 x 2 = 3h20); run `make clean && make` now"
    )
    assert status(ticked_until(480), START, at(480), 80 * 60).warnings == []


def test_during_the_demo_code_is_frozen():
    """After the freeze the clock says the rest is for the demo, and no longer talks of rebuilds."""
    (warning,) = status(ticked_until(660), START, at(690), 10_000).warnings
    assert warning.startswith("code frozen since h+11:00")


def test_after_the_end_the_event_is_over():
    """Once the last minute has passed, the report is the final tally."""
    report = status(ticked_until(720), START, at(720), None)
    assert report.phase == "over" and report.section is None
    assert (report.ticked, report.items) == (19, 19)


@pytest.fixture
def checklist(tmp_path):
    (tmp_path / CHECKLIST).write_text(render(PLAN, "P"))
    return tmp_path


def test_start_records_the_given_time_for_the_team(checklist):
    """--start --at writes the start, with its UTC offset, to the committed clock file."""
    output = command(checklist, at(30), start=True, at="2026-11-21 09:00")
    started = datetime.fromisoformat(json.loads((checklist / CLOCK).read_text())["started_at"])
    assert started == datetime(2026, 11, 21, 9, 0).astimezone()
    assert "Clock started 2026-11-21 09:00" in output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"start": True, "at": "tomorrow"}, "--at 'tomorrow' is not a date and time"),
        ({"at": "09:00"}, "--at sets the start time: use it with --start"),
        ({"tick": 99}, "there is no item 99"),
        ({"start": True, "tick": 99}, "there is no item 99"),
    ],
)
def test_bad_arguments_change_nothing(checklist, arguments, message):
    """A bad --at or an out-of-range --tick is explained, and neither file is touched."""
    before = (checklist / CHECKLIST).read_text()
    with pytest.raises(SprintError, match=message):
        command(checklist, at(0), **arguments)
    assert (checklist / CHECKLIST).read_text() == before
    assert not (checklist / CLOCK).exists()


def test_a_missing_checklist_says_how_to_restore_it(tmp_path):
    """Without SPRINTS.md the command says how to get it back from git."""
    with pytest.raises(SprintError, match="SPRINTS.md is missing: restore it with `git checkout -- "):
        command(tmp_path, at(0))
