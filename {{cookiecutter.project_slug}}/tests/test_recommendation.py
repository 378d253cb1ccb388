"""The recommendation task: cleanup, the per-user split, ranking metrics and the three recommenders."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.metrics import ndcg_score

from {{ cookiecutter.module_name }}.errors import StepError
from {{ cookiecutter.module_name }}.item_table import read_items
from {{ cookiecutter.module_name }}.models import item_knn, popularity, selection
from {{ cookiecutter.module_name }}.models.interactions import Interactions
from {{ cookiecutter.module_name }}.models.selection import top_k
from {{ cookiecutter.module_name }}.sources.local import read_files
from {{ cookiecutter.module_name }}.tasks import interaction_columns, interaction_log, ranking
from {{ cookiecutter.module_name }}.tasks import recommendation as task
from {{ cookiecutter.module_name }}.tasks.interaction_columns import Columns

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
COLUMNS = Columns("user", "item", "rating", "timestamp")
PLAIN = Columns("user", "item")
K = 10
TASK = "recommendation"


def interactions(pairs: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=["user", "item"])


def recommendations(lists: dict[str, list[str]]) -> pd.DataFrame:
    rows = [(user, item, rank) for user, items in lists.items() for rank, item in enumerate(items, 1)]
    return pd.DataFrame(rows, columns=["user", "item", "rank"])


def random_log(seed: int, users: int = 30, items: int = 25, density: float = 0.2) -> pd.DataFrame:
    """A small random log with distinct real-valued ratings (no ties between scores)."""
    rng = np.random.default_rng(seed)
    had = rng.random((users, items)) < density
    had[:, 0] |= ~had.any(axis=1)  # everyone had something
    rows, columns = np.nonzero(had)
    return pd.DataFrame(
        {
            "user": [f"u{r:02d}" for r in rows],
            "item": [f"m{c:02d}" for c in columns],
            "rating": rng.uniform(1, 5, len(rows)),
        }
    )


# -- metrics ------------------------------------------------------------------------------------

# User a held out x, y, z and got [x, q, y, w]: hits at ranks 1 and 3. User b held out p and got
# nothing right. By hand, at k = 4:
#   precision: a 2/4, b 0          recall: a 2/3, b 0          hit rate: a 1, b 0
#   ndcg: a (1 + 1/log2 4) / (1 + 1/log2 3 + 1/log2 4) = 1.5 / 2.1309298, b 0
#   map: a (1/1 + 2/3) / min(4, 3) = 5/9, b 0
HAND_TEST = interactions([("a", "x"), ("a", "y"), ("a", "z"), ("b", "p")])
HAND_TRAIN = interactions([("a", "t"), ("b", "t"), ("b", "x"), ("a", "q"), ("c", "w")])
HAND_LISTS = recommendations({"a": ["x", "q", "y", "w"], "b": ["a1", "a2", "a3", "a4"]})


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        ("precision_at_k", (2 / 4) / 2),
        ("recall_at_k", (2 / 3) / 2),
        ("ndcg_at_k", (1.5 / (1 + 1 / np.log2(3) + 0.5)) / 2),
        ("map_at_k", (5 / 9) / 2),
        ("hit_rate_at_k", 1 / 2),
    ],
)
def test_each_metric_matches_its_hand_computed_value(metric, expected):
    """Every ranking metric is the mean over scored users of the definition in the task's docstring."""
    scores = ranking.metrics_at_k(HAND_LISTS, HAND_TEST, HAND_TRAIN, PLAIN, 4)
    assert scores[metric] == pytest.approx(expected)


def test_recall_divides_by_all_held_out_items():
    """recall@k = hits / |held out|, even when more items were held out than k (so it stays below 1)."""
    held_out = [("a", f"i{n}") for n in range(15)]
    found_ten = recommendations({"a": [f"i{n}" for n in range(10)]})
    scores = ranking.metrics_at_k(found_ten, interactions(held_out), interactions([("a", "t")]), PLAIN, 10)
    assert scores["recall_at_k"] == pytest.approx(10 / 15)
    assert scores["map_at_k"] == pytest.approx(1.0)  # map divides by min(k, |R|): a perfect list scores 1


