"""The feature preparation that models working on numbers share."""

from __future__ import annotations

from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def preprocessor() -> ColumnTransformer:
    """Fill missing values, scale numeric columns and one-hot encode the rest; unseen categories are ignored.

    Cleanup leaves no missing value in the training rows, so filling changes nothing there: it is
    for the rows of a submission (`make submit`), which are never dropped. Numbers get the training
    median, other columns the most frequent training value.
    """
    return ColumnTransformer(
        [
            (
                "numeric",
                make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
                make_column_selector(dtype_include="number"),
            ),
            (
                "categorical",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")
                ),
                make_column_selector(dtype_exclude="number"),
            ),
        ]
    )
