"""Bad answers stop the bake with one clear line and leave nothing on disk."""

import pytest


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"project_name": ""}, "error: project_name '' needs at least one letter or digit"),
        ({"project_name": "!!!"}, "error: project_name '!!!' needs at least one letter or digit"),
        ({"project_slug": "my project"}, "error: project_slug 'my project' must be lowercase letters"),
        ({"module_name": "class"}, "error: module_name 'class' is a Python keyword"),
        ({"module_name": "pandas"}, "error: module_name 'pandas' would shadow a dependency"),
        ({"module_name": "sklearn"}, "error: module_name 'sklearn' would shadow a dependency"),
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
