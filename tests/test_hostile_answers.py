"""Hostile answers: each either bakes a project whose files parse and whose tools run, or stops the
bake with one line and leaves nothing on disk; none ever runs the command it carries.

The corpus: the cases named below, plus hypothesis-generated text (derandomized, so every run tries
the same answers and the tally printed at the end matches the template README).
"""

import json
import shutil
import sys
import tempfile
import tomllib
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from baked import TEMPLATE, succeed
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter
from hook_constants import pre_gen_hook
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# What a payload tries to create if any file of the project ever runs it.
MARKER = Path(tempfile.mkdtemp(prefix="h")) / "pwned"
PAYLOADS = [
    f"$(shell touch {MARKER})",
    f"`touch {MARKER}`",
    f"$(touch {MARKER})",
    f'"; touch {MARKER}; "',
    f"\n$(shell touch {MARKER})\n",
    f"\\\n$(shell touch {MARKER})",
    f'""" + __import__("os").system("touch {MARKER}") + """',
    f"' + __import__('os').system('touch {MARKER}') + '",
    f'"\ntouch = {{ x = 1 }}\n# {MARKER}',
]
# Characters that broke a bake or a build before: quotes and escapes in a docstring, emoji in TOML,
# line breaks of every kind, NUL, bidirectional overrides, lone surrogates (a file name's invalid bytes).
NASTY = [
    '"""',
    "'''",
    '"',
    "'",
    "\\",
    "\\N{oops}",
    "\\U0001",
    "\x00",
    "\t",
    "\r",
    "\x1b[2J",
    "\x7f",
    "\x85",
    "\u2028",
    "\u202e",
    "\udcff",
    "🐧",
    "👨\u200d👩\u200d👧",
    "#",
    "$",
    "%",
    "=",
    "[x]",
    "- [ ] ",
    "## h+00:00",
]
# cookiecutter renders {{ }}, {% %} and {# #} in answers itself (the README's security note says so).
JINJA = ("{{", "{%", "{#")
TEXT_ANSWERS = ("project_name", "description", "author_name")
SETTINGS = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
OUTCOMES = Counter()
HOOK = pre_gen_hook()


def printable(character: str) -> bool:
    """Whether the hook lets an answer hold `character`."""
    return unicodedata.category(character) not in HOOK["REFUSED_CATEGORIES"] and character not in HOOK["BIDI_CONTROLS"]


hostile_text = st.lists(st.sampled_from(PAYLOADS + NASTY) | st.text(max_size=12), max_size=6).map("".join)
# The same, less what the hook refuses: every such text must bake.
printable_text = st.lists(
    st.sampled_from([text for text in PAYLOADS + NASTY if all(map(printable, text))])
    | st.text(st.characters(codec="utf-8").filter(printable), min_size=1, max_size=30),
    min_size=1,
    max_size=3,
).map("".join)


@pytest.fixture(scope="module", autouse=True)
def tally(request):
    """Print how many answers the corpus tried, how many were refused and how many baked and worked."""
    yield
    shutil.rmtree(MARKER.parent, ignore_errors=True)
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and OUTCOMES:
        line = (
            f"hostile answers: {sum(OUTCOMES.values())} tried, {OUTCOMES['rejected']} rejected cleanly, "
            f"{OUTCOMES['accepted']} accepted and working"
        )
        request.config.add_cleanup(lambda: reporter.write_line(line))  # after output capture has ended


@pytest.fixture
def bake(tmp_path, capfd):
    """Bake with the given answers into a fresh folder; check and tally the outcome; return the project or None."""
    config = tmp_path / "config" / "config.yaml"
    config.parent.mkdir()
    config.write_text(f"replay_dir: {config.parent / 'replays'}\n", encoding="utf-8")
    bakes = tmp_path / "bakes"
    bakes.mkdir()

    def bake_and_check(answers: dict, bakes_ok: "bool | None" = None) -> "Path | None":
        """Bake `answers`; `bakes_ok` True or False says which outcome the caller expects."""
        before = set(bakes.iterdir())
        output = Path(tempfile.mkdtemp(dir=bakes))
        capfd.readouterr()
        try:
            project = Path(
                cookiecutter(
                    str(TEMPLATE), no_input=True, extra_context=answers, output_dir=str(output), config_file=str(config)
                )
            )
        except FailedHookException:
            project = None
        errors = [line for line in capfd.readouterr().err.splitlines() if line.startswith("error: ")]
        if bakes_ok is not None:
            assert (project is not None) == bakes_ok, f"{answers!r}: {errors or 'baked'}"
        if project is None:
            assert len(errors) == 1, errors
            assert set(bakes.iterdir()) - before == {output} and list(output.iterdir()) == [], "files left behind"
            OUTCOMES["rejected"] += 1
        else:
            assert errors == []
            rendered_as_given = {name: value for name, value in answers.items() if not any(j in value for j in JINJA)}
            check_project(project, rendered_as_given)
            OUTCOMES["accepted"] += 1
        assert not MARKER.exists(), f"answers {answers!r} ran a command"
        return project

    return bake_and_check


