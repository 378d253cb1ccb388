"""What classification and regression share: rows of features and one target column."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..progress import bar

# Rows predicted at once. What a model holds while predicting then stays bounded however many
# rows are scored: KNN's distances to its neighbours and the one-hot features of 10,000 rows
# take a few MB (scikit-learn computes the distances in chunks within that).
BATCH_ROWS = 10_000


def features_and_target(rows: pd.DataFrame, target: str) -> tuple[pd.DataFrame, pd.Series]:
    return rows.drop(columns=[target]), rows[target]


def fit(model: Any, rows: pd.DataFrame, settings: Mapping[str, Any]) -> None:
    """Fit a scikit-learn style model on the training rows."""
    model.fit(*features_and_target(rows, settings["target"]))


def predict(model: Any, rows: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
    """The actual and the predicted target of every test row, predicted BATCH_ROWS rows at a time."""
    features, actual = features_and_target(rows, settings["target"])
    batches = []
    with bar(len(features), "predicting", unit="row", unit_scale=True) as shown:
        for start in range(0, len(features), BATCH_ROWS):
            batch = features.iloc[start : start + BATCH_ROWS]
            batches.append(model.predict(batch))
            shown.update(len(batch))
    return pd.DataFrame({"actual": actual.to_numpy(), "predicted": np.concatenate(batches)})


def rounded(values: Mapping[str, Any]) -> dict[str, float]:
    """Metrics as plain floats with six decimals: stable in JSON, enough to rank by."""
    return {name: round(float(value), 6) for name, value in values.items()}


def evaluate(
    model: Any,
    test: pd.DataFrame,
    settings: Mapping[str, Any],
    score: Callable[[pd.DataFrame], dict[str, float]],
    meaning: str,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The predictions for the test rows and the task's `score` of them (the task's `evaluate` says which)."""
    target = settings["target"]
    predictions = predict(model, test, settings)
    return predictions, {
        "goal": f"predicting {target}",
        "target": target,
        "n_test": len(test),
        "test_unit": "rows",
        "metric_meaning": meaning.format(target=target),
        "metrics": score(predictions),
    }
