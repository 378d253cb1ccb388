"""The clock knows where the team stands and warns in time; `invoke sprint` writes only what it should."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from {{ cookiecutter.module_name }}.sprint.checklist import CHECKLIST, SprintError, parse, render, set_done
from {{ cookiecutter.module_name }}.sprint.clock import last_full_build_seconds, status
from {{ cookiecutter.module_name }}.sprint.command import CLOCK, invoke_sprint
from {{ cookiecutter.module_name }}.sprint.plan import schedule

START = datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


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


PLAN = schedule(12, 2)  # ... Sprint 4 h+07:15 – h+09:30, Buffer h+09:30 – h+11:00, Demo h+11:00 – h+12:00


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
        standing = status(PLAN, started_at, at(0), None)
        assert standing.phase == "not started" and standing.section is None and standing.warnings == []


@pytest.mark.parametrize("section", PLAN, ids=lambda s: s.title)
def test_each_moment_falls_in_its_section(section):
    """At the start, middle and last minute of a section, that section is the current one."""
    for minute in (section.start, (section.start + section.end) / 2, section.end - 1):
        standing = status(ticked_until(section.start), START, at(minute), None)
        assert standing.phase == "running" and standing.section.title == section.title


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
    """Once the last minute has passed, the status is the final tally."""
    standing = status(ticked_until(720), START, at(720), None)
    assert standing.phase == "over" and standing.section is None
    assert (standing.ticked, standing.items) == (19, 19)


@pytest.fixture
def checklist(tmp_path):
    (tmp_path / CHECKLIST).write_text(render(PLAN, "P"))
    return tmp_path


def test_start_records_the_given_time_for_the_team(checklist):
    """--start --at writes the start, with its UTC offset, to the committed clock file."""
    output = invoke_sprint(checklist, at(30), start=True, at="2026-11-21 09:00")
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
        invoke_sprint(checklist, at(0), **arguments)
    assert (checklist / CHECKLIST).read_text() == before
    assert not (checklist / CLOCK).exists()


def test_a_missing_checklist_says_how_to_restore_it(tmp_path):
    """Without SPRINTS.md the command says how to get it back from git."""
    with pytest.raises(SprintError, match="SPRINTS.md is missing: restore it with `git checkout -- "):
        invoke_sprint(tmp_path, at(0))