def check_project(project: Path, answers: dict) -> None:
    """Every file an answer is written into parses, the answers read back unchanged, and make,
    the build backend and the sprint clock all run."""
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    if "description" in answers:
        assert pyproject["description"] == answers["description"]
    if "author_name" in answers:  # an empty one leaves the authors out: the build backend refuses a blank name
        assert pyproject.get("authors", []) == ([{"name": answers["author_name"]}] if answers["author_name"] else [])
    if "project_name" in answers:
        assert (project / "README.md").read_text(encoding="utf-8").startswith(f"# {answers['project_name']}\n")
    for path in project.rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")
    json.loads((project / "notebooks" / "01-explore.ipynb").read_text(encoding="utf-8"))
    succeed(["make", "help"], project)
    succeed(
        [sys.executable, "-m", "uv", "build", "--wheel", "--offline", "--out-dir", str(project.parent / "dist")],
        project,
    )
    succeed([sys.executable, "-m", "invoke", "sprint"], project)  # reads SPRINTS.md, titled with the name


@SETTINGS
@given(answer=st.sampled_from(TEXT_ANSWERS), value=hostile_text.filter(lambda text: not any(j in text for j in JINJA)))
def test_any_text_answer_bakes_a_sound_project_or_is_refused_in_one_line(bake, answer, value):
    """Payloads, escapes, control characters, emoji and random text in a text answer never run and
    never break the project: the bake works, or it stops with one line and nothing on disk."""
    bake({answer: value})


@SETTINGS
@given(answer=st.sampled_from(("description", "author_name")), value=printable_text)
def test_printable_text_always_bakes(bake, answer, value):
    """Any printable Unicode text (emoji, quotes, backslashes, payloads, any script) within the length
    limit is a valid description or author."""
    value = value.replace("{", "(")[: HOOK["MAX_LENGTH"][answer]]  # cookiecutter's own rendering aside (see JINJA)
    bake({answer: value}, bakes_ok=True)


@pytest.mark.parametrize(
    "answers",
    [
        {"project_name": f"X\n$(shell touch {MARKER})"},
        {"project_name": "Null\x00byte"},
        {"project_name": "Back to\rthe start"},
        {"project_name": "Flip\u202eit"},
        {"description": "Two\u2028lines"},
        {"author_name": "Surrogate \udcff"},
        {"project_name": "a" * 300},
        {"description": "d" * 10_000},
        {"project_slug": "s" * 200},
        {"project_slug": "../escape"},
        {"module_name": "../escape"},
        {"hackathon_hours": "1e6"},
        {"hackathon_hours": "1e9"},
        {"hackathon_hours": "1e308"},
        {"sprint_hours": "-0"},
        {"module_name": "markdown"},
        {"module_name": "uv_build"},
        {"module_name": "conftest"},
        {"module_name": "packaging"},
        {"module_name": "pyparsing"},
    ],
)
def test_a_named_hostile_answer_is_refused_in_one_line(bake, answers):
    """The answers that once ran code, crashed the bake or filled the disk are refused cleanly."""
    bake(answers, bakes_ok=False)


NASTY_BUT_VALID = [
    {"project_name": f"Pwn $(shell touch {MARKER})", "author_name": f"`touch {MARKER}` $$(id) $(touch {MARKER})"},
    {"project_name": 'Say """hi""" \\ \\N{oops} \\U0001 \'quoted\'', "description": 'Ends with """ and \\'},
    {"description": "Penguins 🐧, a family 👨\u200d👩\u200d👧 and 中文", "author_name": 'Ünïcødé 🐧 & "Co" <a@b>'},
    {"description": "🐧" * 256, "hackathon_hours": "336", "sprint_hours": "0.5"},
]


@pytest.mark.parametrize("answers", NASTY_BUT_VALID)
def test_a_named_nasty_answer_bakes_a_project_that_builds_and_scores(bake, answers):
    """Payloads and odd characters that are valid text bake a project whose `invoke baseline` scores."""
    project = bake(answers, bakes_ok=True)
    output = succeed([sys.executable, "-m", "invoke", "baseline"], project)
    assert "random" in output
    assert not MARKER.exists()


def test_a_name_that_looks_like_the_sprint_plan_keeps_its_clock_working(bake):
    """SPRINTS.md is titled with the name: a name that looks like its headings and checkboxes is still a title."""
    bake({"project_name": "# - [x] ## h+00:00 – h+01:00 · Sprint 9"}, bakes_ok=True)


def test_an_answer_is_rendered_once_by_cookiecutter_and_never_again(bake):
    """Template syntax that survives cookiecutter's own rendering stays literal text in every file."""
    literal = "{{ 7 * 7 }} {% if x %}"
    project = bake(
        {
            "project_name": "Literal " + "{% raw %}" + literal + "{% endraw %}",
            "description": "{% raw %}" + literal + "{% endraw %}",
        },
        bakes_ok=True,
    )
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["description"] == literal
    assert (project / "README.md").read_text(encoding="utf-8").startswith(f"# Literal {literal}\n\n{literal}\n")
    assert (project / "SPRINTS.md").read_text(encoding="utf-8").startswith(f"# Literal {literal}:")
