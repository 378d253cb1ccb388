"""Recommendation cleanup, settings and models on hand-made interaction logs (every project has the code)."""

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.module_name }} import clean
from {{ cookiecutter.module_name }}.curves import validation_curve
from {{ cookiecutter.module_name }}.errors import StepError
from {{ cookiecutter.module_name }}.learning import pinned, scored_test
from {{ cookiecutter.module_name }}.models import item_knn, popularity, random_items
from {{ cookiecutter.module_name }}.tasks import interaction_log, ranking
from {{ cookiecutter.module_name }}.tasks import recommendation as task
from {{ cookiecutter.module_name }}.tasks.interaction_columns import Columns

TIMED = Columns("user", "item", "rating", "time")


def log(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["user", "item", "rating", "time"])


def catalogue(users: int = 12, items: int = 40, seed: int = 0) -> pd.DataFrame:
    """Each user had 5 random items of `items`."""
    rng = np.random.default_rng(seed)
    rows = [(f"u{u}", f"i{i}", 1.0, 0) for u in range(users) for i in rng.choice(items, 5, replace=False)]
    return log(rows)


def lists(model, users: list[str], k: int) -> dict[str, list[str]]:
    found = model.recommend(users, k)
    return {user: list(found[found["user"] == user].sort_values("rank")["item"]) for user in users}


def test_the_random_recommender_is_reproducible_and_uses_its_seed():
    """The same seed recommends the same items; another seed other items."""
    train, users = catalogue(), [f"u{u}" for u in range(12)]
    first = lists(random_items.build("recommendation", 1).fit(train, TIMED), users, 5)
    assert lists(random_items.build("recommendation", 1).fit(train, TIMED), users, 5) == first
    assert lists(random_items.build("recommendation", 2).fit(train, TIMED), users, 5) != first


def test_random_recommendations_are_unseen_distinct_and_spread_over_the_catalogue():
    """k distinct items per user, none already had, and not the same few items for everyone."""
    train, users = catalogue(), [f"u{u}" for u in range(12)]
    found = lists(random_items.build("recommendation", 0).fit(train, TIMED), users, 5)
    for user, items in found.items():
        assert len(set(items)) == 5
        assert not set(items) & set(train.loc[train["user"] == user, "item"])
    assert len({item for items in found.values() for item in items}) > 20


def test_every_item_is_some_users_random_top_pick():
    """The baseline draws from the whole catalogue: of 100 items, each is first for one of 2,000 users."""
    users = [f"u{u}" for u in range(2000)]
    train = log([(user, f"i{n % 100}", 1.0, 0) for n, user in enumerate(users)])
    top = random_items.build("recommendation", 0).fit(train, TIMED).recommend(users, 1)
    assert top["item"].nunique() == 100


def test_repeats_keep_the_latest_rating_by_time_whatever_the_file_order():
    """rating_kind = "rating": a user who re-rated an item is judged by the newest rating."""
    frame = log([("a", "x", 5.0, 30), ("a", "x", 1.0, 10), ("a", "y", 3.0, 20), ("b", "x", 2.0, 5)])
    collapsed = interaction_log.collapse_duplicates(frame, TIMED, "rating")
    assert collapsed.to_dict("list") == {
        "user": ["a", "a", "b"],
        "item": ["x", "y", "x"],
        "rating": [5.0, 3.0, 2.0],
        "time": [30, 20, 5],
    }


def test_repeats_of_a_count_are_summed():
    """rating_kind = "count": three plays of one song are one row with 3 plays."""
    frame = log([("a", "x", 1.0, 1), ("a", "x", 2.0, 2), ("b", "x", 4.0, 3)])
    collapsed = interaction_log.collapse_duplicates(frame, TIMED, "count")
    assert list(collapsed["rating"]) == [3.0, 4.0]


