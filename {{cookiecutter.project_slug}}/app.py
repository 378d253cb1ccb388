"""The demo: the leaderboard, the figures, and every model's answer side by side.

{%- if cookiecutter.task == 'recommendation' %}
Pick or type a user, see their history and each model's top k, filter the recommendations by
the item table's columns, and turn up "adventurousness" to re-rank KNN's list toward less
popular items.
{%- else %}
Every model's prediction for a row you enter (classification or regression).
{%- endif %}

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

{%- if cookiecutter.task == 'recommendation' %}

from {{ cookiecutter.module_name }}.demo_filters import passes, rerank, separators
from {{ cookiecutter.module_name }}.errors import StepError
from {{ cookiecutter.module_name }}.item_table import REASONS, item_names, read_items
from {{ cookiecutter.module_name }}.models.attributes import each_value
from {{ cookiecutter.module_name }}.recommend import find_user, history, with_details, with_reasons
from {{ cookiecutter.module_name }}.results import rank
from {{ cookiecutter.module_name }}.sources.local import read_files
{%- else %}

from {{ cookiecutter.module_name }}.results import rank
{%- endif %}

ROOT = Path(__file__).resolve().parent
METRICS = ROOT / "reports" / "metrics"
FIGURES = ROOT / "reports" / "figures"
LEADERBOARD = ROOT / "reports" / "leaderboard.md"
TRAIN = ROOT / "data" / "processed" / "train.parquet"
BUILD = "run `invoke all` (or `make`) in the project folder, then reload this page"
{%- if cookiecutter.task == 'recommendation' %}
# Adventurousness re-ranks this many times k of KNN's best (filtered) items: novel, yet still similar.
CANDIDATES_PER_SHOWN = 10
USERS_LISTED = 200  # the most active users, in the pick list; any other can be typed
MAX_FILTER_CHOICES = 50  # item columns with more distinct values (titles, ids) get no filter
{%- endif %}


def load_results() -> list[dict[str, Any]]:
    return [json.loads(path.read_text()) for path in sorted(METRICS.glob("*.json"))]


def missing_files(results: list[dict[str, Any]]) -> list[Path]:
    """What the app needs but the pipeline has not built (yet)."""
    needed = [LEADERBOARD, TRAIN] + [ROOT / "models" / f"{r['model']}.joblib" for r in results]
    return [path for path in needed if not path.is_file()]


def load_model(name: str) -> Any:
    return joblib.load(ROOT / "models" / f"{name}.joblib")


def show_leaderboard() -> None:
    """The leaderboard (it ends with the model to ship), its chart and each model's score against its cost."""
    st.markdown(LEADERBOARD.read_text())
    for name in ("leaderboard", "cost"):
        if (FIGURES / f"{name}.png").is_file():
            st.image(str(FIGURES / f"{name}.png"))


def show_model_figures(results: list[dict[str, Any]], heading: str) -> None:
    st.header(heading)
    for column, result in zip(st.columns(len(results)), results, strict=True):
        figure = FIGURES / f"{result['model']}.png"
        if figure.is_file():
            column.image(str(figure), caption=result["model"])



{%- if cookiecutter.task != 'recommendation' %}


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
        model = load_model(result["model"])
        prediction = model.predict(row)[0]
        shown = f"{prediction:.1f}" if result["task"] == "regression" else str(prediction)
        column.metric(result["model"], shown)


def table_page(results: list[dict[str, Any]]) -> None:
    """A form of the training columns; every model's prediction for the entered row."""
    target = results[0]["target"]
    st.title(f"Predicting {target}")
    show_leaderboard()
    st.header("Try a row")
    train = pd.read_parquet(TRAIN)
    row = feature_form(train.drop(columns=[target]))
    if row is not None:
        show_predictions(row, results)
    show_model_figures(results, "How each model errs on the test rows")
{%- else %}


