"""[submit] in config.toml: its own settings files, so make rebuilds a submission only when it changes."""

import json

import pytest

from {{ cookiecutter.module_name }}.config import load, main, stage_settings
from {{ cookiecutter.module_name }}.errors import StepError

CONFIG = """
task = "classification"

[data]
source = "data/sample/penguins.csv"
target = "species"

[models.random]
[models.knn]
"""
SUBMIT = """
[submit]
source = "data/external/test.csv"
id = "PassengerId"
"""


def settings_of(tmp_path, text: str) -> dict:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return stage_settings(load(path), path)


def test_without_submit_there_are_no_submit_settings(tmp_path):
    """A project that does not submit gets no submit stage (and `make submit` says to add [submit])."""
    assert not {"submit", "submit-data"} & set(settings_of(tmp_path, CONFIG))


def test_submit_splits_into_how_to_read_the_source_and_what_to_write(tmp_path):
    """The reader's keys go to submit-data (the snapshot), the rest to submit; column defaults to target."""
    stages = settings_of(tmp_path, CONFIG + SUBMIT + 'format = "csv"\n')
    assert stages["submit-data"] == {"source": "data/external/test.csv", "format": "csv", "section": "submit"}
    assert stages["submit"] == {
        "task": "classification",
        "target": "species",
        "id": "PassengerId",
        "column": "species",
        "model": "best",
        "probabilities": False,
    }


def test_settings_mk_tells_make_the_submit_source_and_model(tmp_path):
    """make watches the local test file and learns which model the submission depends on."""
    path = tmp_path / "config.toml"
    path.write_text(CONFIG + SUBMIT + 'model = "knn"\n')
    main(path, tmp_path / "settings")
    text = (tmp_path / "settings" / "settings.mk").read_text()
    assert "SUBMIT_SOURCE := data/external/test.csv" in text
    assert "SUBMIT_MODEL := knn" in text
    assert json.loads((tmp_path / "settings" / "submit.json").read_text())["model"] == "knn"


@pytest.mark.parametrize(
    ("submit", "message"),
    [
        (
            SUBMIT + 'model = "forest"\n',
            "\\[submit\\] model must be 'best', 'good_enough' or one of random, knn",
        ),
        (SUBMIT + "probabilities = 1\n", "probabilities must be true or false"),
        (SUBMIT + 'column = "PassengerId"\n', "id and column name the same column; they must differ"),
        (SUBMIT.replace('"PassengerId"', "3"), "\\[submit\\] id must be text, not a whole number"),
    ],
)
def test_bad_submit_settings_are_a_clear_error(tmp_path, submit, message):
    """A [submit] mistake is one line naming the key to fix."""
    with pytest.raises(StepError, match=message):
        settings_of(tmp_path, CONFIG + submit)