def test_an_unknown_rating_kind_is_a_clear_error():
    with pytest.raises(StepError, match=r'\[data\] rating_kind must be "rating" or "count"'):
        interaction_log.collapse_duplicates(log([("a", "x", 1.0, 1)]), TIMED, "plays")


def test_spreadsheet_times_are_read_month_first_or_day_first_as_their_values_show():
    """A US export (`12/13/2010 9:00`) and a UK one (`13/12/2010 09:00`, its first day ambiguous) are the same
    times: the UK log is not "values that are not times"."""
    us = pd.Series(["12/1/2010 8:26", "12/13/2010 9:00"], name="InvoiceDate")
    uk = pd.Series(["01/12/2010 08:26", "13/12/2010 09:00"], name="InvoiceDate")
    iso = pd.Series(["2010-12-01 08:26", "2010-12-13 09:00"], name="InvoiceDate")
    assert interaction_log.as_seconds(us).tolist() == interaction_log.as_seconds(uk).tolist()
    assert interaction_log.as_seconds(uk).tolist() == interaction_log.as_seconds(iso).tolist()


def test_a_time_column_that_holds_no_times_is_a_clear_error_that_never_echoes_a_value():
    """The error names the column and the setting to fix, never the value it could not read."""
    times = pd.Series(["2026-11-21", "secret-token-42"], name="time")
    with pytest.raises(StepError, match=r"time column 'time' holds values that are not times") as caught:
        interaction_log.as_seconds(times)
    assert "secret-token-42" not in str(caught.value)


def cleanup_settings(rating_kind: str) -> dict:
    columns = {"user": "user", "item": "item", "rating": "rating", "time": "time"}
    return {"task": "recommendation", "columns": columns, "rating_kind": rating_kind}


DROPPED = "drop interactions whose rating is missing or sums to 0 or less (returns, cancellations)"
KINDS = [
    ("rating", [("collapse repeated interactions, keeping the latest", 1)], [("a", "x"), ("b", "y")]),
    ("count", [("collapse repeated interactions, summing the counts", 1), (DROPPED, 1)], [("a", "x")]),
]


@pytest.mark.parametrize(("rating_kind", "steps", "kept"), KINDS)
def test_cleanup_reports_each_step_and_what_it_removed(rating_kind, steps, kept):
    """Rows without an id go first, then the repeats, each step counted; a missing rating is kept, a
    missing count is no interaction."""
    frame = log(
        [
            ("a", "x", 1.0, 1),
            ("a", "x", 2.0, 2),
            (None, "y", 1.0, 3),
            ("b", None, 1.0, 4),
            ("b", "y", None, 5),
        ]
    )
    cleaned, report = clean.clean(frame, cleanup_settings(rating_kind))
    removed = [(step.name, step.rows_removed) for step in report[1:]]
    assert removed == [("drop rows with no user or item", 2), *steps]
    assert sorted(zip(cleaned["user"], cleaned["item"], strict=True)) == kept


def test_a_log_with_a_single_user_is_a_clear_error():
    with pytest.raises(StepError, match=r"the interactions have 1 distinct user value\(s\) after cleanup"):
        task.check(log([("a", "x", 1.0, 1), ("a", "y", 1.0, 2)]), cleanup_settings("rating"))


def test_a_named_column_missing_from_the_log_names_the_setting_and_the_columns():
    frame = log([("a", "x", 1.0, 1)]).drop(columns=["time"])
    with pytest.raises(
        StepError,
        match=r"\[data\] time = 'time' is not a column of the interactions; "
        r"its columns are: user, item, rating",
    ):
        interaction_log.drop_missing_ids(frame, TIMED)


