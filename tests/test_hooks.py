"""Bad answers stop the bake with one clear line and leave nothing on disk."""

import json
import sys

import pytest
from baked import TEMPLATE, succeed
from cookiecutter.exceptions import FailedHookException
from cookiecutter.generate import generate_context
from cookiecutter.main import cookiecutter
from cookiecutter.prompt import prompt_for_config
from hook_constants import pre_gen_hook, taken_names


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"project_name": ""}, "error: project_name '' needs at least one letter or digit"),
        ({"project_name": "!!!"}, "error: project_name '!!!' needs at least one letter or digit"),
        ({"project_slug": "my project"}, "error: project_slug 'my project' must be lowercase letters"),
        ({"module_name": "class"}, "error: module_name 'class' is a Python keyword"),
        ({"module_name": "pandas"}, "error: module_name 'pandas' would shadow a dependency"),
        ({"module_name": "sklearn"}, "error: module_name 'sklearn' would shadow a dependency"),
        ({"module_name": "markdown"}, "error: module_name 'markdown' would shadow a dependency"),
        ({"module_name": "uv_build"}, "error: module_name 'uv_build' would shadow a dependency"),
        ({"module_name": "conftest"}, "error: module_name 'conftest' would shadow a dependency"),
        ({"module_name": "packaging"}, "error: module_name 'packaging' would shadow a dependency"),
        ({"module_name": "pyparsing"}, "error: module_name 'pyparsing' would shadow a dependency"),
        ({"module_name": "test"}, "error: module_name 'test' would shadow"),
        ({"module_name": "json"}, "error: module_name 'json' would shadow the standard library"),
        ({"module_name": "penguin-party"}, "error: module_name 'penguin-party' is not a lowercase Python identifier"),
        ({"hackathon_hours": "a day"}, "error: hackathon_hours 'a day' is not a number of hours"),
        ({"hackathon_hours": "nan"}, "error: hackathon_hours 'nan' is not a number of hours"),
        ({"hackathon_hours": "0"}, "error: hackathon_hours '0' must be more than zero"),
        ({"sprint_hours": "-2"}, "error: sprint_hours '-2' must be more than zero"),
        ({"hackathon_hours": "3"}, "error: hackathon_hours '3' is too short: a plan needs at least 4 hours"),
        ({"sprint_hours": "0.25"}, "error: sprint_hours '0.25' is too short: a plan needs at least 0.5 hours"),
        ({"sprint_hours": "30"}, "error: sprint_hours '30' is longer than the hackathon ('24' hours)"),
        ({"hackathon_hours": "337"}, "error: hackathon_hours '337' is too long: a plan covers at most 336 hours"),
        ({"hackathon_hours": "1e9"}, "error: hackathon_hours '1e9' is too long: a plan covers at most 336 hours"),
        ({"hackathon_hours": "inf"}, "error: hackathon_hours 'inf' is not a number of hours"),
        ({"project_name": "X\n$(shell id)"}, "error: project_name 'X\\n$(shell id)' holds the character U+000A"),
        ({"description": "a\tb"}, "error: description 'a\\tb' holds the character U+0009"),
        ({"author_name": "a\x00b"}, "error: author_name 'a\\x00b' holds the character U+0000"),
        ({"description": "a\u2028b"}, "error: description 'a\\u2028b' holds the character U+2028"),
        ({"author_name": "evil\u202edoc.py"}, "error: author_name 'evil\\u202edoc.py' holds the character U+202E"),
        ({"hackathon_hours": "24\n"}, "error: hackathon_hours '24\\n' holds the character U+000A"),
        ({"project_name": "x" * 65}, "error: project_name '" + "x" * 40 + "'... is 65 characters"),
        ({"project_slug": "x" * 65}, "error: project_slug '" + "x" * 40 + "'... is 65 characters"),
        ({"module_name": "x" * 65}, "error: module_name '" + "x" * 40 + "'... is 65 characters"),
        ({"author_name": "x" * 101}, "error: author_name '" + "x" * 40 + "'... is 101 characters"),
        ({"description": "x" * 257}, "error: description '" + "x" * 40 + "'... is 257 characters"),
    ],
)
def test_bad_answer_fails_with_one_clear_line_and_leaves_no_directory(cookies, capfd, tmp_path, answers, message):
    """The hook names the field, the bad value and a valid example, and the half-made folder is removed."""
    result = cookies.bake(extra_context=answers)
    assert result.exit_code != 0
    errors = [line for line in capfd.readouterr().err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1
    assert errors[0].startswith(message)
    assert "e.g." in errors[0]
    assert list(tmp_path.glob("cookies/*/*")) == []


def test_an_example_in_the_message_is_itself_valid(cookies, capfd):
    """Following the suggestion works: '2026 Hack' suggests module_name='project_2026_hack'."""
    result = cookies.bake(extra_context={"project_name": "2026 Hack"})
    assert result.exit_code != 0
    assert "module_name='project_2026_hack'" in capfd.readouterr().err
    retry = cookies.bake(extra_context={"project_name": "2026 Hack", "module_name": "project_2026_hack"})
    assert retry.exit_code == 0, retry.exception


def test_accented_names_are_slugified(cookies):
    """A name with accents and digits becomes a plain ASCII folder and package."""
    result = cookies.bake(extra_context={"project_name": "Ünïcode Data 2026"})
    assert result.exit_code == 0, result.exception
    assert result.project_path.name == "unicode-data-2026"
    assert (result.project_path / "src" / "unicode_data_2026").is_dir()


def test_a_name_in_any_script_bakes(cookies):
    """A project name needs a letter or digit of any script, not only ASCII: '中文' bakes as zhong-wen."""
    result = cookies.bake(extra_context={"project_name": "中文"})
    assert result.exit_code == 0, result.exception
    assert result.project_path.name == "zhong-wen"


def test_a_long_name_gets_a_slug_the_file_system_accepts(cookies):
    """The slug derived from a long name (CJK expands about fourfold) is cut to 64 characters at a dash."""
    result = cookies.bake(extra_context={"project_name": "中文" * 16})
    assert result.exit_code == 0, result.exception
    assert len(result.project_path.name) <= 64
    assert not result.project_path.name.endswith("-")


@pytest.mark.parametrize(("answer", "value"), [("task", "clustering"), ("demo_app", "flask")])
def test_a_replay_file_cannot_choose_what_the_template_does_not_offer(tmp_path, capfd, answer, value):
    """cookiecutter checks choices itself except in a replay file, where the hook still refuses them."""
    context = generate_context(context_file=str(TEMPLATE / "cookiecutter.json"))
    answers = prompt_for_config(context, no_input=True)
    replay = tmp_path / "answers.json"
    replay.write_text(json.dumps({"cookiecutter": {**answers, answer: value}}), encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(f"replay_dir: {tmp_path / 'replays'}\n", encoding="utf-8")
    output = tmp_path / "out"
    with pytest.raises(FailedHookException):
        cookiecutter(str(TEMPLATE), replay=str(replay), output_dir=str(output), config_file=str(config))
    errors = [line for line in capfd.readouterr().err.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: {answer} '{value}' is not one of {', '.join(context['cookiecutter'][answer])}, "
        f"e.g. {answer}='{pre_gen_hook()['EXAMPLES'][answer]}'"
    ]
    assert list(output.glob("*")) == []


def test_the_hook_offers_the_same_choices_as_cookiecutter_json():
    """The hook's copies of the task and demo-app choices are cookiecutter.json's."""
    choices = json.loads((TEMPLATE / "cookiecutter.json").read_text(encoding="utf-8"))
    hook = pre_gen_hook()
    assert (list(hook["TASKS"]), list(hook["DEMO_APPS"])) == (choices["task"], choices["demo_app"])


def test_the_hook_limits_hours_as_the_sprint_plan_does(cookies):
    """The hook's shortest event and sprint are the ones the project's sprint package plans with."""
    project = cookies.bake().project_path
    code = "import json; from hackathon_ml.sprint import plan as p; "
    code += "print(json.dumps([p.MIN_HOURS, p.MIN_SPRINT_HOURS]))"
    limits = json.loads(succeed([sys.executable, "-c", code], project / "src"))
    hook = pre_gen_hook()
    assert limits == [hook["MIN_HOURS"], hook["MIN_SPRINT_HOURS"]]


def test_refused_module_names_cover_every_dependency_and_project_file(cookies):
    """Each top-level module the project installs or builds with, and each of its own names, is refused."""
    project = cookies.bake().project_path
    missing = taken_names(project) - pre_gen_hook()["TAKEN_NAMES"]
    assert not missing, (
        f"hooks/pre_gen_project.py does not refuse {sorted(missing)}: "
        "run `python tests/hook_constants.py` to regenerate TAKEN_NAMES"
    )