def test_metrics_use_only_the_first_k_recommendations():
    """A hit beyond rank k does not count."""
    lists = recommendations({"a": ["q", "w", "x"]})
    scores = ranking.metrics_at_k(lists, interactions([("a", "x")]), interactions([("a", "t")]), PLAIN, 2)
    assert scores["hit_rate_at_k"] == 0


def test_coverage_is_the_share_of_training_items_in_anyones_top_k():
    """coverage = distinct recommended items / distinct training items."""
    train = interactions([("a", "t"), ("b", "u"), ("c", "v"), ("c", "w")])
    lists = recommendations({"a": ["u", "v"], "b": ["v", "t"]})
    test = interactions([("a", "u"), ("b", "t")])
    assert ranking.metrics_at_k(lists, test, train, PLAIN, 2)["coverage"] == pytest.approx(3 / 4)


def test_popularity_percentile_is_near_one_for_blockbusters_only():
    """Recommending only the most-had item scores 1; the least-had one scores its percentile."""
    train = interactions(
        [("a", "hit"), ("b", "hit"), ("c", "hit"), ("a", "mid"), ("b", "mid"), ("c", "rare")]
    )
    test = interactions([("d", "hit")])
    blockbuster = ranking.metrics_at_k(recommendations({"d": ["hit"]}), test, train, PLAIN, 1)
    niche = ranking.metrics_at_k(recommendations({"d": ["rare"]}), test, train, PLAIN, 1)
    assert blockbuster["popularity_percentile"] == pytest.approx(1.0)
    assert niche["popularity_percentile"] == pytest.approx(1 / 3)


def test_ndcg_agrees_with_scikit_learn_on_random_instances():
    """Our ndcg@k equals sklearn.metrics.ndcg_score on random binary relevance and distinct scores."""
    rng = np.random.default_rng(0)
    for _ in range(40):
        users, items, k = rng.integers(1, 6), rng.integers(3, 30), rng.integers(1, 12)
        relevance = rng.random((users, items)) < rng.uniform(0.05, 0.5)
        relevance[np.arange(users), rng.integers(0, items, users)] = True  # every user is scored
        scores = rng.random((users, items))
        best = np.argsort(-scores, axis=1)[:, :k]
        lists = recommendations({f"u{u}": [f"i{i}" for i in best[u]] for u in range(users)})
        test = interactions([(f"u{u}", f"i{i}") for u, i in zip(*np.nonzero(relevance), strict=True)])
        ours = ranking.metrics_at_k(lists, test, interactions([]), PLAIN, int(k))["ndcg_at_k"]
        assert ours == pytest.approx(ndcg_score(relevance, scores, k=int(k)))


def test_a_held_out_item_also_seen_in_training_is_never_counted():
    """Held-out interactions that repeat a training one are neither relevant nor hits."""
    train = interactions([("a", "x")])
    test = interactions([("a", "x"), ("a", "y")])
    scores = ranking.metrics_at_k(recommendations({"a": ["x", "y"]}), test, train, PLAIN, 2)
    assert scores["precision_at_k"] == pytest.approx(1 / 2)  # y only
    assert scores["recall_at_k"] == pytest.approx(1.0)  # of the one unseen held-out item


@pytest.mark.parametrize(
    ("ids", "absent"),
    [(["u1", "u2", "u3"], "u9"), ([7, 8, 9], 99), (["u1", 2, 3.5], "u9")],
    ids=["text", "numbers", "mixed"],
)
def test_ids_are_found_in_their_place_whatever_their_type(ids, absent):
    """Text ids (looked up by Arrow), numbers and mixed types (pandas): each id's place, -1 for an unknown."""
    index = pd.Index(ids[::-1])
    found = interaction_columns.positions(index, pd.Series([*ids, absent, ids[0]]))
    assert found.tolist() == [2, 1, 0, -1, 2]


def test_text_and_number_ids_are_looked_up_by_arrow_not_pandas(monkeypatch):
    """The fast path: pandas would make a Python object of each id (1 s and 0.5 GB more at 8M ids)."""

    def refuse(*args, **kwargs):
        raise AssertionError("pandas looked the ids up")

    monkeypatch.setattr(pd.Index, "get_indexer", refuse)
    text = interaction_columns.positions(pd.Index(["c", "b", "a"]), pd.Series(["a", "b", "c", "z"]))
    numbers = interaction_columns.positions(pd.Index([9, 8, 7]), pd.Series([7, 8, 9, 99]))
    assert text.tolist() == numbers.tolist() == [2, 1, 0, -1]


