"""A recommendation project (task=recommendation) builds, rebuilds, recommends and fails as its README says."""

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from baked import LEARNING_FIGURE, MODELS, REPORTING, model_figure, planned_outputs, run, succeed

# The contract's metrics (issue 12): what checks, docs and the app read from reports/metrics/<model>.json.
RANKING_METRICS = {"precision_at_k", "recall_at_k", "ndcg_at_k", "map_at_k", "hit_rate_at_k", "coverage"}


def metrics(project: Path, model: str) -> dict:
    return json.loads((project / "reports" / "metrics" / f"{model}.json").read_text())


def edit_config(project: Path, old: str, new: str) -> None:
    config = project / "config.toml"
    text = config.read_text()
    assert old in text, old
    config.write_text(text.replace(old, new))


def test_invoke_baseline_scores_random_recommendations(cookies):
    """`invoke baseline` on a fresh project (no demo app) builds up to the random recommender and prints ndcg@k."""
    project = cookies.bake(extra_context={"task": "recommendation", "demo_app": "none"}).project_path
    output = succeed([sys.executable, "-m", "invoke", "baseline"], project)
    result = metrics(project, "random")
    low, high = result["intervals"]["ndcg_at_k"]
    score = f"{result['metrics']['ndcg_at_k']:.3f} [{low:.3f}, {high:.3f}]"
    assert f"random: ndcg_at_k = {score} on {result['n_test']} held-out users" in output
    assert not (project / "models" / "knn.joblib").exists()


def test_every_metrics_file_has_the_contracts_fields(built_recommender):
    """Each model's metrics keep the shared shape, with the ranking metrics at k and ndcg@k as the primary one."""
    for model in MODELS:
        result = metrics(built_recommender, model)
        assert {"model", "task", "n_train", "n_test", "primary_metric", "higher_is_better", "metrics", "k"} <= set(
            result
        )
        assert (result["task"], result["primary_metric"], result["higher_is_better"], result["k"]) == (
            "recommendation",
            "ndcg_at_k",
            True,
            10,
        )
        assert RANKING_METRICS <= set(result["metrics"])


def test_every_model_is_scored_on_the_same_held_out_users(built_recommender):
    """n_test counts the users scored, the same for all three: those with held-out interactions."""
    test = pd.read_parquet(built_recommender / "data" / "processed" / "test.parquet")
    assert {metrics(built_recommender, model)["n_test"] for model in MODELS} == {test["user"].nunique()}


def test_each_models_recommendations_are_every_scored_users_top_k(built_recommender):
    """reports/recommendations/<model>.parquet: for each scored user, k unseen items ranked 1..k with a score."""
    train = pd.read_parquet(built_recommender / "data" / "processed" / "train.parquet")
    for model in MODELS:
        top = pd.read_parquet(built_recommender / "reports" / "recommendations" / f"{model}.parquet")
        assert list(top.columns) == ["user", "item", "rank", "score"]
        assert top.groupby("user")["rank"].agg(list).map(lambda ranks: ranks == list(range(1, 11))).all()
        assert top["user"].nunique() == metrics(built_recommender, model)["n_test"]
        assert top.merge(train, on=["user", "item"]).empty  # nothing the user already had


def test_popularity_beats_random_and_knn_beats_popularity_on_the_sample(built_recommender):
    """The progression pays off on the shipped sample, as the leaderboard ranks it."""
    ndcg = {model: metrics(built_recommender, model)["metrics"]["ndcg_at_k"] for model in MODELS}
    assert ndcg["rules"] > ndcg["random"] + 0.05 and ndcg["knn"] > ndcg["rules"] + 0.02
    leaderboard = (built_recommender / "reports" / "leaderboard.md").read_text()
    rows = [row for row in leaderboard.splitlines() if row.startswith("| ") and "Rank" not in row]
    ranked = [row.split("|")[2].strip() for row in rows]
    assert ranked == ["knn", "rules", "random"]
    assert "held-out users" in leaderboard


def test_the_report_shows_the_ranking_curves_of_each_model(built_recommender):
    """REPORT.md ranks by ndcg@k and links a figure per model; each metrics file holds its curves up to 2k."""
    report = (built_recommender / "reports" / "REPORT.md").read_text()
    assert "ndcg_at_k" in report and "held-out users" in report
    for model in MODELS:
        assert (built_recommender / "reports" / "figures" / f"{model}.png").is_file()
        assert f"figures/{model}.png" in report
        curves = metrics(built_recommender, model)["curves"]
        assert {len(values) for values in curves.values()} == {20}
        assert curves["ndcg_at_k"][9] == pytest.approx(metrics(built_recommender, model)["metrics"]["ndcg_at_k"])


