"""The baked project plans its hackathon in SPRINTS.md, and `invoke sprint` keeps the time."""

import json
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

from baked import run, succeed

INVOKE_SPRINT = [sys.executable, "-m", "invoke", "sprint"]


def headings(project: Path) -> list[str]:
    return [line for line in (project / "SPRINTS.md").read_text().splitlines() if line.startswith("## ")]


def local(delta: timedelta) -> str:
    """A start time as a team types it: local time, to the minute."""
    return (datetime.now() + delta).strftime("%Y-%m-%d %H:%M")


def test_sprints_md_is_scaled_to_the_chosen_hours(cookies):
    """48 hours in 4-hour sprints: ten sprints with their times, the freeze at h+45:00, the demo last."""
    project = cookies.bake(extra_context={"hackathon_hours": "48", "sprint_hours": "4"}).project_path
    sections = headings(project)
    assert sections[0] == "## Scope · h+00:00 – h+01:00 (1h00)"
    assert "## Sprint 4 – KNN · h+13:00 – h+17:00 (4h00)" in sections
    assert len([h for h in sections if h.startswith("## Sprint ")]) == 10
    assert sections[-2:] == [
        "## Buffer and freeze · h+41:00 – h+45:00 (4h00)",
        "## Demo · h+45:00 – h+48:00 (3h00)",
    ]
    assert "Code freezes at h+45:00" in (project / "SPRINTS.md").read_text()


def test_a_short_event_gets_a_tighter_plan(cookies):
    """12 hours in 2-hour sprints: only the four model sprints, each a little longer, and a shorter demo."""
    project = cookies.bake(extra_context={"hackathon_hours": "12"}).project_path
    sprints = [h for h in headings(project) if h.startswith("## Sprint ")]
    assert sprints[-1] == "## Sprint 4 – KNN · h+07:15 – h+09:30 (2h15)"
    assert headings(project)[-1] == "## Demo · h+11:00 – h+12:00 (1h00)"


def test_before_the_start_invoke_sprint_says_how_to_start(cookies):
    """A fresh project has no clock yet: the status explains how to start it and changes nothing."""
    project = cookies.bake().project_path
    output = succeed(INVOKE_SPRINT, project)
    assert "The clock has not started" in output and "invoke sprint --start" in output
    assert not (project / ".hackathon.json").exists()


def test_started_clock_shows_the_current_section_and_its_open_items(cookies):
    """Started 5h10 ago on a 12-hour plan, the team is in Sprint 3 and sees its items by number."""
    project = cookies.bake(extra_context={"hackathon_hours": "12"}).project_path
    succeed([*INVOKE_SPRINT, "--start", "--at", local(-timedelta(hours=5, minutes=10))], project)
    assert "started_at" in json.loads((project / ".hackathon.json").read_text())
    output = succeed(INVOKE_SPRINT, project)
    assert re.search(r"^5h1\d elapsed, 6h[45]\d left", output, re.MULTILINE)
    assert "Now: Sprint 3 – rule-based model (h+05:00 – h+07:15)" in output
    assert "  10. [ ] The learned rule read and understood" in output
    assert "Warning: behind schedule: 9 item(s) of earlier sections not ticked: 1, 2, 3" in output


def test_tick_marks_the_item_in_sprints_md(cookies):
    """`invoke sprint --tick 2` ticks the second box in SPRINTS.md, --untick clears it again."""
    project = cookies.bake().project_path
    before = (project / "SPRINTS.md").read_text()
    output = succeed([*INVOKE_SPRINT, "--tick", "2"], project)
    assert "Ticked 2. Cut it to a third" in output and "1/" in output
    assert "- [x] Cut it to a third" in (project / "SPRINTS.md").read_text()
    succeed([*INVOKE_SPRINT, "--untick", "2"], project)
    assert (project / "SPRINTS.md").read_text() == before


