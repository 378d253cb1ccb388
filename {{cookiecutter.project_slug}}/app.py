"""The demo: the leaderboard, the figures, and every model's prediction for a row you enter.

`invoke demo` (or `make demo`) builds what is missing and starts it. Everything
shown is read at run time from what the pipeline built: reports/, models/ and
the training rows in data/processed/ (their columns make the form).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import joblib
import pandas as pd
import streamlit as st

from {{ cookiecutter.module_name }}.results import rank

ROOT = Path(__file__).resolve().parent
METRICS = ROOT / "reports" / "metrics"
FIGURES = ROOT / "reports" / "figures"
LEADERBOARD = ROOT / "reports" / "leaderboard.md"
TRAIN = ROOT / "data" / "processed" / "train.parquet"
BUILD = "run `invoke all` (or `make`) in the project folder, then reload this page"


def load_results() -> list[dict[str, Any]]:
    return [json.loads(path.read_text()) for path in sorted(METRICS.glob("*.json"))]


def missing_files(results: list[dict[str, Any]]) -> list[Path]:
    """What the app needs but the pipeline has not built (yet)."""
    needed = [LEADERBOARD, TRAIN] + [ROOT / "models" / f"{r['model']}.joblib" for r in results]
    return [path for path in needed if not path.is_file()]


def number_input(column: str, values: pd.Series) -> Any:
    """A number box over the training range, starting at the median."""
    if pd.api.types.is_integer_dtype(values):
        low, high, start = int(values.min()), int(values.max()), int(values.median())
        return st.number_input(column, min_value=low, max_value=high, value=start, step=1, key=column)
    low, high = float(values.min()), float(values.max())
    return st.number_input(column, min_value=low, max_value=high, value=float(values.median()), key=column)


def feature_form(features: pd.DataFrame) -> pd.DataFrame | None:
    """One input per feature (numbers within the training range, categories as a dropdown).

    Returns the entered row, typed like the training rows, once the form is submitted.
    """
    with st.form("row"):
        entered = {}
        for column in features.columns:
            values = features[column]
            if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
                entered[column] = number_input(column, values)
            else:
                options = values.value_counts().index.tolist()  # most common first
                entered[column] = st.selectbox(column, options, key=column)
        submitted = st.form_submit_button("Predict")
    if not submitted:
        return None
    return pd.DataFrame([entered]).astype(features.dtypes.to_dict())


def show_predictions(row: pd.DataFrame, results: list[dict[str, Any]]) -> None:
    """Every model's prediction for `row`, side by side, in leaderboard order."""
    for column, result in zip(st.columns(len(results)), results, strict=True):
        model = joblib.load(ROOT / "models" / f"{result['model']}.joblib")
        prediction = model.predict(row)[0]
        shown = f"{prediction:.1f}" if result["task"] == "regression" else str(prediction)
        column.metric(result["model"], shown)


def main() -> None:
    st.set_page_config(page_title="Demo", layout="wide")
    results = load_results()
    if not results:
        st.error(f"No trained models yet: {BUILD}.")
        st.stop()
    missing = missing_files(results)
    if missing:
        names = ", ".join(str(path.relative_to(ROOT)) for path in missing)
        st.error(f"Missing {names}: {BUILD}.")
        st.stop()
    results = rank(results)
    target = results[0]["target"]

    st.title(f"Predicting {target}")
    st.markdown(LEADERBOARD.read_text())
    if (FIGURES / "leaderboard.png").is_file():
        st.image(str(FIGURES / "leaderboard.png"))

    st.header("Try a row")
    train = pd.read_parquet(TRAIN)
    row = feature_form(train.drop(columns=[target]))
    if row is not None:
        show_predictions(row, results)

    st.header("How each model errs on the test rows")
    for column, result in zip(st.columns(len(results)), results, strict=True):
        figure = FIGURES / f"{result['model']}.png"
        if figure.is_file():
            column.image(str(figure), caption=result["model"])


main()
