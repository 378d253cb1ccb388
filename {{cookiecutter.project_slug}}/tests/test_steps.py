"""The pipeline's steps, run as make runs them (settings files in, files out) on a small hand-made table.

Each step's `main` is called in this process, so a wrong number in what it writes fails here,
not only in an end-to-end build. Expected values are computed independently from the table.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.module_name }} import clean, config, evaluate, leaderboard, split, train
from {{ cookiecutter.module_name }}.errors import StepError

CONFIG = """
task = "classification"
seed = 3

[data]
source = "table.csv"
target = "label"

[clean]
min_rows = 20

[features]
test_size = 0.25

[models.random]
[models.rules]
[models.knn]
n_neighbors = [1, 3]
cv_folds = 3
"""
MODELS = ("random", "rules", "knn")


def hand_made_table() -> pd.DataFrame:
    """80 rows: `label` is "big" when size > 5; an id column, 3 rows missing a size, 1 missing a label,
    and 2 exact repeats of the first row."""
    rng = np.random.default_rng(7)
    size = np.round(rng.uniform(0, 10, 80), 2)
    frame = pd.DataFrame(
        {
            "row_id": np.arange(80),
            "size": size,
            "colour": np.where(rng.random(80) < 0.5, "red", "blue"),
            "label": np.where(size > 5, "big", "small"),
        }
    )
    frame.loc[[4, 9, 15], "size"] = np.nan
    frame.loc[20, "label"] = None
    repeats = frame.iloc[[0, 0]].assign(row_id=0)
    return pd.concat([frame, repeats], ignore_index=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A project folder where config, clean, split, train, evaluate and leaderboard have run."""
    root = tmp_path_factory.mktemp("steps")
    (root / "config.toml").write_text(CONFIG)
    settings = root / ".settings"
    config.main(root / "config.toml", settings)
    hand_made_table().to_parquet(root / "raw.parquet", index=False)
    clean.main(settings / "clean.json", root / "raw.parquet", root / "clean.parquet")
    split.main(
        settings / "split.json",
        root / "clean.parquet",
        root / "train.parquet",
        root / "test.parquet",
        root / "features.json",
    )
    for name in MODELS:
        train.main(settings / f"{name}.json", root / "train.parquet", root / f"{name}.joblib")
        evaluate.main(
            settings / "evaluate.json",
            root / f"{name}.joblib",
            root / "train.parquet",
            root / "test.parquet",
            root / "clean.json",
            root / f"{name}.parquet",
            root / f"{name}.json",
        )
    leaderboard.main(
        settings / "leaderboard.json", [root / f"{name}.json" for name in MODELS], root / "leaderboard.md"
    )
    return root


def read(path: Path):
    return json.loads(path.read_text())


def test_clean_writes_the_rows_left_and_a_record_of_each_step(built):
    """clean.parquet holds the complete, distinct rows; clean.json counts what each step removed."""
    raw = hand_made_table()
    expected = raw.dropna().drop_duplicates()
    cleaned = pd.read_parquet(built / "clean.parquet")
    assert sorted(cleaned["row_id"]) == sorted(expected["row_id"])
    record = read(built / "clean.json")
    assert (record["rows_before"], record["columns_before"]) == (82, 4)
    assert (record["rows_after"], record["columns_after"]) == (len(expected), 4)
    removed = {step["name"]: step["rows_removed"] for step in record["steps"]}
    assert removed["drop rows with no label"] == 1
    assert removed["drop rows with any missing value"] == 3
    assert removed["drop duplicate rows"] == 2
    assert record["sample"] is None and record["warnings"] == []


def test_the_cleaned_table_keeps_the_target_column(built):
    """Whatever cleanup drops, the column to predict stays, with no missing value."""
    cleaned = pd.read_parquet(built / "clean.parquet")
    assert "label" in cleaned.columns and cleaned["label"].notna().all()


def test_split_holds_out_a_quarter_of_each_class_and_keeps_every_row(built):
    """Train and test are disjoint, together the cleaned rows, and test holds test_size of each class."""
    cleaned = pd.read_parquet(built / "clean.parquet")
    train_rows, test_rows = pd.read_parquet(built / "train.parquet"), pd.read_parquet(built / "test.parquet")
    assert len(train_rows) + len(test_rows) == len(cleaned)
    assert not set(map(tuple, train_rows.to_numpy())) & set(map(tuple, test_rows.to_numpy()))
    for label, count in cleaned["label"].value_counts().items():
        assert (test_rows["label"] == label).sum() == round(0.25 * count)