def test_ids_held_as_categories_are_found_too():
    """Categorical ids (kept as categories by a Parquet file): each one's place, as for plain ids."""
    index = pd.Index(pd.Categorical(["c", "b", "a"]))
    found = interaction_columns.positions(index, pd.Series(pd.Categorical(["a", "b", "c", "z", "a"])))
    assert found.tolist() == [2, 1, 0, -1, 2]


def test_nothing_held_out_to_score_says_which_settings_to_check():
    """When every held-out interaction was already seen in training, the error points at [features]."""
    train = interactions([("a", "x")])
    message = r"no user has held-out interactions to score: check the split settings in \[features\]"
    with pytest.raises(StepError, match=message):
        ranking.metrics_at_k(recommendations({"a": ["y"]}), interactions([("a", "x")]), train, PLAIN, 1)


def test_a_missing_item_table_names_the_items_setting(tmp_path):
    """[data] items is read like a source; when it cannot be, the error says it was the item table."""
    missing = str(tmp_path / "movies.csv")
    with pytest.raises(StepError, match=r"^\[data\] items: "):
        read_items({"items": missing}, read_files)


@pytest.mark.parametrize(
    "table",
    [
        {"item": ["m0001", "m0002"], "title": ["One", "Two"]},  # the sample's ids, not this log's
        {"movieId": ["x", "y"], "title": ["Ex", "Why"]},  # no column named as the log's items
    ],
)
def test_an_item_table_of_another_log_stops_training_and_says_how_to_mend_it(tmp_path, table):
    """The sample's item table, left in [data] items once `source` points at another log, would give every
    segment, filter and title nothing: training stops and says to point it at this log's table, or remove
    it."""
    path = tmp_path / "movies.csv"
    pd.DataFrame(table).to_csv(path, index=False)
    settings = {"columns": {"user": "user", "item": "item", "rating": None, "time": None}, "items": str(path)}
    model = popularity.build(TASK, 0, validate=False)
    mend = r": point \[data\] items at this log's item table, or remove it$"
    with pytest.raises(StepError, match=r"^\[data\] items.*" + mend):
        task.fit(model, interactions([("a", "x"), ("b", "y")]), {**settings, "k": 1, "holdout": "random"})


def test_whole_number_ids_that_a_missing_id_made_floats_are_integers_again_after_cleanup():
    """Read with a missing id, a column of whole-number ids is floats (276725.0); once cleanup drops the rows
    without an id, they are the integers the source wrote, and other ids are left as they are."""
    frame = pd.DataFrame({"user": [276725.0, None, 7.0], "item": [1.5, 2.5, 3.5], "rating": [1.0, 2.0, 3.0]})
    kept = interaction_log.drop_missing_ids(frame, Columns("user", "item", "rating"))
    assert kept["user"].tolist() == [276725, 7] and kept["user"].dtype == "int64"
    assert kept["item"].tolist() == [1.5, 3.5] and kept["rating"].dtype == "float64"


def test_holding_out_the_last_interactions_without_a_time_column_says_what_to_set():
    with pytest.raises(StepError, match=r'\[features\] holdout = "last" needs \[data\] time'):
        interaction_log.split_users(interactions([("a", "x"), ("a", "y")]), PLAIN, holdout="last")


# -- cleanup ------------------------------------------------------------------------------------


def test_rows_without_a_user_or_item_are_dropped():
    """Only rows naming both a user and an item are kept."""
    frame = pd.DataFrame({"user": ["a", None, "b"], "item": ["x", "y", None]})
    assert interaction_log.drop_missing_ids(frame, PLAIN).to_dict("list") == {"user": ["a"], "item": ["x"]}


