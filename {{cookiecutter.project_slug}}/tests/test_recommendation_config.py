"""A recommendation project's settings: its column names, k, and the tasks it was baked for."""

import pytest

from {{ cookiecutter.module_name }}.config import load, main, stage_settings
from {{ cookiecutter.module_name }}.errors import StepError

RECOMMENDATION = """
task = "recommendation"

[data]
source = "data/sample/interactions.csv"
user = "user"
item = "item"
time = "timestamp"
items = "data/sample/movies.csv"

[evaluate]
k = 5

[models.knn]
neighbors = [10, 20]
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (RECOMMENDATION.replace('user = "user"', ""), r"set \[data\] user"),
        (RECOMMENDATION.replace('item = "item"', "item = 3"), r"set \[data\] item to a string"),
        (
            RECOMMENDATION.replace('user = "user"', 'user = "user"\ntarget = "rating"'),
            r"\[data\] target is not used by the recommendation task",
        ),
        *(
            (RECOMMENDATION.replace("k = 5", f"k = {k}"), r"\[evaluate\] k is how many items to recommend")
            for k in ("0", "-3", "2.5", '"10"', "true")
        ),
        (RECOMMENDATION.replace("k = 5", "k = 5\nfolds = 5"), r"\[evaluate\] folds is for table tasks"),
    ],
)
def test_bad_recommendation_config_is_a_clear_error(tmp_path, text, message):
    """A recommender needs [data] user and item; a target is refused, by name; k is a count of items."""
    (tmp_path / "config.toml").write_text(text)
    with pytest.raises(StepError, match=message):
        stage_settings(load(tmp_path / "config.toml"))


def test_a_recommenders_column_names_re_clean_rather_than_re_fetch(tmp_path):
    """The snapshot never sees the column names; the stages after it get them, and k where it is judged."""
    (tmp_path / "config.toml").write_text(RECOMMENDATION)
    stages = stage_settings(load(tmp_path / "config.toml"))
    assert stages["data"] == {"source": "data/sample/interactions.csv"}
    columns = {"user": "user", "item": "item", "rating": None, "time": "timestamp"}
    assert stages["clean"]["columns"] == stages["split"]["columns"] == stages["knn"]["columns"] == columns
    assert stages["split"]["holdout"] == "random" and stages["knn"]["holdout"] == "random"
    assert stages["evaluate"]["k"] == stages["knn"]["k"] == 5
    assert stages["knn"]["items"] == "data/sample/movies.csv"


def test_settings_mk_names_the_item_table_and_the_recommendations_folder(tmp_path):
    """make learns the item table (a prerequisite of training) and where each model's top k go."""
    (tmp_path / "config.toml").write_text(RECOMMENDATION)
    main(tmp_path / "config.toml", tmp_path / "settings")
    text = (tmp_path / "settings" / "settings.mk").read_text()
    assert "ITEMS := data/sample/movies.csv" in text
    assert "PREDICTED := recommendations" in text


def test_a_recommendation_project_offers_only_its_own_task(tmp_path):
    """A table task needs the table code, which a recommendation project is baked without: a clear error."""
    (tmp_path / "config.toml").write_text(RECOMMENDATION.replace('"recommendation"', '"classification"'))
    with pytest.raises(StepError, match="task must be one of 'recommendation'$"):
        load(tmp_path / "config.toml")


def test_a_recommenders_sections_fall_back_to_its_own_defaults(tmp_path):
    """Recommendation holds out per user at random, scores users with 2+ interactions, at k = 10."""
    minimal = 'task = "recommendation"\n[data]\nsource = "log.csv"\nuser = "user"\nitem = "item"\n'
    (tmp_path / "config.toml").write_text(minimal)
    settings = stage_settings(load(tmp_path / "config.toml"))
    assert {key: settings["split"][key] for key in ("test_size", "holdout", "min_interactions")} == {
        "test_size": 0.2,
        "holdout": "random",
        "min_interactions": 2,
    }
    assert settings["evaluate"]["k"] == 10