def test_split_leaves_the_id_column_out_and_records_why(built):
    """The id unique per row is not a feature; features.json says which columns the models see."""
    features = read(built / "features.json")
    assert features == {"features": ["size", "colour"], "removed": {"row_id": "unique per row"}}
    assert "row_id" not in pd.read_parquet(built / "train.parquet").columns


def test_the_metrics_file_scores_the_written_predictions(built):
    """Each model's metrics are those of its predictions file, computed here by hand."""
    for name in MODELS:
        predictions = pd.read_parquet(built / f"{name}.parquet")
        right = predictions["actual"] == predictions["predicted"]
        per_class = right.groupby(predictions["actual"]).mean()
        metrics = read(built / f"{name}.json")["metrics"]
        assert metrics["accuracy"] == pytest.approx(right.mean(), abs=1e-6)
        assert metrics["balanced_accuracy"] == pytest.approx(per_class.mean(), abs=1e-6)


def test_the_metrics_file_says_what_was_scored_and_how(built):
    """The fields the leaderboard, the report and the app read."""
    test_rows, train_rows = pd.read_parquet(built / "test.parquet"), pd.read_parquet(built / "train.parquet")
    result = read(built / "knn.json")
    assert result["model"] == "knn" and result["task"] == "classification"
    assert result["n_train"] == len(train_rows) and result["n_test"] == len(test_rows)
    assert result["primary_metric"] == "balanced_accuracy" and result["higher_is_better"] is True
    assert result["goal"] == "predicting label" and result["target"] == "label"
    assert result["test_unit"] == "rows" and result["sample"] is None
    assert result["predictions"] == str(built / "knn.parquet")
    assert "neighbors" in result["learned"]
    assert len(pd.read_parquet(built / "knn.parquet")) == len(test_rows)


def test_the_leaderboard_ranks_the_models_by_their_metrics_files(built):
    """leaderboard.md lists every model, best balanced accuracy first."""
    scores = {name: read(built / f"{name}.json")["metrics"]["balanced_accuracy"] for name in MODELS}
    table = (built / "leaderboard.md").read_text()
    lines = [line for line in table.splitlines() if line.startswith("| ") and "Rank" not in line]
    rows = [line.split(" | ")[1] for line in lines]
    assert rows == sorted(MODELS, key=lambda name: -scores[name])


def test_evaluate_folds_scores_each_model_over_seeded_folds_of_its_training_rows(built, tmp_path):
    """With [evaluate] folds = 4, the rules model's metrics file holds 4 fold scores of the primary metric
    over its training rows, their mean and spread, the same on a second run (seeded), and the
    held-out score unchanged."""
    settings = tmp_path / "evaluate.json"
    settings.write_text(json.dumps({**read(built / ".settings" / "evaluate.json"), "folds": 4}))
    inputs = [built / name for name in ("rules.joblib", "train.parquet", "test.parquet", "clean.json")]
    runs = []
    for run in range(2):
        output = tmp_path / f"rules-{run}.json"
        evaluate.main(settings, *inputs, tmp_path / "rules.parquet", output)
        runs.append(read(output))
    folds = runs[0]["cross_validation"]
    assert (folds["folds"], folds["rows"], folds["metric"]) == (4, runs[0]["n_train"], "balanced_accuracy")
    assert len(folds["scores"]) == 4 and min(folds["scores"]) <= folds["mean"] <= max(folds["scores"])
    assert folds["spread"] >= 0 and runs[1]["cross_validation"] == folds
    assert runs[0]["metrics"] == read(built / "rules.json")["metrics"]


def test_a_split_with_no_test_rows_is_a_clear_error():
    """test_size that leaves one side empty stops the split with the fix."""
    rows = pd.DataFrame({"x": [1, 2]})
    with pytest.raises(StepError, match=r"test_size = 0.0 holds out 0 of 2 rows"):
        split.check_both_sides(rows, rows.iloc[:0], 0.0)
    with pytest.raises(StepError, match=r"test_size = 1.0 holds out 2 of 2 rows"):
        split.check_both_sides(rows.iloc[:0], rows, 1.0)
