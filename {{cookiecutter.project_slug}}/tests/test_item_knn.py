"""Item-KNN's similarity kernel, its scoring direction, and the "because" behind each recommendation."""

import copy
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from {{ cookiecutter.module_name }}.models import (
    als,
    candidate_search,
    item_knn,
    neighbours,
    neighbours_without,
    selection,
    validation,
)
from {{ cookiecutter.module_name }}.tasks import interaction_log, ranking
from {{ cookiecutter.module_name }}.tasks.interaction_columns import Columns

TASK = "recommendation"
PLAIN = Columns("user", "item")


def dense_neighbours(vectors: sparse.csr_matrix, neighbors: int, shrinkage: float) -> neighbours.Neighbours:
    """The reference: every pair's similarity in one dense float32 matrix (the arithmetic of the blocked
    kernel before it), each row fully sorted by similarity, ties to the lower column, zeros dropped."""
    vectors = sparse.csr_matrix(vectors, dtype=np.float32)
    norms = np.sqrt(np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel()).astype(np.float32)
    similarity = (vectors @ vectors.T).toarray()
    similarity /= norms[:, None] * norms[None, :] + np.float32(shrinkage + 1e-12)
    np.fill_diagonal(similarity, 0.0)
    keep = max(0, min(neighbors, len(similarity) - 1))
    columns = np.zeros((len(similarity), keep), dtype=np.int64)
    values = np.zeros((len(similarity), keep), dtype=np.float32)
    for row, scores in enumerate(similarity):
        order = np.lexsort((np.arange(len(scores)), -scores))[:keep]
        positive = scores[order] > 0
        kept = positive.sum()
        columns[row, :kept], values[row, :kept] = order[positive], scores[order][positive]
    return neighbours.Neighbours(columns, values)


@settings(max_examples=100, deadline=None)
@given(
    cells=st.lists(
        st.tuples(st.integers(0, 7), st.integers(0, 14), st.integers(1, 2)), min_size=1, max_size=60
    ),
    neighbors=st.integers(1, 8),
    shrinkage=st.sampled_from([0.0, 1.0, 10.0]),
    threads=st.integers(1, 3),
    margin=st.sampled_from([0.0, 0.25, 0.5]),
    root=st.sampled_from([0.5, 5.0]),
    engine=st.sampled_from(sorted(candidate_search.ENGINES)),
    sample=st.sampled_from([1, 4, 256]),
)
def test_the_kernel_finds_the_neighbours_of_a_dense_computation(
    cells, neighbors, shrinkage, threads, margin, root, engine, sample
):
    """On random sparse count matrices of few users (ties abound), with either search engine's candidates
    re-ranked (sparse_dot_topn's floor from 1 or 4 sampled rows, or none) and the rows not proven
    complete computed in blocks of two rows over threads (no candidates beyond the neighbours, or fewer
    than the margin says when the root's cap is lower: many such rows): the same neighbours and
    similarities as a dense all-pairs computation, ties going to the lower column."""
    rows, columns, counts = zip(*cells, strict=True)
    vectors = sparse.csr_matrix((counts, (columns, rows)), shape=(15, 8), dtype=np.float32)
    vectors.sum_duplicates()
    original = neighbours.BLOCK_CELLS, neighbours.CANDIDATE_MARGIN, neighbours.CANDIDATE_ROOT
    searching = candidate_search.ENGINE, candidate_search.SAMPLE_ROWS
    neighbours.BLOCK_CELLS = 2 * 15 * threads  # two rows a block: several blocks, several threads
    neighbours.CANDIDATE_MARGIN, neighbours.CANDIDATE_ROOT = margin, root
    candidate_search.ENGINE, candidate_search.SAMPLE_ROWS = engine, sample
    try:
        found = neighbours.top_similar(vectors, neighbors, shrinkage, threads=threads)
    finally:
        neighbours.BLOCK_CELLS, neighbours.CANDIDATE_MARGIN, neighbours.CANDIDATE_ROOT = original
        candidate_search.ENGINE, candidate_search.SAMPLE_ROWS = searching
    expected = dense_neighbours(vectors, neighbors, shrinkage)
    np.testing.assert_array_equal(found.values, expected.values)
    np.testing.assert_array_equal(np.where(found.values > 0, found.columns, 0), expected.columns)


