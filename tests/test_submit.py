"""`make submit` / `invoke submit` and the run history, on baked projects built for real (issue 14)."""

import json
import re
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
from baked import run, succeed

TARGET = "species"
SUBMIT = """
[submit]
source = "data/external/test.csv"
id = "penguin_id"
column = "{column}"
model = "{model}"
"""


def write_labeled_and_unlabeled(project: Path) -> pd.DataFrame:
    """The penguins sample as a hackathon hands it out: a labeled train.csv, an unlabeled test.csv
    with an id column (shuffled, and with the sample's rows that have missing values); returns test."""
    penguins = pd.read_csv(project / "data" / "sample" / "penguins.csv")
    penguins.insert(0, "penguin_id", [f"p{number:04d}" for number in range(len(penguins))])
    test = penguins.sample(frac=0.25, random_state=7)
    incomplete = penguins[penguins.drop(columns=TARGET).isna().any(axis=1)]
    test = pd.concat([test, incomplete[~incomplete.index.isin(test.index)]])
    external = project / "data" / "external"
    external.mkdir(parents=True, exist_ok=True)
    penguins.drop(index=test.index).to_csv(external / "train.csv", index=False)
    test = test.drop(columns=TARGET).reset_index(drop=True)
    test.to_csv(external / "test.csv", index=False)
    return test


def configure(project: Path, column: str = TARGET, model: str = "best") -> None:
    config = project / "config.toml"
    text = config.read_text().replace('source = "data/sample/penguins.csv"', 'source = "data/external/train.csv"')
    config.write_text(text + SUBMIT.format(column=column, model=model))


@pytest.fixture(scope="session")
def submitted(cookies_session) -> tuple[Path, pd.DataFrame, str]:
    """A project trained on the labeled part, whose `invoke submit` predicted the unlabeled part."""
    project = cookies_session.bake(extra_context={"project_name": "Judged Penguins"}).project_path
    test = write_labeled_and_unlabeled(project)
    configure(project)
    output = succeed([sys.executable, "-m", "invoke", "submit"], project)
    return project, test, output


@pytest.fixture
def submitting(submitted, tmp_path) -> Path:
    """A private copy of the submitted project, timestamps and all, for a test to change."""
    copy = tmp_path / submitted[0].name
    shutil.copytree(submitted[0], copy)
    return copy


def submission(project: Path) -> pd.DataFrame:
    return pd.read_csv(project / "reports" / "submission.csv")


def test_the_submission_has_every_id_once_in_source_order(submitted):
    """reports/submission.csv holds the id and a prediction for each test row, in the test file's order."""
    project, test, _ = submitted
    written = submission(project)
    assert list(written.columns) == ["penguin_id", TARGET]
    assert written["penguin_id"].tolist() == test["penguin_id"].tolist()
    assert set(written[TARGET]) <= {"Adelie", "Chinstrap", "Gentoo"}


def test_invoke_submit_prints_rows_model_and_held_out_score(submitted):
    """`invoke submit` ends with one line: how many rows, which model, and its held-out score."""
    project, test, output = submitted
    best = json.loads((project / "reports" / "metrics" / "knn.json").read_text())
    score = best["metrics"]["balanced_accuracy"]
    line = f"submission: {len(test)} rows predicted by knn (balanced_accuracy {score:.3f} on {best['n_test']} held-out"
    assert line in output.splitlines()[-1]


def test_rows_with_missing_values_still_get_a_prediction(submitted):
    """Test rows with gaps are predicted, not dropped, and the output says how many needed filling."""
    project, test, output = submitted
    gaps = test.drop(columns="penguin_id").isna().any(axis=1)
    assert gaps.sum() >= 2
    written = submission(project)
    assert written.loc[gaps.to_numpy(), TARGET].notna().all()
    assert f"{gaps.sum()} of {len(test)} row(s) had missing values" in output


def test_the_test_set_is_snapshotted_read_only(submitted):
    """The unlabeled source is snapshotted like the training data: data/raw/submit.parquet, read-only."""
    project, test, _ = submitted
    snapshot = project / "data" / "raw" / "submit.parquet"
    assert len(pd.read_parquet(snapshot)) == len(test)
    assert not snapshot.stat().st_mode & 0o222


def test_a_missing_required_column_is_a_one_line_error(submitting):
    """A test file without a column the model was trained on stops `make submit` with one line naming it,
    and the previous submission is left as it was."""
    before = (submitting / "reports" / "submission.csv").read_text()
    test = pd.read_csv(submitting / "data" / "external" / "test.csv")
    test.drop(columns="island").to_csv(submitting / "data" / "external" / "test.csv", index=False)
    result = run(["make", "submit"], submitting)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "error: the submission source lacks column(s) the model needs: island;" in result.stderr
    assert (submitting / "reports" / "submission.csv").read_text() == before