def test_a_second_make_runs_nothing(built_recommender):
    """Right after a full build make has nothing to do."""
    assert run(["make", "-q"], built_recommender).returncode == 0


def test_changing_a_knn_setting_retrains_only_knn(recommender):
    """A new [models.knn] grid re-trains and re-scores KNN and redoes the leaderboard and report; nothing else."""
    edit_config(recommender, "neighbors = [20, 50, 100, 200]", "neighbors = [30, 60]")
    assert planned_outputs(recommender) == {
        "models/knn.joblib",
        "reports/metrics/knn.json",
        "reports/leaderboard.md",
        "reports/learning/knn.json",
        model_figure("knn"),
        LEARNING_FIGURE,
        *REPORTING,
    }
    succeed(["make"], recommender)
    assert run(["make", "-q"], recommender).returncode == 0


def test_changing_k_rescores_every_model_without_resplitting(recommender):
    """[evaluate] k is how models are judged: every model is re-fitted for it (KNN tunes on it) and
    re-scored; the data is not cleaned or split again."""
    edit_config(recommender, "k = 10 ", "k = 5 ")
    assert planned_outputs(recommender) == {
        *(f"models/{model}.joblib" for model in MODELS),
        *(f"reports/metrics/{model}.json" for model in MODELS),
        "reports/leaderboard.md",
        *(f"reports/learning/{model}.json" for model in MODELS),
        *(model_figure(model) for model in MODELS),
        LEARNING_FIGURE,
        *REPORTING,
    }


def test_the_projects_own_tests_pass(built_recommender):
    """`make test` in a recommendation project: the unit tests, and the models on the sample."""
    output = succeed(["make", "test"], built_recommender)
    assert " passed" in output and "failed" not in output


def test_invoke_recommend_shows_a_users_history_and_each_models_top_k(built_recommender):
    """`invoke recommend --user ID` prints what the user had (with the item table's titles) and every model's list."""
    output = succeed([sys.executable, "-m", "invoke", "recommend", "--user", "u00042", "-k", "3"], built_recommender)
    assert "user u00042:" in output and "title" in output and "genre" in output
    for model in MODELS:
        assert f"{model}: top 3" in output


def test_invoke_recommend_shows_the_users_items_behind_each_knn_pick(built_recommender):
    """Beside each of item-KNN's picks, "because": titles of items the user had (picks are never had)."""
    output = succeed([sys.executable, "-m", "invoke", "recommend", "--user", "u00042", "-k", "3"], built_recommender)
    train = pd.read_parquet(built_recommender / "data" / "processed" / "train.parquet")
    movies = pd.read_csv(built_recommender / "data" / "sample" / "movies.csv").set_index("item")
    had_titles = set(movies.loc[train.loc[train["user"] == "u00042", "item"], "title"])
    knn = output.split("knn: top 3")[1].split("\n\n")[0]
    assert "because" in knn.splitlines()[1]
    assert any(title in knn for title in had_titles)


def test_invoke_recommend_for_an_unknown_user_says_how_to_find_one(built_recommender):
    result = run([sys.executable, "-m", "invoke", "recommend", "--user", "nobody"], built_recommender)
    assert result.returncode != 0
    assert "error: no user 'nobody' in the training interactions" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_interaction_log_with_other_column_names_needs_only_config(recommender):
    """Renamed columns, set in config.toml's [data] alone, and `invoke all` builds every model on them."""
    external = recommender / "data" / "external"
    external.mkdir()
    names = {"user": "listener", "item": "track", "rating": "plays", "timestamp": "played_at"}
    log = pd.read_csv(recommender / "data" / "sample" / "interactions.csv").rename(columns=names)
    log["played_at"] = pd.to_datetime(log["played_at"], unit="s").dt.strftime("%Y-%m-%d %H:%M:%S")
    log.to_csv(external / "plays.csv", index=False)
    catalogue = pd.read_csv(recommender / "data" / "sample" / "movies.csv").rename(columns={"item": "track"})
    catalogue.to_csv(external / "tracks.csv", index=False)
    for old, new in [
        ('source = "data/sample/interactions.csv"', 'source = "data/external/plays.csv"'),
        ('user = "user"', 'user = "listener"'),
        ('item = "item"', 'item = "track"'),
        ('rating = "rating"', 'rating = "plays"'),
        ('time = "timestamp"', 'time = "played_at"'),
        ('rating_kind = "rating"', 'rating_kind = "count"'),
        ('items = "data/sample/movies.csv"', 'items = "data/external/tracks.csv"'),
        ('holdout = "random"', 'holdout = "last"'),
    ]:
        edit_config(recommender, old, new)
    output = succeed([sys.executable, "-m", "invoke", "all"], recommender)
    assert "recommending track to each listener" in output
    top = pd.read_parquet(recommender / "reports" / "recommendations" / "knn.parquet")
    assert top["user"].str.startswith("u").all() and top["item"].str.startswith("m").all()
    assert metrics(recommender, "knn")["metrics"]["ndcg_at_k"] > metrics(recommender, "random")["metrics"]["ndcg_at_k"]