ON_THIS_PLATFORM = pytest.mark.skipif(
    "sparse_dot_topn" not in candidate_search.ENGINES, reason="sparse_dot_topn has no wheel for this platform"
)


@pytest.mark.parametrize(
    ("engine", "sample", "searches"),
    [
        pytest.param("sparse_dot_topn", 2, 3, marks=ON_THIS_PLATFORM),
        pytest.param("sparse_dot_topn", 256, 1, marks=ON_THIS_PLATFORM),
        ("implicit", 2, 0),
    ],
)
def test_each_search_engine_finds_every_rows_highest_products(engine, sample, searches, monkeypatch):
    """Either engine (sparse_dot_topn with a floor from 2 sampled rows, which leaves rows short of their
    highest products to be searched again, or with no floor; implicit's routine) gives each row its
    `wide` highest dot products of a random sparse matrix, with their columns, and leaves out no higher
    one than the row's smallest: a dense product's."""
    monkeypatch.setattr(candidate_search, "SAMPLE_ROWS", sample)
    searched = []
    if "sparse_dot_topn" in candidate_search.ENGINES:
        import sparse_dot_topn

        product = sparse_dot_topn.sp_matmul_topn
        monkeypatch.setattr(
            sparse_dot_topn, "sp_matmul_topn", lambda *a, **k: searched.append(1) or product(*a, **k)
        )
    weighted = sparse.random(300, 60, density=0.08, format="csr", random_state=np.random.default_rng(7))
    wide, rows = 12, np.arange(60)[:, None]
    dense = (weighted.T @ weighted).toarray()
    columns, products = candidate_search.ENGINES[engine](weighted, wide, threads=2)
    assert len(searched) == searches  # the sample, all the rows, the rows the floor left short
    np.testing.assert_allclose(-np.sort(-products, axis=1), -np.sort(-dense, axis=1)[:, :wide], rtol=1e-12)
    np.testing.assert_allclose(products, dense[rows, columns] * (products > 0), rtol=1e-12)
    outside = dense.copy()
    outside[rows, columns] = 0.0
    assert np.all(outside.max(axis=1) <= products.min(axis=1) * (1 + 1e-12))


def assert_emptied_fit_is_exact(
    fuller: sparse.csr_matrix,
    kept: sparse.csr_matrix,
    neighbors: int,
    shrinkage: float,
    constants: dict[tuple[Any, str], Any],
    loosened: float = 1.0,
) -> None:
    """Fit `fuller`, then `kept` (it with cells emptied) from its candidates, their bound `loosened` and the
    modules' `constants` set meanwhile: the neighbours and similarities of a dense computation on `kept`."""
    original = {(module, name): getattr(module, name) for module, name in constants}
    for (module, name), value in constants.items():
        setattr(module, name, value)
    try:
        candidates, _ = neighbours.candidates_and_neighbours(fuller, neighbors, shrinkage)
        candidates = replace(candidates, reach=candidates.reach * loosened)
        found = neighbours_without.top_similar_without(candidates, kept, fuller - kept, neighbors, shrinkage)
    finally:
        for (module, name), value in original.items():
            setattr(module, name, value)
    expected = dense_neighbours(kept, neighbors, shrinkage)
    np.testing.assert_array_equal(found.values, expected.values)
    np.testing.assert_array_equal(np.where(found.values > 0, found.columns, 0), expected.columns)


