"""The popularity rules on a real-shaped log: chosen on validation, multi-valued genres, reasons."""

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.module_name }}.curves import validation_curve
from {{ cookiecutter.module_name }}.errors import StepError
from {{ cookiecutter.module_name }}.models import popularity
from {{ cookiecutter.module_name }}.models.attributes import each_value, separator_of
from {{ cookiecutter.module_name }}.tasks.interaction_columns import Columns
from {{ cookiecutter.module_name }}.tasks.interaction_log import split_users

TIMED = Columns("user", "item", "rating", "time")
YEAR = 365 * 86400
GENRES = ["Action", "Adventure", "Animation", "Children", "Comedy"]
GENRES += ["Crime", "Drama", "Fantasy", "Horror", "Romance"]


def long_log(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """22 years of ratings by 300 users of 150 movies whose genres are written "Adventure|Animation";
    each user mostly watches a favourite genre, and the last year holds a handful of users only."""
    rng = np.random.default_rng(seed)
    item_genres = [rng.choice(GENRES, rng.integers(1, 4), replace=False) for _ in range(150)]
    items = pd.DataFrame(
        {
            "item": [f"m{i:03d}" for i in range(150)],
            "title": [f"Movie {i}" for i in range(150)],
            "genres": ["|".join(g) for g in item_genres],
        }
    )
    appeal = rng.pareto(1.5, 150) + 0.1
    rows = []
    for user in range(300):
        favourite = rng.choice(GENRES)
        weight = appeal * np.array([4.0 if favourite in g else 1.0 for g in item_genres])
        seen = rng.choice(150, rng.integers(8, 30), replace=False, p=weight / weight.sum())
        # 290 users rate during the first 21 years, 10 in the last one (on obscure films)
        start = 21 * YEAR + rng.integers(0, YEAR) if user >= 290 else rng.integers(0, 21 * YEAR)
        if user >= 290:
            seen = rng.choice(np.argsort(appeal)[:40], 10, replace=False)
        rows += [(f"u{user}", items["item"][s], 4.0, int(start + n * 3600)) for n, s in enumerate(seen)]
    return pd.DataFrame(rows, columns=["user", "item", "rating", "time"]), items


def fitted(train: pd.DataFrame, items: pd.DataFrame, **params) -> popularity.Popularity:
    return popularity.build("recommendation", 0, **params).fit(train, TIMED, items, k=10, holdout="random")


def test_on_validation_the_chosen_rule_is_never_worse_than_plain_popularity():
    """Every rule tried is scored on validation; the one chosen scores at least plain all-time popularity."""
    log, items = long_log()
    model = fitted(log, items, window_days=[365], segment="genres")
    tried = model.validation_ndcg_
    assert set(tried) == {(None, None), (None, "genres"), (365, None), (365, "genres")}
    assert tried[(model.window_, model.segment_)] == max(tried.values()) >= tried[(None, None)]


def test_a_log_without_times_tries_no_window():
    """Without a [data] time column a window counts all time again: only the segment is tried, and the
    description lists no window (a play-count log has no times)."""
    log, items = long_log()
    untimed = popularity.build("recommendation", 0, window_days=[90, 365], segment="genres")
    model = untimed.fit(
        log.drop(columns="time"), Columns("user", "item", "rating"), items, k=10, holdout="random"
    )
    assert set(model.validation_ndcg_) == {(None, None), (None, "genres")}
    assert "days" not in model.describe()


def test_rules_chosen_over_two_settings_have_no_single_validation_curve():
    """Window and segment are two parameters: no one curve reads them, so none is kept or drawn
    (item-KNN's neighbour counts are one, and have theirs)."""
    log, items = long_log()
    assert validation_curve(fitted(log, items, window_days=[365], segment="genres")) is None


def test_a_last_year_with_few_users_is_not_chosen_as_the_window():
    """The last 365 days of a 22-year log hold 10 of 300 users: the rules count over all time instead,
    and say what they tried."""
    log, items = long_log()
    model = fitted(log, items, window_days=[365], segment="genres")
    assert model.window_ is None
    assert "chosen by NDCG@10 on a validation split of the training data (all time: " in model.describe()
    assert "365 days by genres: " in model.describe()


def test_pipe_joined_genres_are_split_into_their_values_for_segments():
    """ "Adventure|Animation" puts a movie in both genres: the segments are the 10 genres, not every
    combination written in the table."""
    log, items = long_log()
    model = fitted(log, items, segment="genres", validate=False)
    assert sorted(model.segment_names_) == sorted(GENRES)
    assert items["genres"].nunique() > 50


def test_a_configured_separator_splits_any_column():
    """`[data] item_separator` (here ";") splits a column that "|" detection would not."""
    values = pd.Series(["a;b", "c", "b"])
    assert separator_of(values) is None and separator_of(values, ";") == ";"
    assert each_value(values, ";").tolist() == ["a", "b", "c", "b"]


def test_the_rules_are_better_than_plain_popularity_on_the_test_users_of_a_long_log():
    """On held-out interactions, the chosen rule scores at least 0.9 x plain popularity's ndcg@10 (it is
    chosen on another split, so it may differ a little), far above the last-year window."""
    from {{ cookiecutter.module_name }}.tasks.ranking import metrics_at_k

    log, items = long_log()
    train, test = split_users(log, TIMED, 0.2, "random", seed=1)

    def ndcg(model: popularity.Popularity) -> float:
        top = model.recommend(test["user"].unique(), 10)
        return metrics_at_k(top, test, train, TIMED, 10)["ndcg_at_k"]

    chosen = ndcg(fitted(train, items, window_days=[365], segment="genres"))
    plain = ndcg(fitted(train, items))
    last_year = ndcg(fitted(train, items, window_days=365, segment="genres", validate=False))
    assert chosen >= 0.9 * plain and chosen > last_year


def test_a_segment_missing_from_the_item_table_lists_its_columns():
    """The error names the columns the item table has (names only), so the right one can be set."""
    log, items = long_log()
    with pytest.raises(StepError, match=r"with columns 'item' and 'genre'; it has: item, title, genres"):
        fitted(log, items, segment="genre")


def test_each_recommendation_comes_with_its_reason():
    """recommend(..., reasons=...)'s `reason`: "popular in <genre> over <window>" for an item of the user's
    favourite genre, "popular over <window>" for the rest."""
    log, items = long_log()
    model = fitted(log, items, segment="genres", validate=False)
    user = log["user"].iloc[0]
    reasons = model.recommend([user], 10, reasons=3)["reason"].tolist()
    favourite = model.segment_names_[model.user_segments_[model.interactions_.rows_of([user])[0]]]
    assert reasons[0] == f"popular in {favourite} over all time"
    assert all(reason.startswith(("popular in ", "popular over all time")) for reason in reasons)
