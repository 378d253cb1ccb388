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
        ({"start": True, "at": "tomorrow"}, "--at takes a date and time"),
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


def test_a_start_time_without_a_time_zone_is_local_time(checklist):
    """A hand-edited start time without its offset is read as local time, not refused."""
    (checklist / CLOCK).write_text(json.dumps({"started_at": "2026-11-21T09:00:00"}))
    output = invoke_sprint(checklist, datetime(2026, 11, 21, 9, 30).astimezone())
    assert output.startswith("0h30 elapsed")


@pytest.mark.parametrize(
    "content",
    [
        json.dumps({"started_at": "0001-01-01T00:00:00+14:00"}).encode(),
        json.dumps({"started_at": "9999-12-31T23:59:00-14:00"}).encode(),
        b"[" * 100_000,
        b'{"started_at": "2026-11-21 09:00\xff"}',
        json.dumps({"started_at": 5}).encode(),
        json.dumps(["2026-11-21T09:00:00"]).encode(),
        b" " * 10_000,
    ],
    ids=["year 1 at +14", "year 9999 at -14", "nested brackets", "not UTF-8", "a number", "a list", "huge"],
)
def test_a_broken_clock_file_is_one_line_saying_how_to_fix_it(checklist, content):
    """Whatever .hackathon.json holds, a broken one is one error saying to start the clock again."""
    (checklist / CLOCK).write_bytes(content)
    with pytest.raises(SprintError, match=r"^\.hackathon\.json is broken \(.*\): delete it and run"):
        invoke_sprint(checklist, at(0))


def test_a_start_time_out_of_the_calendar_is_refused(checklist):
    """--at with a time that has no local equivalent is the usual one-line error."""
    with pytest.raises(SprintError, match="--at takes a date and time"):
        invoke_sprint(checklist, at(0), start=True, at="0001-01-01 00:00+14:00")
    assert not (checklist / CLOCK).exists()


def test_a_checklist_that_is_not_utf8_is_one_line(checklist):
    """SPRINTS.md saved in another encoding is named, with the fix."""
    (checklist / CHECKLIST).write_bytes(
        (checklist / CHECKLIST).read_bytes() + "- [ ] caf\xe9\n".encode("latin-1")
    )
    with pytest.raises(SprintError, match=r"SPRINTS.md is not UTF-8 text \(byte \d+\): save it as UTF-8"):
        invoke_sprint(checklist, at(0))


def test_a_checklist_of_many_items_reads_every_item():
    """A huge SPRINTS.md is read in one pass (benchmarks/ times a million items): every item, numbered."""
    text = render(PLAN, "P") + "".join(f"- [ ] item {n}\n" for n in range(100_000))
    sections = parse(text)
    assert len(sections[-1].items) == 100_000 + len(PLAN[-1].items)
    assert sections[-1].items[-1].number == 100_000 + sum(len(s.items) for s in PLAN)


@pytest.mark.parametrize(
    "line",
    ["not json", "[" * 100_000, "5", '{"step": "clean"}', '{"step": "clean", "args": [[1]], "seconds": 1}'],
)
def test_a_damaged_build_log_line_is_skipped(line):
    """The rebuild estimate skips a build-log line it cannot use instead of failing."""
    assert last_full_build_seconds([line, *FULL_BUILD]) == last_full_build_seconds(FULL_BUILD)
