"""Seeded randomness is reproducible, and the seed in config.toml is the one actually used."""

import numpy as np
import pandas as pd

from {{ cookiecutter.module_name }}.models import random_baseline
from {{ cookiecutter.module_name }}.tasks import regression


def guesses(seed: int) -> list:
    X = pd.DataFrame({"x": np.arange(60)})
    y = pd.Series(["a", "b", "c"] * 20)
    return list(random_baseline.build("classification", seed).fit(X, y).predict(X))


def test_the_random_baseline_guesses_the_same_for_a_seed_and_otherwise_for_another():
    assert guesses(0) == guesses(0)
    assert guesses(0) != guesses(1)


def test_the_regression_split_is_seeded_and_holds_out_test_size_of_the_rows():
    # x: a measurement (halves), not whole numbers in row order, which would read as a row number
    frame = pd.DataFrame({"x": np.arange(50.0) / 2, "y": np.arange(50.0) * 2})
    settings = {"target": "y", "test_size": 0.2, "seed": 7, "drop_columns": [], "keep_columns": []}
    train, test, features = regression.split(frame, settings)
    assert len(test) == 10 and len(train) == 40 and not set(train.index) & set(test.index)
    assert test.index.equals(regression.split(frame, settings)[1].index)
    assert not test.index.equals(regression.split(frame, {**settings, "seed": 8})[1].index)
    assert features == {"features": ["x"], "removed": {}}


# END