def test_repeated_counts_are_summed_and_repeated_ratings_keep_the_latest():
    """rating_kind = "count" sums a user's repeats of an item; "rating" keeps the latest by time."""
    frame = pd.DataFrame(
        {"user": ["a", "a", "b"], "item": ["x", "x", "x"], "rating": [2, 5, 1], "timestamp": [20, 10, 5]}
    )
    counted = interaction_log.collapse_duplicates(frame, COLUMNS, "count")
    rated = interaction_log.collapse_duplicates(frame, COLUMNS, "rating")
    assert counted.set_index("user")["rating"].to_dict() == {"a": 7, "b": 1}
    assert rated.set_index("user")["rating"].to_dict() == {"a": 2, "b": 1}


def test_counts_that_sum_to_nothing_are_no_interaction():
    """A purchase and its return (2 then -2), a return alone (-1) and a missing count are dropped by a step
    of their own, named in the report, when the rating is a count; explicit ratings keep every pair."""
    frame = pd.DataFrame(
        {
            "user": ["a", "a", "a", "b", "b", "c"],
            "item": ["x", "x", "y", "x", "z", "y"],
            "rating": [2.0, -2.0, 1.0, -1.0, 3.0, None],
            "timestamp": [1, 2, 3, 4, 5, 6],
        }
    )
    steps = interaction_log.interaction_cleanup(COLUMNS, "count")
    for step in steps:
        frame = step.run(frame)
    kept = sorted(zip(frame["user"], frame["item"], frame["rating"], strict=True))
    assert kept == [("a", "y", 1), ("b", "z", 3)]
    assert steps[-1].name.startswith("drop interactions whose rating is missing or sums to 0 or less")
    assert len(interaction_log.interaction_cleanup(COLUMNS, "rating")) == len(steps) - 1


def test_cleanup_never_changes_ids():
    """Ids come out exactly as they went in: leading zeros, numbers and all."""
    frame = pd.DataFrame({"user": ["007", "007", "42"], "item": [10, 10, 3]})
    for step in interaction_log.interaction_cleanup(PLAIN):
        frame = step.run(frame)
    assert sorted(frame["user"]) == ["007", "42"]
    assert frame["item"].dtype == np.int64 and sorted(frame["item"]) == [3, 10]


def test_a_named_column_missing_from_the_data_names_its_setting():
    """A wrong [data] user/item/rating/time is a one-line error naming the key."""
    with pytest.raises(StepError, match=r"\[data\] user = 'userId'"):
        interaction_log.check_columns(pd.DataFrame({"user": [], "item": []}), Columns("userId", "item"))


def test_a_log_of_one_user_is_a_clear_error():
    """A recommender needs at least two users."""
    with pytest.raises(StepError, match="at least two users"):
        interaction_log.check_interactions(interactions([("a", "x"), ("a", "y")]), PLAIN)


# -- split --------------------------------------------------------------------------------------


def test_a_split_with_no_user_to_score_is_a_clear_error():
    with pytest.raises(StepError, match="min_interactions"):
        interaction_log.split_users(interactions([("a", "x"), ("b", "y")]), PLAIN)


# -- top-k and the recommenders -----------------------------------------------------------------