@settings(max_examples=100, deadline=None)
@given(
    cells=st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 29), st.integers(1, 2), st.booleans()),
        min_size=1,
        max_size=120,
    ),
    neighbors=st.integers(1, 4),
    shrinkage=st.sampled_from([0.0, 1.0, 10.0]),
    margin=st.sampled_from([0.0, 0.25, 0.5]),
    tried=st.sampled_from([0, 1, 256]),
    lookup=st.sampled_from([1, 70, 500_000]),
    extra=st.sampled_from([0, 2, 64]),
)
def test_a_fit_with_cells_emptied_starts_from_the_fuller_fit_and_finds_the_same_neighbours(
    cells, neighbors, shrinkage, margin, tried, lookup, extra
):
    """Item-KNN's validation fit (the training matrix with some cells emptied) starts from the candidates of
    the fit on the whole matrix: on random sparse count matrices, whichever cells are emptied (`True`), the
    same neighbours and similarities as a dense all-pairs computation on the emptied matrix."""
    rows, columns, counts, _ = zip(*cells, strict=True)
    shape = (30, 6)  # 30 rows compared, few candidates each: emptied cells reorder them
    fuller = sparse.csr_matrix((counts, (columns, rows)), shape=shape, dtype=np.float32)
    fuller.sum_duplicates()
    kept = fuller.toarray()
    for row, column, _, emptied in cells:
        kept[column, row] *= not emptied
    # margin 0, tried 1: rows of new norms bounded; lookup 1, 70: the changes read a row or two at a time;
    # extra 0: every row not proven computed exactly, 2, 64: some or most from their few rows left out
    constants = {
        (neighbours, "CANDIDATE_MARGIN"): margin,
        (neighbours, "TRIED_PAIRS"): tried,
        (neighbours_without, "LOOKUP_CELLS"): lookup,
        (neighbours_without, "EXTRA_ROWS"): extra,
    }
    assert_emptied_fit_is_exact(fuller, sparse.csr_matrix(kept), neighbors, shrinkage, constants)


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    density=st.sampled_from([0.03, 0.1]),
    share=st.sampled_from([0.01, 0.05, 0.2]),
    neighbors=st.integers(1, 6),
    shrinkage=st.sampled_from([0.0, 1.0, 10.0]),
    counts=st.sampled_from([1, 3]),
    extra=st.sampled_from([1, 4, 64]),
    scale=st.sampled_from([1.0, 0.5]),
)
def test_rows_not_proven_after_emptying_are_completed_from_their_few_rows_left_out(
    seed, density, share, neighbors, shrinkage, counts, extra, scale
):
    """The rows of a fit with cells emptied whose last neighbour the bound does not prove (many, on 150
    rows and 200 users of which a share of cells are emptied) take the few rows left out that may beat it
    from an exact product: the same neighbours and similarities as a dense all-pairs computation, whether
    few rows (`extra`, at most) or most are completed that way, with whole counts (bounds rounded down) or
    not (`scale` 0.5: halves, whose sums are exact as whole counts' are)."""
    rng = np.random.default_rng(seed)
    shape = (150, 200)
    fuller = (rng.random(shape) < density) * rng.integers(1, counts + 1, shape) * scale
    kept = fuller * (rng.random(shape) >= share)
    fuller, kept = (sparse.csr_matrix(matrix.astype(np.float32)) for matrix in (fuller, kept))
    constants = {(neighbours_without, "EXTRA_ROWS"): extra}
    assert_emptied_fit_is_exact(fuller, kept, neighbors, shrinkage, constants)


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    shape=st.tuples(st.integers(5, 30), st.integers(2, 5)),
    neighbors=st.integers(1, 3),
    shrinkage=st.sampled_from([0.0, 1.0, 10.0]),
    margin=st.sampled_from([0.0, 0.5]),
    loosened=st.sampled_from([1.0, 2.0, 4.0]),
)
def test_a_row_left_out_of_its_own_candidates_is_never_its_own_neighbour(
    seed, shape, neighbors, shrinkage, margin, loosened
):
    """On a handful of users, with counts 1 to 5, rows run nearly parallel and a row's candidates can be
    rows of larger norm only, itself left out. The validation fit, with its bound `loosened` (still a bound,
    so more rows are completed from the rows left out, their own pair among them), finds the neighbours
    of a dense computation on the emptied matrix: never the row itself."""
    rng = np.random.default_rng(seed)
    fuller = (rng.random(shape) < 0.6) * rng.integers(1, 6, shape)
    kept = fuller * (rng.random(shape) >= 0.2)
    fuller, kept = (sparse.csr_matrix(matrix.astype(np.float32)) for matrix in (fuller, kept))
    constants = {(neighbours, "CANDIDATE_MARGIN"): margin}
    assert_emptied_fit_is_exact(fuller, kept, neighbors, shrinkage, constants, loosened)


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.lists(
            st.tuples(st.integers(-1, 40), st.sampled_from([-1.5, -0.0, 0.0, 1e-30, 0.25, 0.5, 3.0])),
            min_size=6,
            max_size=6,
            unique_by=lambda cell: cell[0],
        ),
        min_size=1,
        max_size=5,
    ),
    keep=st.integers(1, 6),
)
def test_candidates_are_ranked_most_similar_first_ties_to_the_lower_column(rows, keep):
    """The candidates' re-rank (one sort of a key composing similarity and column): per row, the `keep`
    most similar, negatives counted as 0, ties (many here) to the lower column, -1 (no candidate) lowest;
    the same as sorting by similarity and then by column."""
    columns = np.array([[column for column, _ in row] for row in rows], dtype=np.int64)
    similar = np.array([[value for _, value in row] for row in rows], dtype=np.float32)
    found_columns, found_values = selection.most_similar_first(columns, similar, keep)
    clamped = np.maximum(similar, 0.0)
    order = np.lexsort((columns, -clamped))[:, :keep]
    np.testing.assert_array_equal(found_columns, np.take_along_axis(columns, order, axis=1))
    np.testing.assert_array_equal(found_values, np.take_along_axis(clamped, order, axis=1))