def test_the_split_reads_the_features_settings_and_keeps_every_column():
    """test_size, holdout, min_interactions and seed reach the per-user split."""
    frame = catalogue(users=6)
    settings = {
        "columns": {"user": "user", "item": "item", "rating": "rating", "time": "time"},
        "test_size": 0.4,
        "holdout": "random",
        "min_interactions": 2,
        "seed": 3,
    }
    train, test, features = task.split(frame, settings)
    expected = interaction_log.split_users(frame, TIMED, 0.4, "random", 2, 3)[1]
    assert test.index.equals(expected.index) and len(test) == 6 * 2
    assert features == {"features": ["user", "item", "rating", "time"], "removed": {}}
    assert not task.split(frame, {**settings, "seed": 4})[1].index.equals(test.index)


def test_evaluate_scores_each_test_users_top_k():
    """The predictions are each test user's top k; the metrics file says k and what the metric means."""
    frame = catalogue(users=8)
    train, test = interaction_log.split_users(frame, TIMED, 0.4, seed=0)
    model = popularity.build("recommendation", 0).fit(train, TIMED, k=3)
    columns = {"user": "user", "item": "item", "rating": "rating", "time": "time"}
    settings = {"columns": columns, "k": 3, "seed": 0}
    top, fields = task.evaluate(model, train, test, settings)
    assert top["rank"].max() == 3 and top.groupby("user").size().eq(3).all()
    assert fields["k"] == 3 and fields["n_test"] == test["user"].nunique() and fields["test_unit"] == "users"
    assert fields["goal"] == "recommending item to each user"
    assert fields["metric_meaning"].startswith("how near the top of each user's 3 recommendations")
    expected = ranking.metrics_at_k(top, test, train, TIMED, 3)
    assert fields["metrics"] == {name: round(value, 6) for name, value in expected.items()}
    assert len(fields["curves"]["ndcg_at_k"]) == 6


def test_every_recommender_metric_but_coverage_has_an_interval_from_resampled_users():
    """Test users are resampled; coverage has none (a resample of fewer distinct users covers fewer items)."""
    frame = catalogue(users=30)
    train, test = interaction_log.split_users(frame, TIMED, 0.4, seed=0)
    model = popularity.build("recommendation", 0).fit(train, TIMED, k=3)
    columns = {"user": "user", "item": "item", "rating": "rating", "time": "time"}
    fields = task.evaluate(model, train, test, {"columns": columns, "k": 3, "seed": 0})[1]
    assert set(fields["intervals"]) == set(fields["metrics"]) - {"coverage"}
    assert fields["bootstrap"]["units"] == fields["n_test"] == 30
    for name, (low, high) in fields["intervals"].items():
        assert low <= fields["metrics"][name] <= high, name


def test_item_knn_describes_what_it_compares_and_how_it_chose():
    """The line `invoke knn` prints: item or user KNN, the neighbours kept, the shrinkage, the grid tried;
    the scores of the grid are its validation curve."""
    train = catalogue(users=30, items=20)
    model = item_knn.build("recommendation", 0, neighbors=[2, 4], shrinkage=5.0, validation_users=10)
    text = model.fit(train, TIMED, k=3).describe()
    assert text.startswith("item-item KNN: cosine similarity between items (people who had your items also")
    assert ", shrinkage 5; chosen by NDCG@3 on a validation split of the training data (2 candidate " in text
    assert "4 history (shrinkage 5): " in text
    curve = validation_curve(model)  # the neighbour counts at the chosen shrinkage and direction
    assert curve["values"] == [2, 4] and curve["chosen"] in (2, 4) and curve["train"] is None
    users = item_knn.build("recommendation", 0, neighbors=3, kind="user", shrinkage=0, direction="candidate")
    users = users.fit(train, TIMED).describe()
    assert users == (
        "user-user KNN: cosine similarity between users, 3 nearest neighbours kept; "
        "a score sums the user's neighbours who had the candidate"
    )


def test_popularity_says_how_it_counts():
    """Without a time column the window is said to be unused; a segment is named."""
    train = catalogue().drop(columns=["time"])
    plain = Columns("user", "item", "rating")
    fixed = popularity.build("recommendation", 0, window_days=30, validate=False)
    described = fixed.fit(train, plain).describe()
    assert described == (
        "recommend the items most often had, counted by users who had them "
        "(no [data] time column, so window_days is not used), that the user has not had yet"
    )
    assert popularity.build("recommendation", 0).fit(train, plain).describe() == (
        "recommend the items most often had, counted by users who had them, that the user has not had yet"
    )


