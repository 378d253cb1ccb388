"""A submission for an unlabeled source: predictions for every row, checked before they are written."""

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.module_name }}.errors import StepError
from {{ cookiecutter.module_name }}.models import build
from {{ cookiecutter.module_name }}.submit import check_submission, chosen_result, expected_columns, source_ids
from {{ cookiecutter.module_name }}.tasks.table_submission import submission

SETTINGS = {
    "task": "classification",
    "target": "label",
    "id": "id",
    "column": "prediction",
    "probabilities": False,
}


@pytest.fixture
def trained(small_frame) -> tuple:
    """KNN trained on the complete rows of the small frame (as cleanup leaves them), and those rows."""
    train = small_frame.drop(columns="weight").dropna().reset_index(drop=True)
    model = build("knn", "classification", 0, {"n_neighbors": [3], "cv_folds": 2})
    model.fit(train.drop(columns="label"), train["label"])
    return model, train


def unlabeled(**columns) -> pd.DataFrame:
    rows = {"id": ["a", "b", "c"], "size": [1.0, 8.0, 2.0], "colour": ["blue", "red", "blue"]}
    return pd.DataFrame({**rows, **columns})


def test_every_row_is_predicted_in_order_even_with_missing_values(trained):
    """Rows with gaps get a prediction (the pipeline fills them in) and the notes count them."""
    model, train = trained
    gaps = unlabeled(size=[1.0, np.nan, 9.0], colour=["blue", "red", None])
    written, notes = submission(model, gaps, train, SETTINGS)
    assert written["id"].tolist() == ["a", "b", "c"]
    assert written["prediction"].notna().all()
    assert written["prediction"].iloc[0] == "small"
    assert "2 of 3 row(s) had missing values" in notes[-1]


def test_a_column_the_model_needs_is_a_one_line_error(trained):
    """A source without a training column stops with the column named."""
    model, train = trained
    with pytest.raises(StepError, match="lacks column\\(s\\) the model needs: colour"):
        submission(model, unlabeled().drop(columns="colour"), train, SETTINGS)


def test_categories_never_seen_in_training_get_one_line_each(trained):
    """A text value unseen in training is named in one note for its column; the row is still predicted."""
    model, train = trained
    written, notes = submission(model, unlabeled(colour=["blue", "green", "green"]), train, SETTINGS)
    assert notes == [
        "colour: 2 row(s) with a value never seen in training ('green'); the model treats it as missing"
    ]
    assert written["prediction"].notna().all()


def test_text_with_spaces_around_it_is_the_category_cleanup_trained_on(trained):
    """A source written `a, blue` gives ' blue': it is predicted as blue is, not as a category never seen."""
    model, train = trained
    spaced, notes = submission(model, unlabeled(colour=[" blue", "red ", " blue "]), train, SETTINGS)
    plain, _ = submission(model, unlabeled(), train, SETTINGS)
    assert notes == [] and spaced.equals(plain)


def test_numbers_stored_as_text_are_read_as_the_training_numbers(trained):
    """A numeric training column read as text ("1.0", "n/a") is numbers again, the stray text missing."""
    model, train = trained
    written, notes = submission(model, unlabeled(size=["1.0", "n/a", "9"]), train, SETTINGS)
    assert written["prediction"].iloc[0] == "small"
    assert "1 of 3 row(s) had missing values" in notes[-1]


def test_a_dates_parts_are_read_from_the_sources_dates_as_cleanup_read_the_training_rows():
    """A model trained on `when_hour` (cleanup's part of a `when` date) predicts a source that has the
    dates as text, as it predicts the same rows given their hours."""
    train = pd.DataFrame({"when_hour": list(range(24)) * 2, "label": (["night"] * 6 + ["day"] * 18) * 2})
    model = build("knn", "classification", 0, {"n_neighbors": [3], "cv_folds": 2})
    model.fit(train.drop(columns="label"), train["label"])
    when = ["2011-01-20 03:00:00", "2011-01-20T14:00:00Z", "later"]
    written, notes = submission(model, pd.DataFrame({"id": [1, 2, 3], "when": when}), train, SETTINGS)
    hours, _ = submission(model, pd.DataFrame({"id": [1, 2, 3], "when_hour": [3, 14, None]}), train, SETTINGS)
    assert written.equals(hours) and written["prediction"].tolist()[:2] == ["night", "day"]
    assert "1 of 3 row(s) had missing values" in notes[-1]


