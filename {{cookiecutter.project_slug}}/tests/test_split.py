"""The split is seeded and fair; feature preparation copes with what the test rows bring."""

import pandas as pd
import pytest

from {{ cookiecutter.module_name }}.clean import clean
from {{ cookiecutter.module_name }}.errors import StepError
from {{ cookiecutter.module_name }}.models.features import preprocessor
from {{ cookiecutter.module_name }}.split import select_features
from {{ cookiecutter.module_name }}.tasks import classification


def test_split_is_reproducible_and_keeps_every_row(small_frame):
    frame, _ = clean(small_frame, "label")
    train, test = classification.split(frame, {"target": "label", "test_size": 0.25, "seed": 7})
    again, _ = classification.split(frame, {"target": "label", "test_size": 0.25, "seed": 7})
    assert train.index.equals(again.index)
    assert sorted([*train.index, *test.index]) == sorted(frame.index)


def test_classification_split_keeps_class_shares(small_frame):
    frame, _ = clean(small_frame, "label")
    train, test = classification.split(frame, {"target": "label", "test_size": 0.5, "seed": 1})
    shares = frame["label"].value_counts(normalize=True)
    assert (test["label"].value_counts(normalize=True) - shares).abs().max() < 0.05


def test_a_class_with_one_row_is_a_clear_error():
    frame = pd.DataFrame({"label": ["a"] * 10 + ["b"] * 10 + ["lonely"], "x": range(21)})
    with pytest.raises(StepError, match="'lonely' has only one row"):
        classification.split(frame, {"target": "label", "test_size": 0.2, "seed": 0})


def test_dropping_a_column_that_does_not_exist_is_a_clear_error(small_frame):
    with pytest.raises(StepError, match="do not exist: id"):
        select_features(small_frame, "label", ["id"], [])


def test_preprocessor_ignores_categories_unseen_in_training():
    train = pd.DataFrame({"size": [1.0, 2.0, 3.0], "colour": ["red", "blue", "red"]})
    prepared = preprocessor().fit(train)
    row = prepared.transform(pd.DataFrame({"size": [2.0], "colour": ["green"]}))
    assert row.shape == (1, 3)
