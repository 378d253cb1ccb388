"""The questions ship/check.py asks the running API, with the answers the project's own models give."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import joblib
import pandas as pd

from ..files import read_json
from ..results import Result


def plain(value: Any) -> Any:
    """A numpy or pandas scalar as the Python value JSON writes (None for a missing value)."""
    if pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value


def table_probe(model: Any, name: str, train: pd.DataFrame, features: list[str]) -> dict[str, Any]:
    """POST /predict of the first complete training row, and the model's prediction for it."""
    complete = train[features].dropna()
    row = (complete if len(complete) else train[features]).head(1)
    prediction = plain(model.predict(row)[0])
    return {
        "method": "POST",
        "path": "/predict",
        "body": {"model": name, "rows": [{column: plain(value) for column, value in row.iloc[0].items()}]},
        "expect": {"predictions": [prediction]},
    }


def recommendation_probe(model: Any, name: str, train: pd.DataFrame, result: Result) -> dict[str, Any]:
    """GET /recommend/<the busiest user>, and the items the model recommends them, best first."""
    user = train[result["columns"]["user"]].value_counts().index[0]
    found = model.recommend([user], result["k"])
    return {
        "method": "GET",
        "path": f"/recommend/{quote(str(user), safe='')}?model={name}&k={result['k']}",
        "body": None,
        "expect": {"items": [str(item) for item in found["item"]]},
    }


def probe(root: Path, best: Result) -> dict[str, Any]:
    """The question for the leaderboard's best model, asked of the files under `root` (the bundle)."""
    name = best["model"]
    model = joblib.load(root / "models" / f"{name}.joblib")
    if best["task"] == "recommendation":
        return recommendation_probe(model, name, pd.read_parquet(root / "data/processed/train.parquet"), best)
    features = read_json(root / "data/processed/features.json")["features"]
    train = pd.read_parquet(root / "data/processed/train.parquet", columns=features)
    return table_probe(model, name, train, features)