def hub_log(seed: int = 0) -> pd.DataFrame:
    """Groups of one hub every member had and 30 niche items (each member had 3, the popular ones more):
    a niche item's nearest neighbour is its hub, the hub's few are the group's most popular niches."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, 31)
    rows = []
    for group in range(10):
        for member in range(40):
            user = f"u{group}-{member}"
            rows.append((user, f"hub{group}"))
            picked = rng.choice(30, 3, replace=False, p=weights / weights.sum())
            rows += [(user, f"n{group}-{niche}") for niche in picked]
    return pd.DataFrame(rows, columns=["user", "item"])


def core_log(seed: int = 0) -> pd.DataFrame:
    """Groups whose members all had the group's two core items, and 8 of its 40 niche items (popular ones
    more): a core item's nearest neighbour is the other core item, a niche item's are the cores."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, 41)
    rows = []
    for group in range(10):
        for member in range(40):
            user = f"u{group}-{member}"
            rows += [(user, f"core{group}-{core}") for core in range(2)]
            picked = rng.choice(40, 8, replace=False, p=weights / weights.sum())
            rows += [(user, f"n{group}-{niche}") for niche in picked]
    return pd.DataFrame(rows, columns=["user", "item"])


def held_out_ndcg(frame: pd.DataFrame, neighbors: int, direction: str) -> float:
    train, test = interaction_log.split_users(frame, PLAIN, test_size=0.3, seed=1)
    model = item_knn.build(TASK, 0, neighbors=neighbors, shrinkage=0.0, direction=direction)
    model.fit(train, PLAIN, k=5)
    return ranking.metrics_at_k(model.recommend(test["user"].unique(), 5), test, train, PLAIN, 5)["ndcg_at_k"]


@pytest.mark.parametrize(
    ("log", "neighbors", "better"),
    [(hub_log, 3, "history"), (core_log, 1, "candidate")],
)
def test_validation_chooses_the_direction_that_ranks_better_on_held_out_data(log, neighbors, better):
    """Each direction wins on one log (by 0.06 and 0.13 ndcg@5, measured): validation picks the winner."""
    frame = log()
    worse = "candidate" if better == "history" else "history"
    assert held_out_ndcg(frame, neighbors, better) > held_out_ndcg(frame, neighbors, worse) + 0.03
    train, _ = interaction_log.split_users(frame, PLAIN, test_size=0.3, seed=1)
    chooser = item_knn.build(TASK, 0, neighbors=neighbors, shrinkage=0.0).fit(train, PLAIN, k=5)
    assert chooser.direction_ == better


@pytest.fixture(scope="module")
def sample_knn(sample_log) -> item_knn.NearestNeighbours:
    return item_knn.build(TASK, 0, neighbors=50, validation_users=500).fit(sample_log, PLAIN)


@pytest.fixture(scope="module")
def sample_log() -> pd.DataFrame:
    frame = pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "sample" / "interactions.csv")
    return frame[frame["user"].isin(frame["user"].unique()[:300])]


