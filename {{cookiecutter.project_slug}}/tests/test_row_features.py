"""The API's fast feature preparation gives scikit-learn's numbers, and steps aside when it cannot."""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import StandardScaler

from {{ cookiecutter.module_name }}.models.features import preprocessor, row_features

TRAIN = pd.DataFrame(
    {
        "size": [1.0, 2.5, 3.0, 7.25, 4.0, 2.0],
        "count": [3, 1, 4, 1, 5, 9],
        "colour": pd.Series(["red", "blue", "red", "green", "blue", "red"], dtype="str"),
        "open": [True, False, True, True, False, True],
    }
)

rows = st.lists(
    st.fixed_dictionaries(
        {
            "size": st.none() | st.floats(-1e6, 1e6),
            "count": st.integers(-1000, 1000),
            "colour": st.none() | st.sampled_from(["red", "blue", "green", "never seen"]),
            "open": st.booleans(),
        }
    ),
    min_size=1,
    max_size=5,
)


def fitted(preparation: ColumnTransformer | None = None) -> ColumnTransformer:
    return (preparation or preprocessor()).fit(TRAIN)


@given(rows)
def test_any_row_gets_the_numbers_scikit_learn_computes(asked):
    """Rows with gaps, unseen categories and any numbers get exactly the numbers of the pipeline."""
    preparation = fitted()
    fast = row_features(preparation, TRAIN)
    frame = pd.DataFrame(asked, columns=list(TRAIN.columns)).astype(
        {"size": float, "count": "int64", "colour": "str", "open": bool}
    )
    assert np.array_equal(fast(asked), preparation.transform(frame))


def test_the_preparation_is_taken_as_fitted():
    """The fast version carries what the pipeline learned: the training medians, means and categories."""
    fast = row_features(fitted(), TRAIN)
    new = fast([{"size": None, "count": 3, "colour": None, "open": False}])[0]
    scaler = fitted().named_transformers_["numeric"][-1]
    assert new[0] == (TRAIN["size"].median() - scaler.mean_[0]) / scaler.scale_[0]
    assert list(new[2:]) == [0, 0, 1, 1, 0]  # colour: blue green red (red is most frequent); open: False True


def test_a_changed_preparation_is_left_to_scikit_learn():
    """Another preparation than preprocessor()'s (other steps, other options) gets no fast version."""
    other_steps = ColumnTransformer([("numeric", StandardScaler(), ["size", "count"])])
    unknown_is_an_error = preprocessor()
    unknown_is_an_error.transformers[1][1].set_params(onehotencoder__handle_unknown="error")
    assert row_features(fitted(other_steps), TRAIN) is None
    assert row_features(fitted(unknown_is_an_error), TRAIN) is None


def test_numbers_that_differ_from_scikit_learns_turn_the_fast_version_off():
    """Same steps with an option the fast version does not follow (dropping a first category) get none:
    it is used only where it reproduces scikit-learn's numbers on the examples."""
    drop_first = preprocessor()
    drop_first.transformers[1][1].set_params(onehotencoder__drop="first")
    assert row_features(fitted(drop_first), TRAIN) is None