def test_bad_arguments_get_one_line_and_change_nothing(cookies):
    """An item number out of range or an unreadable --at: one line on stderr, exit 1, no file touched."""
    project = cookies.bake().project_path
    before = (project / "SPRINTS.md").read_text()
    for arguments, message in [
        (["--tick", "99"], "error: there is no item 99: SPRINTS.md has items 1 to "),
        (["--start", "--at", "soon"], "error: --at takes a date and time"),
    ]:
        result = run([*INVOKE_SPRINT, *arguments], project)
        assert result.returncode == 1
        assert result.stderr.strip().startswith(message) and "Traceback" not in result.stderr
    assert (project / "SPRINTS.md").read_text() == before
    assert not (project / ".hackathon.json").exists()


def test_a_hand_broken_sprints_md_is_explained(cookies):
    """A heading that lost its times is named by line, and nothing is written."""
    project = cookies.bake().project_path
    sprints = project / "SPRINTS.md"
    sprints.write_text(sprints.read_text().replace("## Sprint 2 – data · h+03:00 – h+05:00", "## Sprint 2 – data"))
    result = run([*INVOKE_SPRINT, "--tick", "1"], project)
    assert result.returncode == 1
    assert re.match(r"error: SPRINTS.md line \d+: a section heading needs its times", result.stderr)
    assert "[x]" not in sprints.read_text()


def test_make_logs_how_long_each_step_took(built_project):
    """A full build leaves one line per step in reports/build-log.jsonl, which git ignores."""
    log = [json.loads(line) for line in (built_project / "reports" / "build-log.jsonl").read_text().splitlines()]
    steps = [record["step"] for record in log]
    assert {"data", "clean", "split", "leaderboard"} <= set(steps)
    assert steps.count("train") == steps.count("evaluate") == 3
    assert all(record["seconds"] > 0 for record in log)
    assert "reports/build-log.jsonl" in (built_project / ".gitignore").read_text()


def test_a_long_last_build_near_the_freeze_is_a_rebuild_risk(project):
    """3h before the freeze of a 24-hour event, after a 3-hour full build, status warns with the figures."""
    log = project / "reports" / "build-log.jsonl"
    builds = [json.loads(line) for line in log.read_text().splitlines()]
    # The other steps a second each, whatever this machine took: the build is 3 hours to the minute.
    slow = [{**record, "seconds": 3 * 3600.0 if record["step"] == "clean" else 1.0} for record in builds]
    log.write_text("".join(json.dumps(record) + "\n" for record in slow))
    succeed([*INVOKE_SPRINT, "--start", "--at", local(-timedelta(hours=19))], project)
    output = succeed(INVOKE_SPRINT, project)
    assert "Warning: rebuild risk: 2h5" in output or "Warning: rebuild risk: 3h00" in output
    assert "less than twice the last full build (3h00 x 2 = 6h00)" in output


def test_a_hand_edited_start_time_without_a_zone_is_local_time(cookies):
    """`"started_at": "2026-12-02T05:00:35"` (no offset, an easy hand edit) is read as local time."""
    project = cookies.bake().project_path
    started = (datetime.now() - timedelta(minutes=30)).replace(microsecond=0)
    (project / ".hackathon.json").write_text(json.dumps({"started_at": started.isoformat()}))
    output = succeed(INVOKE_SPRINT, project)
    assert output.startswith("0h30 elapsed") or output.startswith("0h29 elapsed"), output


def test_hostile_clock_and_checklist_files_are_one_line_each(cookies):
    """A start time out of the calendar, brackets nested 100,000 deep, a SPRINTS.md in Latin-1: each is
    one line on stderr saying what to do, never a traceback."""
    project = cookies.bake().project_path
    clock, sprints = project / ".hackathon.json", project / "SPRINTS.md"
    plan = sprints.read_bytes()
    cases = [
        (json.dumps({"started_at": "0001-01-01T00:00:00+14:00"}).encode(), plan, ".hackathon.json is broken"),
        (b"[" * 100_000, plan, ".hackathon.json is broken"),
        (None, plan + "- [ ] caf\xe9\n".encode("latin-1"), "SPRINTS.md is not UTF-8 text"),
    ]
    for clock_bytes, sprints_bytes, message in cases:
        clock.unlink(missing_ok=True)
        if clock_bytes is not None:
            clock.write_bytes(clock_bytes)
        sprints.write_bytes(sprints_bytes)
        result = run(INVOKE_SPRINT, project)
        assert result.returncode == 1 and result.stderr.startswith(f"error: {message}"), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