@pytest.mark.parametrize("direction", ["candidate", "history"])
def test_validation_ranks_each_neighbour_count_as_the_model_with_that_count_would(sample_log, direction):
    """The validation scores every neighbour count of the grid in one pass, adding each count's further
    neighbours' sums to the scores before: each count's top k are those the model itself recommends with
    that count, but for items whose scores the two orders of summing round apart (measured: at most 2 of
    300 rows per count, the same score to 9 digits)."""
    probe = item_knn.build(TASK, 0, neighbors=50, direction=direction).fit(sample_log, PLAIN)
    widest = neighbours.top_similar(probe.matrix_.T, 50, 10.0)
    counts, rows, k = [5, 20, 50], np.arange(len(probe.interactions_.users)), 10
    tops = validation.top_columns(validation.increments(probe, widest, counts, direction), rows, k)
    for count, top in zip(counts, tops, strict=True):
        alone = copy.copy(probe)
        alone.use_neighbours(widest, count, direction)
        best, best_scores = alone.ranked(rows, k)
        assert np.array_equal(top == -1, ~np.isfinite(best_scores))
        picked = np.take_along_axis(alone.scores(rows), np.maximum(top, 0), axis=1)
        assert np.allclose(picked[top >= 0], best_scores[top >= 0], rtol=1e-6, atol=0)
        assert (top == best).mean() > 0.99


def test_knn_contributions_come_from_the_users_items_and_sum_to_the_score(sample_knn, sample_log):
    """Each pick's contributions are over items the user had and add up to its score (but the tie-breaker)."""
    fitted = sample_knn.interactions_
    for user in sample_log["user"].unique()[:20]:
        top = sample_knn.recommend([user], 10)
        row = fitted.rows_of([user])[0]
        columns = pd.Index(fitted.items).get_indexer(top["item"])
        had, added = sample_knn.contributions(sample_knn.history(row), columns)
        assert set(fitted.items[had]) <= set(sample_log.loc[sample_log["user"] == user, "item"])
        np.testing.assert_allclose(added.sum(axis=0), top["score"], atol=2e-6)


def test_because_lists_the_users_items_that_added_most_first(sample_knn, sample_log):
    """`because` names up to n of the user's items by decreasing contribution, only ones that added some."""
    fitted = sample_knn.interactions_
    user = sample_log["user"].value_counts().index[0]
    top = sample_knn.recommend([user], 10, reasons=3)
    row = fitted.rows_of([user])[0]
    columns = pd.Index(fitted.items).get_indexer(top["item"])
    had, added = sample_knn.contributions(sample_knn.history(row), columns)
    by_item = pd.DataFrame(added, index=fitted.items[had])
    for position, because in enumerate(top["because"]):
        assert 1 <= len(because) <= 3
        shown = by_item.loc[because, position]
        assert list(shown) == sorted(shown, reverse=True) and (shown > 0).all()
        assert shown.iloc[-1] >= by_item[position].drop(because).max()


def test_als_explains_a_pick_as_implicits_own_explain_does(sample_log):
    """In-process ALS's contributions equal `implicit`'s explain on the same factors: items and amounts."""
    from implicit.cpu.als import AlternatingLeastSquares

    model = als.build(TASK, 0, rank=16, max_iter=5).fit(sample_log, PLAIN)
    reference = AlternatingLeastSquares(factors=16, regularization=model.reg_param, alpha=1.0)
    reference.user_factors, reference.item_factors = model.user_factors_, model.item_factors_
    confidences = als.confidences(model.interactions_.matrix, model.alpha_, model.scale)
    row = 7
    item = int(np.argmax(model.scores(np.array([row]))[0]))
    total, top, _ = reference.explain(row, confidences, item, N=5)
    had, added = model.contributions(model.history(row), np.array([item]))
    ours = sorted(zip(had.tolist(), added[:, 0].tolist(), strict=True), key=lambda pair: -pair[1])[:5]
    assert [item for item, _ in ours] == [item for item, _ in top]
    np.testing.assert_allclose([value for _, value in ours], [value for _, value in top], rtol=1e-3)
    assert added.sum() == pytest.approx(total, rel=1e-3)
