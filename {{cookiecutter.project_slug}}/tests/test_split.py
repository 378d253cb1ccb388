"""The split is seeded and fair; feature preparation copes with what the test rows bring."""

import pandas as pd
import pytest

import conftest
from {{ cookiecutter.module_name }}.errors import StepError
from {{ cookiecutter.module_name }}.models.features import preprocessor
from {{ cookiecutter.module_name }}.tasks import classification
from {{ cookiecutter.module_name }}.tasks.tabular import select_features


def test_split_is_reproducible_and_keeps_every_row(small_frame):
    frame, _ = conftest.clean_table(small_frame, "label")
    train, test = classification.stratified_split(frame, {"target": "label", "test_size": 0.25, "seed": 7})
    again, _ = classification.stratified_split(frame, {"target": "label", "test_size": 0.25, "seed": 7})
    assert train.index.equals(again.index)
    assert sorted([*train.index, *test.index]) == sorted(frame.index)


def test_classification_split_keeps_class_shares(small_frame):
    frame, _ = conftest.clean_table(small_frame, "label")
    train, test = classification.stratified_split(frame, {"target": "label", "test_size": 0.5, "seed": 1})
    shares = frame["label"].value_counts(normalize=True)
    assert (test["label"].value_counts(normalize=True) - shares).abs().max() < 0.05


def test_a_class_with_one_row_is_a_clear_error_that_never_echoes_the_class():
    """A class too rare to hold out is counted, never named: class labels are the data's values."""
    frame = pd.DataFrame({"label": ["a"] * 10 + ["b"] * 10 + ["lonely"], "x": range(21)})
    with pytest.raises(StepError, match=r"1 class\(es\) of label have only one row") as caught:
        classification.stratified_split(frame, {"target": "label", "test_size": 0.2, "seed": 0})
    assert "lonely" not in str(caught.value)


def test_a_numeric_target_with_one_row_classes_suggests_regression():
    frame = pd.DataFrame({"price": [1.5, 2.5, 2.5, 3.0, 3.0], "x": range(5)})
    hint = 'price is numeric with 3 distinct values: if it is a quantity, set task = "regression"'
    with pytest.raises(StepError, match=hint):
        classification.stratified_split(frame, {"target": "price", "test_size": 0.2, "seed": 0})


def test_dropping_a_column_that_does_not_exist_is_a_clear_error(small_frame):
    with pytest.raises(StepError, match="do not exist: id"):
        select_features(small_frame, "label", ["id"], [])


def test_keeping_columns_that_do_not_exist_names_the_setting_and_each(small_frame):
    message = r"\[features\] keep_columns names columns that do not exist: code, id"
    with pytest.raises(StepError, match=message):
        select_features(small_frame, "label", [], ["id", "code"])


def test_the_preprocessor_scales_numbers_so_no_unit_outweighs_another():
    """KNN measures distances: a column in grams must not drown one in metres."""
    train = pd.DataFrame({"grams": [1000.0, 2000.0, 3000.0, 4000.0], "metres": [1.0, 2.0, 3.0, 5.0]})
    prepared = preprocessor().fit_transform(train)
    assert prepared.mean(axis=0) == pytest.approx([0.0, 0.0], abs=1e-9)
    assert prepared.std(axis=0) == pytest.approx([1.0, 1.0])


def test_preprocessor_ignores_categories_unseen_in_training():
    train = pd.DataFrame({"size": [1.0, 2.0, 3.0], "colour": ["red", "blue", "red"]})
    prepared = preprocessor().fit(train)
    row = prepared.transform(pd.DataFrame({"size": [2.0], "colour": ["green"]}))
    assert row.shape == (1, 3)


def rows_with_an_id_and_notes(rows: int = 40) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [f"row-{i}" for i in range(rows)],
            "number": range(rows),  # distinct integers in row order: a row number
            "notes": [f"a long free-text note about row {i}, no model learns from" for i in range(rows)],
            "size": [i % 7 for i in range(rows)],
            "label": ["a", "b"] * (rows // 2),
        }
    )


def test_id_and_free_text_columns_are_left_out_with_the_reason():
    """Columns unique per row or of long free text are not features by default, and the reason is kept."""
    features, removed = select_features(rows_with_an_id_and_notes(), "label", [], [])
    assert list(features.columns) == ["size", "label"]
    assert removed == {"id": "unique per row", "number": "unique per row", "notes": "long free text"}


def test_keep_columns_keeps_an_id_like_column():
    """The team can keep a column that only looks like an id."""
    features, removed = select_features(rows_with_an_id_and_notes(), "label", ["notes"], ["number"])
    assert list(features.columns) == ["number", "size", "label"]
    assert removed == {"notes": "[features] drop_columns", "id": "unique per row"}


def test_a_row_number_read_as_floats_is_left_out_too():
    """A row number that one stray value made floats when read (the bike-sharing table's `instant`, whose
    line 161 has a control byte before the number) is still a row number once cleanup dropped that row;
    distinct measured floats in row order are not."""
    frame = pd.DataFrame(
        {
            "instant": [float(i) for i in range(40)],
            "temp": [i + 0.5 for i in range(40)],
            "label": ["a", "b"] * 20,
        }
    )
    features, removed = select_features(frame, "label", [], [])
    assert list(features.columns) == ["temp", "label"] and removed == {"instant": "unique per row"}


def test_distinct_integers_out_of_row_order_stay_features():
    """Distinct integer measurements (not running in row order) are not mistaken for an id."""
    frame = pd.DataFrame({"mass": [(i * 37) % 101 for i in range(40)], "label": ["a", "b"] * 20})
    features, removed = select_features(frame, "label", [], [])
    assert list(features.columns) == ["mass", "label"] and removed == {}


def test_nothing_left_to_learn_from_is_a_clear_error():
    with pytest.raises(StepError, match=r"no column is left to predict 'label' from \(id: unique per row\)"):
        select_features(rows_with_an_id_and_notes()[["id", "label"]], "label", [], [])


def test_a_one_row_class_of_a_numeric_target_hints_at_regression():
    """A numeric target split into classes of one row probably meant regression: the error says so."""
    frame = pd.DataFrame({"mass": [3600.0, 3600.0, 3625.0], "x": [1, 2, 3]})
    with pytest.raises(StepError, match=r"of mass have only one row.*set task = \"regression\""):
        classification.stratified_split(frame, {"target": "mass", "test_size": 0.2, "seed": 0})


def test_a_date_is_left_out_of_the_features_for_its_parts():
    """Cleanup splits a date into numbers (`when_hour`); the date itself, unique per row or nearly, is left
    out of the features with that reason, and its parts are features."""
    frame = pd.DataFrame(
        {
            "when": pd.date_range("2024-01-01", periods=40, freq="h"),
            "when_hour": [hour % 24 for hour in range(40)],
            "label": ["a", "b"] * 20,
        }
    )
    features, removed = select_features(frame, "label", [], [])
    assert removed == {"when": "a date: its parts are features"} and list(features) == ["when_hour", "label"]


def test_keeping_a_date_is_a_one_line_error_naming_its_parts():
    """A date is no feature a model can read; keep_columns naming it says so, not a scikit-learn traceback."""
    hours = pd.date_range("2024-01-01", periods=40, freq="h")
    frame = pd.DataFrame({"when": hours, "label": ["a", "b"] * 20})
    with pytest.raises(StepError, match=r"keep_columns names a date, when: .* \(when_hour\.\.\.\)"):
        select_features(frame, "label", [], ["when"])
