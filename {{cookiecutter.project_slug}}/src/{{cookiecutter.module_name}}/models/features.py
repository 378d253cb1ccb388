"""The feature preparation that models working on numbers share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline
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


Row = Mapping[str, Any]


def missing(value: Any) -> bool:
    return bool(pd.isna(value))  # None, NaN and pandas' NA alike


def as_cleaned(value: Any) -> Any:
    """One request value as table cleanup leaves text (tasks/table_cleanup.py `stripped_text`): without the
    spaces around it, None for spaces alone; other values as they are."""
    return (value.strip() or None) if isinstance(value, str) else value


@dataclass(frozen=True)
class RowFeatures:
    """A fitted `preprocessor()` applied to rows given as dicts, with numpy alone.

    Scikit-learn checks and converts its input on every call: about 5 ms whatever the rows, most of
    the time of a one-row API request; this takes microseconds. It repeats the fitted steps' own
    arithmetic (fill, subtract the mean, divide by the scale, one column per known category), and
    `row_features` makes one only where it gives scikit-learn's numbers exactly.
    """

    numeric: list[str]
    medians: np.ndarray
    means: np.ndarray
    scales: np.ndarray
    categorical: list[str]
    most_frequent: list[Any]
    columns: list[dict[Any, int]]  # per categorical column: each known category's output column
    width: int

    def __call__(self, rows: Sequence[Row]) -> np.ndarray:
        numbers = np.array(
            [[np.nan if missing(row[name]) else row[name] for name in self.numeric] for row in rows],
            dtype=np.float64,
        ).reshape(len(rows), len(self.numeric))
        numbers = np.where(np.isnan(numbers), self.medians, numbers)
        features = np.zeros((len(rows), self.width))
        features[:, : len(self.numeric)] = (numbers - self.means) / self.scales
        for position, row in enumerate(rows):
            for name, fill, columns in zip(self.categorical, self.most_frequent, self.columns, strict=True):
                value = as_cleaned(row[name])
                value = fill if missing(value) else value
                if value in columns:  # an unseen category: all zeros, as handle_unknown="ignore"
                    features[position, columns[value]] = 1.0
        return features


def fitted_steps(part: Any, kinds: tuple[type, type]) -> tuple[Any, Any] | None:
    """The two fitted steps of a part of the ColumnTransformer when they are of `kinds`, in that order."""
    if not isinstance(part, Pipeline) or [type(step) for step in part] != list(kinds):
        return None
    first, second = part
    return None if first.add_indicator else (first, second)


def row_features(fitted: ColumnTransformer, examples: pd.DataFrame) -> RowFeatures | None:
    """`fitted` (a fitted `preprocessor()`) as RowFeatures, checked to give the numbers scikit-learn gives
    for `examples` (e.g. training rows); None when its shape or options differ, or its numbers do."""
    if type(fitted) is not ColumnTransformer or fitted.sparse_output_ or fitted.remainder != "drop":
        return None
    parts = {name: (part, list(columns)) for name, part, columns in fitted.transformers_}
    parts.pop("remainder", None)  # dropped: nothing in the output
    if list(parts) != ["numeric", "categorical"] or not all(columns for _, columns in parts.values()):
        return None  # both parts have columns, so both are fitted
    (numeric, numbers), (categorical, text) = parts.values()
    numeric = fitted_steps(numeric, (SimpleImputer, StandardScaler))
    categorical = fitted_steps(categorical, (SimpleImputer, OneHotEncoder))
    if numeric is None or categorical is None or categorical[1].handle_unknown != "ignore":
        return None
    (medians, scaler), (most_frequent, encoder) = numeric, categorical
    columns, width = [], len(numbers)
    for categories in encoder.categories_:
        columns.append({category: width + i for i, category in enumerate(categories.tolist())})
        width += len(categories)
    fast = RowFeatures(
        numeric=numbers,
        medians=medians.statistics_.astype(np.float64),
        means=scaler.mean_ if scaler.with_mean else np.zeros(len(numbers)),
        scales=scaler.scale_ if scaler.with_std else np.ones(len(numbers)),
        categorical=text,
        most_frequent=most_frequent.statistics_.tolist(),
        columns=columns,
        width=width,
    )
    same = np.array_equal(fast(examples.to_dict(orient="records")), fitted.transform(examples))
    return fast if same else None