def item_filters(items: pd.DataFrame, item: str, split: dict[str, str | None]) -> dict[str, Any]:
    """A multiselect per category column of the item table (of each value, for a multi-valued one),
    a range slider per number column."""
    chosen: dict[str, Any] = {}
    values = {column: each_value(items[column], split[column]) for column in split}
    columns = [c for c in split if values[c].nunique() <= MAX_FILTER_CHOICES]
    numbers = [c for c in split if pd.api.types.is_numeric_dtype(items[c])]
    for column in dict.fromkeys(columns + numbers):
        if column in numbers:
            low, high = values[column].min().item(), values[column].max().item()
            if low < high:
                chosen[column] = st.slider(column, low, high, (low, high), key=f"filter_{column}")
        else:
            options = sorted(values[column].unique().tolist(), key=str)
            chosen[column] = st.multiselect(column, options, key=f"filter_{column}", placeholder="any")
    return chosen


def chosen_user(train: pd.DataFrame, column: str) -> Any:
    """The user picked from the most active ones, or typed; None (with the reason shown) if unknown."""
    busiest = train[column].value_counts().index[:USERS_LISTED].tolist()
    picked = st.selectbox(f"Pick a {column}", busiest, key="user")
    typed = st.text_input(f"or type a {column} id", key="typed_user").strip()
    try:
        return find_user(train, column, typed) if typed else picked
    except StepError as error:
        st.error(str(error))
        return None


def recommendation_page(results: list[dict[str, Any]]) -> None:
    """A user's history and each model's top k side by side, filtered and (for KNN) re-ranked."""
    first = results[0]
    # [data] items is relative to the project's folder, where make runs; the app may run elsewhere
    settings = {"columns": first["columns"], "items": first["items"] and str(ROOT / first["items"])}
    user_column, item, k = first["columns"]["user"], first["columns"]["item"], first["k"]
    st.title(f"Recommending {item} to each {user_column}")
    show_leaderboard()
    train = pd.read_parquet(TRAIN)
    items = read_items(settings, read_files)
    split = separators(items, item, first.get("item_separator")) if items is not None else {}
    st.header("Try a user")
    user = chosen_user(train, user_column)
    if user is None:
        return
    with st.sidebar:
        st.header("Filter the recommendations")
        filters = item_filters(items, item, split) if items is not None else {}
        adventurousness = st.slider(
            "Adventurousness (knn)",
            min_value=0.0,
            max_value=1.0,
            value=0.0,
            step=0.1,
            key="adventurousness",
            help="0: KNN's own order; 1: the least popular of KNN's candidates first",
        )
    had = history(train, user, settings, items)
    st.subheader(f"{user_column} {user} had {len(had)} {item}s")
    st.dataframe(had, hide_index=True)
    novelty = 1.0 - train[item].value_counts().rank(pct=True)
    # the item table keyed like the recommendations (column "item"), whatever [data] item is called
    details = items.rename(columns={item: "item"}) if items is not None else None
    names = item_names(items, item)
    for column, result in zip(st.columns(len(results)), results, strict=True):
        # the user's whole ranking (one row of scores), so that k are left after any filter
        found = load_model(result["model"]).recommend([user], len(novelty), reasons=REASONS)
        # beside each pick, the user's items behind it ("because you had ...") or popularity's reason
        found = with_reasons(found, names)
        candidates = with_details(found.drop(columns=["user"]), details, "item")
        candidates = candidates[passes(candidates, filters, split)]
        if result["model"] == "knn":
            candidates = rerank(candidates.head(k * CANDIDATES_PER_SHOWN), novelty, adventurousness)
        shown = candidates.head(k).assign(rank=lambda top: range(1, len(top) + 1))
        column.subheader(result["model"])
        column.dataframe(shown.rename(columns={"item": item}), hide_index=True)
    show_model_figures(results, "Ranking metrics, coverage and popularity of each model")
{%- endif %}


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
    {{ 'recommendation_page' if cookiecutter.task == 'recommendation' else 'table_page' }}(results)


main()