def test_top_k_matches_a_full_sort():
    """top_k returns each row's k largest, best first, as a full argsort would."""
    rng = np.random.default_rng(0)
    for mostly_equal in (False, True):
        scores = rng.random((20, 50)) * (rng.random((20, 50)) < 0.3)
        columns, values = top_k(scores, 7, mostly_equal=mostly_equal)
        expected = -np.sort(-scores, axis=1)[:, :7]
        assert np.array_equal(values, expected)
        assert np.array_equal(np.take_along_axis(scores, columns, axis=1), expected)


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    rows=st.integers(1, 30),
    columns=st.integers(100, 700),
    k=st.integers(1, 12),
    levels=st.sampled_from([2, 5, 1000, 0]),
    unseen=st.sampled_from([0.0, 0.5, 0.99]),
)
def test_top_k_of_wide_rows_matches_a_full_sort(seed, rows, columns, k, levels, unseen):
    """Rows wide enough to be read a chunk at a time, with ties (few distinct values, or all distinct when
    levels is 0) and items already seen (-inf): the k best of a full sort, ties to the lower column."""
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, levels, (rows, columns)).astype(float) if levels else rng.random((rows, columns))
    scores[rng.random((rows, columns)) < unseen] = -np.inf
    found, values = top_k(scores, k)
    expected = np.lexsort((np.broadcast_to(np.arange(columns), scores.shape), -scores))[:, :k]
    assert np.array_equal(found, expected)
    assert np.array_equal(values, np.take_along_axis(scores, expected, axis=1))


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    rows=st.integers(1, 30),
    columns=st.integers(10, 300),
    k=st.integers(1, 10),
    levels=st.sampled_from([2, 5, 1000, 0]),
    unseen=st.sampled_from([0.0, 0.5, 0.99]),
    rise=st.sampled_from([0.0, 0.1, 1.0]),
)
def test_top_k_from_a_guess_matches_a_full_sort(seed, rows, columns, k, levels, unseen, rise):
    """A guess of the best (a top k before some scores rose, or any k columns) only speeds top_k up: the k
    best of a full sort, ties to the lower column, whatever the guess."""
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, levels, (rows, columns)).astype(float) if levels else rng.random((rows, columns))
    scores[rng.random((rows, columns)) < unseen] = -np.inf
    before, _ = top_k(scores, k)
    guesses = [before, np.argsort(rng.random((rows, columns)), axis=1)[:, :k]]
    scores += rise * rng.integers(0, 2, (rows, columns)) * rng.random((rows, columns))
    expected = np.lexsort((np.broadcast_to(np.arange(columns), scores.shape), -scores))[:, :k]
    for guess in guesses:
        found, values = top_k(scores, k, guess=guess)
        assert np.array_equal(found, expected)
        assert np.array_equal(values, np.take_along_axis(scores, expected, axis=1))


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    shape=st.tuples(st.integers(0, 12), st.integers(1, 20), st.integers(1, 20)),
    density=st.sampled_from([0.05, 0.3, 1.0]),
    gathered=st.integers(1, 60),
    ones=st.booleans(),
)
def test_a_sparse_product_written_into_a_dense_batch_is_scipys_bit_for_bit(
    seed, shape, density, gathered, ones
):
    """product_into gives the float32 sums of scipy's sparse product, bit for bit (the same additions in the
    same order), with empty rows and a right-hand side copied a few rows at a time (or one row over it), and
    with a left-hand side of ones (who had what) or of other values."""
    rows, inner, columns = shape
    rng = np.random.default_rng(seed)
    left = sparse.random(rows, inner, density, "csr", np.float32, rng)
    if ones:
        left.data[:] = 1.0
    right = sparse.random(inner, columns, density, "csr", np.float32, rng)
    out = np.full((rows, columns), np.nan, np.float32)
    original = selection.GATHERED_CELLS
    selection.GATHERED_CELLS = gathered
    try:
        selection.product_into(left, right, out)
    finally:
        selection.GATHERED_CELLS = original
    assert np.array_equal(out, (left @ right).toarray())


def test_top_k_beyond_the_columns_gives_them_all_and_zero_gives_none():
    """k is cut to the number of columns; k = 0 gives every row an empty list (not a failure)."""
    scores = np.random.default_rng(1).random((4, 6))
    columns, values = top_k(scores, 10)
    assert np.array_equal(values, -np.sort(-scores, axis=1))
    columns, values = top_k(scores, 0)
    assert columns.shape == values.shape == (4, 0)


def brute_force_knn(
    frame: pd.DataFrame, kind: str, neighbors: int, k: int, direction: str
) -> dict[str, list[str]]:
    """Each user's top k by dense cosine similarities: every pair computed, every score sorted."""
    fitted = Interactions.from_frame(frame, Columns("user", "item", "rating"))
    X = fitted.matrix.toarray()
    vectors = X.T if kind == "item" else X
    norms = np.linalg.norm(vectors, axis=1)
    similarity = vectors @ vectors.T / (np.outer(norms, norms) + 1e-12)
    np.fill_diagonal(similarity, 0)
    kept = np.zeros_like(similarity)
    for row in range(len(similarity)):
        best = np.argsort(-similarity[row])[:neighbors]
        kept[row, best] = similarity[row, best]
    lists = kept if direction == "candidate" else kept.T  # row t: whose neighbours t's score reads
    scores = X @ lists.T if kind == "item" else lists @ X
    scores[X > 0] = -np.inf
    return {
        user: [fitted.items[i] for i in np.argsort(-scores[u])[:k] if np.isfinite(scores[u, i])]
        for u, user in enumerate(fitted.users)
    }