def test_a_sources_spreadsheet_dates_are_read_in_the_order_they_show_or_stop_the_submission():
    """Spreadsheet dates in the source give the parts cleanup gave the training rows when a number above 12
    shows their order (`1/20/2011 3:00 PM`: the month first); when none does, the submission stops in one
    line rather than guess, naming the column, not its values."""
    train = pd.DataFrame({"when_hour": list(range(24)) * 2, "label": (["night"] * 6 + ["day"] * 18) * 2})
    model = build("knn", "classification", 0, {"n_neighbors": [3], "cv_folds": 2})
    model.fit(train.drop(columns="label"), train["label"])
    when = ["1/20/2011 3:00 AM", "1/20/2011 3:00 PM"]
    written, _ = submission(model, pd.DataFrame({"id": [1, 2], "when": when}), train, SETTINGS)
    assert written["prediction"].tolist() == ["night", "day"]
    unclear = pd.DataFrame({"id": [1, 2], "when": ["1/2/2011 3:00 AM", "2/1/2011 3:00 PM"]})
    with pytest.raises(StepError, match="^the submission source's column 'when' holds dates like") as error:
        submission(model, unclear, train, SETTINGS)
    assert "1/2/2011" not in str(error.value)


def test_a_sources_prices_written_with_signs_are_the_numbers_the_model_learned():
    """A model trained on `fee` as numbers (cleanup read `$1,250.00` as 1250) predicts a source that writes
    them with signs and separators as it predicts the plain numbers."""
    fees, labels = [10.0, 20.0] * 5 + [1000.0, 1250.0] * 5, ["cheap"] * 10 + ["dear"] * 10
    train = pd.DataFrame({"fee": fees, "label": labels})
    model = build("knn", "classification", 0, {"n_neighbors": [1], "cv_folds": 2})
    model.fit(train.drop(columns="label"), train["label"])
    signed = pd.DataFrame({"id": [1, 2], "fee": ["$12.00", "$1,200.00"]})
    written, notes = submission(model, signed, train, SETTINGS)
    plain, _ = submission(model, pd.DataFrame({"id": [1, 2], "fee": [12.0, 1200.0]}), train, SETTINGS)
    assert written.equals(plain) and written["prediction"].tolist() == ["cheap", "dear"] and notes == []


def test_probabilities_are_one_column_per_class(trained):
    """With probabilities, the columns are the classes and each row sums to one."""
    model, train = trained
    written, _ = submission(model, unlabeled(), train, {**SETTINGS, "probabilities": True})
    assert list(written.columns) == expected_columns({**SETTINGS, "probabilities": True}, model)
    assert list(written.columns) == ["id", "big", "small"]
    assert np.allclose(written[["big", "small"]].sum(axis=1), 1)


def test_a_model_without_probabilities_says_which_to_choose(trained):
    """Asking the rule-based model for probabilities is a one-line error naming the models that give them."""
    _, train = trained
    rules = build("rules", "classification", 0, {})
    rules.fit(train.drop(columns="label"), train["label"])
    with pytest.raises(StepError, match="gives no probabilities"):
        submission(rules, unlabeled(), train, {**SETTINGS, "probabilities": True})


def test_a_matching_submission_passes_the_check():
    """The same ids in the same order, a prediction for each and the configured columns: no error."""
    ids = pd.Series(["a", "b"])
    check_submission(pd.DataFrame({"id": ["a", "b"], "prediction": [1, 2]}), ids, ["id", "prediction"])


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (pd.DataFrame({"id": ["b", "a"], "prediction": [1, 2]}), "ids differ"),
        (pd.DataFrame({"id": ["a"], "prediction": [1]}), "1 rows for 2 source rows"),
        (pd.DataFrame({"id": ["a", "b"], "prediction": [1, None]}), "1 row\\(s\\) of the submission have no"),
        (pd.DataFrame({"id": ["a", "b"], "label": [1, 2]}), "columns are"),
    ],
)
def test_a_submission_a_judge_would_reject_is_not_written(written, message):
    """Reordered or missing ids, a gap, or misnamed columns stop the step before it writes."""
    with pytest.raises(StepError, match=message):
        check_submission(written, pd.Series(["a", "b"]), ["id", "prediction"])


def test_a_repeated_or_missing_id_column_is_a_one_line_error():
    """One prediction per id: a repeated id, or an id column the source lacks, stops the step."""
    with pytest.raises(StepError, match="repeats 'a'"):
        source_ids(pd.DataFrame({"id": ["a", "b", "a"]}), "id")
    with pytest.raises(StepError, match="\\[submit\\] id 'key' is not a column"):
        source_ids(pd.DataFrame({"id": ["a"]}), "key")


def scored(model: str, rmse: float) -> dict:
    return {"model": model, "primary_metric": "rmse", "higher_is_better": False, "metrics": {"rmse": rmse}}


def test_best_is_the_leaderboards_first_and_a_name_picks_that_model():
    """ "best" takes the best held-out score (here the lowest error); a model's name takes that model."""
    results = [scored("random", 9.0), scored("knn", 2.0), scored("rules", 5.0)]
    assert chosen_result(results, "best")["model"] == "knn"
    assert chosen_result(results, "rules")["model"] == "rules"