def test_submit_rebuilds_only_when_the_chosen_model_changes(submitting):
    """A second `make submit` does nothing; naming another model rewrites the submission with it."""
    assert "submission:" not in succeed(["make", "submit"], submitting)
    config = submitting / "config.toml"
    config.write_text(config.read_text().replace('model = "best"', 'model = "rules"'))
    output = succeed(["make", "submit"], submitting)
    assert "submission: " in output and "predicted by rules" in output
    assert "train rules" not in output  # the trained models are reused


def test_probabilities_give_one_column_per_class(submitting):
    """`probabilities = true` writes one column per class, each row's probabilities summing to one."""
    config = submitting / "config.toml"
    config.write_text(config.read_text() + "probabilities = true\n")
    succeed(["make", "submit"], submitting)
    written = submission(submitting)
    assert list(written.columns) == ["penguin_id", "Adelie", "Chinstrap", "Gentoo"]
    assert written[["Adelie", "Chinstrap", "Gentoo"]].sum(axis=1).round(6).eq(1).all()


def test_make_submit_without_a_submit_section_says_what_to_add(project):
    """With no [submit] in config.toml, `make submit` fails with one line saying to add it."""
    result = run(["make", "submit"], project)
    assert result.returncode != 0
    assert "add a [submit] section to config.toml" in result.stdout + result.stderr


def history(project: Path) -> list[dict]:
    lines = (project / "reports" / "history.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_changing_knn_adds_a_history_record_and_invoke_history_shows_both_runs(submitting):
    """Each evaluation appends a record; after changing [models.knn], `invoke history` shows both KNN runs
    and the setting that differs."""
    before = [record for record in history(submitting) if record["model"] == "knn"]
    config = submitting / "config.toml"
    config.write_text(config.read_text().replace("n_neighbors = [1, 3, 5, 9, 15, 25]", "n_neighbors = [7]"))
    succeed(["make"], submitting)
    runs = [record for record in history(submitting) if record["model"] == "knn"]
    assert len(runs) == len(before) + 1
    assert runs[-1]["settings"]["params"]["n_neighbors"] == [7]
    assert runs[-1]["data_sha256"] == json.loads((submitting / "data/raw/snapshot.json").read_text())["sha256"]
    output = succeed([sys.executable, "-m", "invoke", "history"], submitting)
    assert "knn: 2 run(s)" in output
    assert "n_neighbors=[7]" in output or "n_neighbors=[1, 3, 5, 9, 15, 25]" in output
    assert "## Score over time" in (submitting / "reports" / "REPORT.md").read_text()


def test_make_clean_keeps_the_history(submitting):
    """`make clean` deletes the reports it can rebuild but keeps reports/history.jsonl."""
    records = history(submitting)
    succeed(["make", "clean"], submitting)
    assert history(submitting) == records
    assert not (submitting / "reports" / "submission.csv").exists()


def test_recommendation_submission_is_each_users_top_k_in_source_order(recommender):
    """For the recommendation task, [submit] source lists users; each gets k unseen items, in the
    source's order, and users new to the models get the most popular items."""
    train = pd.read_parquet(recommender / "data" / "processed" / "train.parquet")
    known = list(train["user"].drop_duplicates().sample(5, random_state=3))
    users = pd.DataFrame({"user": [known[0], "newcomer-1", *known[1:], "newcomer-2"]})
    users.to_csv(recommender / "data" / "users.csv", index=False)
    config = recommender / "config.toml"
    config.write_text(config.read_text() + '\n[submit]\nsource = "data/users.csv"\ncolumn = "items"\n')
    output = succeed(["make", "submit"], recommender)
    written = pd.read_csv(recommender / "reports" / "submission.csv")
    assert written["user"].tolist() == users["user"].tolist()
    lists = written.set_index("user")["items"].str.split(" ")
    assert all(len(items) == len(set(items)) == 10 for items in lists)
    for user in known:
        assert not set(lists[user]) & set(train.loc[train["user"] == user, "item"])
    assert lists["newcomer-1"] == lists["newcomer-2"]
    assert "2 of 7 user(s) have no training interactions" in output


def test_model_good_enough_submits_with_the_model_the_leaderboard_says_to_ship(submitting):
    """[submit] model = "good_enough" predicts with the model leaderboard.md ships by [leaderboard]
    good_enough (one choice, results.to_ship, decides both)."""
    config = submitting / "config.toml"
    text = config.read_text().replace('model = "best"', 'model = "good_enough"')
    config.write_text(text + "\n[leaderboard]\ngood_enough = 0.6\n")
    output = succeed(["make", "submit", "leaderboard"], submitting)
    shipped = re.search(r"^Ship \*\*(\w+)\*\*", (submitting / "reports" / "leaderboard.md").read_text(), re.M)
    assert shipped and f"predicted by {shipped[1]} " in output