def test_knn_by_default_compares_who_had_what_not_the_ratings():
    """binary (on unless [models.knn] says binary = false) gives every rating the weight 1."""
    frame = random_log(0)
    ones = frame.assign(rating=1.0)

    def items(log: pd.DataFrame, **binary: bool) -> list[str]:
        model = item_knn.build(TASK, 0, neighbors=6, shrinkage=0.0, direction="candidate", **binary)
        model.fit(log, Columns("user", "item", "rating"))
        return list(model.recommend(log["user"].unique(), 5)["item"])

    assert items(frame) == items(ones, binary=False)
    assert items(frame, binary=False) != items(ones, binary=False)


@pytest.mark.parametrize("kind", ["item", "user"])
@pytest.mark.parametrize("direction", ["candidate", "history"])
def test_knn_top_k_equals_a_brute_force_dense_computation(kind, direction):
    """Blocked sparse similarities and batched top-k give the dense, sorted answer, in either direction."""
    for seed in range(5):
        frame = random_log(seed)
        model = item_knn.build(
            TASK, 0, neighbors=6, kind=kind, shrinkage=0.0, direction=direction, binary=False
        )
        model.fit(frame, Columns("user", "item", "rating"))
        got = model.recommend(frame["user"].unique(), 5)
        expected = brute_force_knn(frame, kind, 6, 5, direction)
        # the popularity tie-breaker only orders items with a zero score: compare the scored ones
        scored = got[got["score"] > 1e-5]
        for user, items in scored.groupby("user")["item"]:
            assert list(items) == expected[user][: len(items)]


def test_popularity_counts_only_the_recent_window():
    """window_days: an item popular long ago loses to one popular in the last days of the log."""
    day = 86400
    old = [(f"u{n}", "classic", 0) for n in range(5)]
    new = [(f"u{n}", "trend", 100 * day) for n in range(3)]
    frame = pd.DataFrame(old + new + [("x", "other", 100 * day)], columns=["user", "item", "timestamp"])
    columns = Columns("user", "item", time="timestamp")
    recent = popularity.build(TASK, 0, window_days=30, validate=False).fit(frame, columns)
    all_time = popularity.build(TASK, 0).fit(frame, columns)
    assert recent.recommend(["x"], 1)["item"].tolist() == ["trend"]
    assert all_time.recommend(["x"], 1)["item"].tolist() == ["classic"]
    assert "last 30 days" in recent.describe()


def test_popularity_by_segment_recommends_the_users_favourite_genre_first():
    """segment: the most popular unseen items of the genre the user had most of come first."""
    frame = interactions(
        [(f"u{n}", "blockbuster") for n in range(6)] + [("u0", "drama1"), ("u1", "drama2"), ("fan", "drama1")]
    )
    items = pd.DataFrame({"item": ["blockbuster", "drama1", "drama2"], "genre": ["Action", "Drama", "Drama"]})
    model = popularity.build(TASK, 0, segment="genre", validate=False).fit(frame, PLAIN, items)
    assert model.recommend(["fan"], 2)["item"].tolist() == ["drama2", "blockbuster"]
    assert "genre the user had most of" in model.describe()


def test_a_segment_without_an_item_table_is_a_clear_error():
    """segment names a column of the item table: without one, the error says what is needed, and that
    removing segment ranks by popularity alone."""
    with pytest.raises(StepError, match=r"segment = 'genre' needs an item table .*; or remove segment"):
        popularity.build(TASK, 0, segment="genre").fit(interactions([("a", "x"), ("b", "y")]), PLAIN)


def test_a_log_with_a_single_item_is_a_clear_error():
    frame = pd.DataFrame({"user": ["a", "b"], "item": ["x", "x"]})
    settings = {"columns": {"user": "user", "item": "item", "rating": None, "time": None}}
    with pytest.raises(StepError, match=r"1 distinct item value\(s\) after cleanup.*check \[data\] item"):
        task.check(frame, settings)