def test_a_learning_curve_share_trains_with_what_the_saved_recommender_chose():
    """The learning step validates no grid again on each share: item-KNN keeps the saved model's neighbours,
    shrinkage and direction, popularity its window and segment."""
    train, share = catalogue(users=30, items=20), slice(0, 80)
    grid = {"neighbors": [2, 4], "shrinkage": [0.0, 5.0], "validation_users": 10}
    saved = item_knn.build("recommendation", 0, **grid).fit(train, TIMED, k=3)
    params = pinned({"params": grid}, saved)
    again = item_knn.build("recommendation", 0, **params).fit(train.iloc[share], TIMED, k=3)
    chosen = (saved.neighbors_, saved.shrinkage_, saved.direction_)
    assert (again.neighbors_, again.shrinkage_, again.direction_) == chosen and again.validation_ndcg_ == {}
    windows = {"window_days": [30, 365]}
    saved = popularity.build("recommendation", 0, **windows).fit(train, TIMED)
    params = pinned({"params": windows}, saved)
    again = popularity.build("recommendation", 0, **params).fit(train.iloc[share], TIMED)
    assert (again.window_, again.segment_) == (saved.window_, saved.segment_) and again.validation_ndcg_ == {}


def test_fitting_on_a_log_without_a_named_column_names_it():
    with pytest.raises(StepError, match=r"column 'time' is not in the interactions; check \[data\]"):
        popularity.build("recommendation", 0).fit(catalogue().drop(columns=["time"]), TIMED)


def test_recommending_to_no_user_gives_an_empty_table_with_the_usual_columns():
    model = popularity.build("recommendation", 0).fit(catalogue(), TIMED)
    found = model.recommend([], 3)
    assert list(found.columns) == ["user", "item", "rank", "score"] and found.empty


def test_no_recommendation_has_no_popularity():
    """An empty list scores 0, not the blockbusters' 1."""
    assert ranking.popularity_percentile(pd.Series([], dtype=object), catalogue()["item"]) == 0.0


def test_popularity_first_recommends_the_users_favourite_segment_whichever_it_is():
    """A user who had a drama gets the other drama before the more popular comedies (drama is the first
    segment of the item table: its code is 0)."""
    comedies = [(f"x{n}", item, 1.0, 0) for n in range(5) for item in ("b1", "b2", "b3")]
    train = log([*comedies, ("u", "a1", 1.0, 0), ("x0", "a2", 1.0, 0)])
    items = pd.DataFrame({"item": ["a1", "a2", "b1", "b2", "b3"], "genre": ["drama"] * 2 + ["comedy"] * 3})
    model = popularity.build("recommendation", 0, segment="genre", validate=False).fit(train, TIMED, items)
    assert lists(model, ["u"], 1) == {"u": ["a2"]}
    plain = popularity.build("recommendation", 0).fit(train, TIMED)
    assert lists(plain, ["u"], 1)["u"][0] in {"b1", "b2", "b3"}


def test_a_recommenders_curve_scores_whole_users_it_has_seen_even_at_10_percent():
    """A recommender cannot recommend to a user it never saw: every point scores the same users, those
    of the smallest share, with all their held-out rows."""
    test = pd.DataFrame({"user": ["a", "a", "b", "c"], "item": ["x", "y", "x", "z"]})
    smallest = pd.DataFrame({"user": ["a", "c"], "item": ["w", "w"]})
    scored = scored_test(test, smallest, {"columns": {"user": "user", "item": "item"}}, seed=0)
    assert scored.to_dict("list") == {"user": ["a", "a", "c"], "item": ["x", "y", "z"]}