def one_line_error(project: Path) -> str:
    """The error `make` stops with: one line, no traceback."""
    result = run(["make"], project)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    return next(line for line in result.stderr.splitlines() if line.startswith("error:"))


def test_a_config_without_a_user_column_is_a_one_line_error(recommender):
    edit_config(recommender, 'user = "user"', "")
    assert "set [data] user to a string" in one_line_error(recommender)


def test_a_config_with_a_target_is_a_one_line_error(recommender):
    edit_config(recommender, 'user = "user"', 'user = "user"\ntarget = "rating"')
    assert "[data] target is not used by the recommendation task" in one_line_error(recommender)


def test_holdout_last_without_a_time_column_is_a_one_line_error(recommender):
    edit_config(recommender, 'time = "timestamp"', "")
    edit_config(recommender, 'holdout = "random"', 'holdout = "last"')
    assert 'holdout = "last" needs [data] time' in one_line_error(recommender)


def test_a_log_of_one_user_is_a_one_line_error(recommender):
    external = recommender / "data" / "external"
    external.mkdir()
    log = pd.read_csv(recommender / "data" / "sample" / "interactions.csv")
    log[log["user"] == "u00042"].to_csv(external / "one.csv", index=False)
    edit_config(recommender, 'source = "data/sample/interactions.csv"', 'source = "data/external/one.csv"')
    assert "needs at least two users and two items" in one_line_error(recommender)


@pytest.fixture
def recommender_app(built_recommender, monkeypatch):
    """The recommendation project's app, run in this process with its package importable."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.syspath_prepend(str(built_recommender / "src"))
    return AppTest.from_file(str(built_recommender / "app.py"), default_timeout=60).run()


def top_lists(app) -> dict[str, pd.DataFrame]:
    """Each model's list on the page, by the subheader above it (the first table is the history)."""
    models = [header.value for header in app.subheader][1:]
    return dict(zip(models, [table.value for table in app.dataframe][1:], strict=True))


def test_the_app_shows_a_users_history_and_each_models_top_k(recommender_app, built_recommender):
    """A picked user: their history, then every model's saved top k for them, side by side, with titles."""
    app = recommender_app
    assert not app.exception
    user = app.selectbox(key="user").value
    lists = top_lists(app)
    assert set(lists) == set(MODELS)
    for model, shown in lists.items():
        saved = pd.read_parquet(built_recommender / "reports" / "recommendations" / f"{model}.parquet")
        assert list(shown["item"]) == list(saved.loc[saved["user"] == user, "item"]), model
        assert "title" in shown.columns
    assert app.subheader[0].value.startswith(f"user {user} had ")


def test_the_apps_filters_keep_only_matching_items(recommender_app):
    """A genre picked in the sidebar: every model shows only that genre's items."""
    app = recommender_app.multiselect(key="filter_genre").set_value(["Drama"]).run()
    assert not app.exception
    for model, shown in top_lists(app).items():
        assert len(shown) == 10 and set(shown["genre"]) == {"Drama"}, model


def test_adventurousness_moves_knn_toward_less_popular_items(recommender_app, built_recommender):
    """At 1 KNN's list is re-ranked by novelty: its items are less popular than KNN's own order."""
    train = pd.read_parquet(built_recommender / "data" / "processed" / "train.parquet")
    popularity = train["item"].value_counts()
    before = popularity[top_lists(recommender_app)["knn"]["item"]].mean()
    app = recommender_app.slider(key="adventurousness").set_value(1.0).run()
    assert not app.exception
    assert popularity[top_lists(app)["knn"]["item"]].mean() < before


def test_an_unknown_typed_user_is_one_line_on_the_page(recommender_app):
    app = recommender_app.text_input(key="typed_user").set_value("nobody").run()
    assert not app.exception
    assert "no user 'nobody'" in app.error[0].value
