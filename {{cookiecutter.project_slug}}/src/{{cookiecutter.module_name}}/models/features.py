"""The feature preparation that models working on numbers share."""

from __future__ import annotations

from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def preprocessor() -> ColumnTransformer:
    """Scale numeric columns and one-hot encode the rest; categories unseen in training are ignored."""
    return ColumnTransformer(
        [
            ("numeric", StandardScaler(), make_column_selector(dtype_include="number")),
            (
                "categorical",
                OneHotEncoder(handle_unknown="ignore"),
                make_column_selector(dtype_exclude="number"),
            ),
        ]
    )
