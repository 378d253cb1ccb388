"""Each row's most similar rows of a sparse matrix (cosine, with shrinkage): item-KNN's similarity kernel
and the neighbour lists it comes to, on either engine.

models/item_knn.py scores with these lists, computed in process (`top_similar`, here) or on Spark
(spark/similarity.py); both import this module and neither imports the other's.

In process, a compiled search (candidate_search.py: a sparse accumulator and a heap per row, a thread per
core; the users heaviest first) finds each row's candidates: its rows of highest dot product over a
per-row scale that is the shrunk cosine's for a row of typical norm (the geometric mean of the rows with
more products than the search keeps). The candidates are re-ranked by the shrunk cosine itself, in
float32, and a row whose K-th neighbour provably beats every row left out (the candidates' last key
bounds them) is done; the others (none on the medium log up to K = 100, 5 rows at K = 200, but 5% to 32%
of the rows of long-tailed logs) are computed exactly from their sparse products, a block of rows at a
time on a thread per core (scipy's sparse product and numpy's sort release the GIL), ranking only the
rows at least as similar as their candidates' K-th: never a dense rows x rows matrix. Either way a row's
neighbours are its `neighbors` most similar rows, ties to the lower column. A fit of the same rows with a
few cells emptied (item-KNN's validation) starts from a fit's candidates (neighbours_without.py).
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from .candidate_search import highest_products
from .selection import each_batch, most_similar_first

# rows computed exactly, and bounds: rows x rows compared at once (at most, over all the threads), whose
# float64 temporaries (16 MB) glibc reuses: above its 32 MB they were mapped afresh each time and faulted
# in page by page (a long-tailed log's validation fit 0.1 to 0.6 s slower, in a new process)
BLOCK_CELLS = 2_000_000
# Candidates beyond the neighbours: a share of them, at most CANDIDATE_ROOT x the square root of their number
# (the share of a row's order the scale gets wrong falls as K grows); they cost the search about 10%.
CANDIDATE_MARGIN, CANDIDATE_ROOT = 0.5, 5.0
SLACK = 1e-4  # relative room for rounding when proving a row's neighbours complete
# re-ranking: candidates per batch, whose temporaries (a few MB) are reused from batch to batch; a batch per
# core made them fresh memory, page by page: 0.14 of a 0.75 s fit on the medium log, in a new process
RANK_CELLS = 262_144
TRIED_PAIRS = 256  # a fit with cells emptied: pairs of norms each tried (the smallest, least well bounded)


@dataclass(frozen=True)
class Neighbours:
    """Row t's most similar rows (`columns[t]`) and their similarities (`values[t]`), most similar first;
    a similarity of 0 marks a missing neighbour."""

    columns: np.ndarray
    values: np.ndarray

    def matrix(self, neighbors: int) -> sparse.csr_matrix:
        """Rows x rows sparse similarities, keeping each row's first `neighbors` (no loop over rows, no sort:
        a row's cells are in its neighbours' order)."""
        values = self.values[:, :neighbors]
        kept = values > 0
        indptr = np.concatenate(([0], np.cumsum(kept.sum(axis=1))))
        shape = (len(values), len(values))
        return sparse.csr_matrix((values[kept], self.columns[:, :neighbors][kept], indptr), shape=shape)


def top_similar(
    vectors: sparse.csr_matrix, neighbors: int, shrinkage: float = 0.0, threads: int | None = None
) -> Neighbours:
    """For each row of `vectors`, the `neighbors` other rows of highest cosine similarity to it, each
    dot product divided by |a| |b| + `shrinkage`; `threads`: one per core by default."""
    return candidates_and_neighbours(vectors, neighbors, shrinkage, threads)[1]


@dataclass(frozen=True)
class Candidates:
    """What a fit of `top_similar` read beyond the neighbours, so that a fit of the same rows with some cells
    emptied (`top_similar_without`) needs no all-pairs search: each row's candidate rows (`columns`, -1:
    none) and their dot products; a row b left out of row a's has a dot product of at most
    `reach[a] * (typical * norms[b] + shrinkage)` (`norms`: the rows' norms); `proven`: the rows whose
    neighbours came from the candidates (the others were computed exactly)."""

    columns: np.ndarray
    dots: np.ndarray
    reach: np.ndarray
    typical: float
    norms: np.ndarray
    proven: np.ndarray


def candidates_and_neighbours(
    vectors: sparse.csr_matrix, neighbors: int, shrinkage: float = 0.0, threads: int | None = None
) -> tuple[Candidates | None, Neighbours]:
    """`top_similar`, and the candidates it re-ranked (None when there are no neighbours to find)."""
    # the rows as columns (CSR): item-KNN passes the users x items matrix transposed, so no copy is made
    by_column = sparse.csr_matrix(vectors.T, dtype=np.float32)
    count = by_column.shape[1]
    norms, shrink = norms_of(by_column), np.float32(shrinkage + 1e-12)
    keep = max(0, min(neighbors, count - 1))
    threads = threads or os.cpu_count() or 1
    columns = np.zeros((count, keep), dtype=np.int32)
    values = np.zeros((count, keep), dtype=np.float32)
    found = None
    if keep:
        found = re_ranked(by_column, norms, shrink, threads, columns, values)
        blockwise(by_column, norms, shrink, np.flatnonzero(~found.proven), threads, columns, values)
    return found, Neighbours(columns, np.maximum(values, 0.0))


def norms_of(by_column: sparse.csr_matrix) -> np.ndarray:
    """The euclidean norm of each column, in float32 (the columns are the rows compared)."""
    squares = np.bincount(by_column.indices, np.square(by_column.data, dtype=np.float64), by_column.shape[1])
    return np.sqrt(squares).astype(np.float32)


def left_out_bound(before: Candidates, norms: np.ndarray, shrink: np.float32, whole: bool) -> np.ndarray:
    """Per row a, a bound on the similarity of any row b left out of its candidates, with `norms` (the fit's
    own, or new ones after cells were emptied): a row left out had a key (scale_a scale_b dot) at most the
    candidates' last, so a dot product of at most reach[a] (typical |b|_before + shrinkage), over
    |a| |b| + shrinkage, at its largest over b. It is monotone in |b| over the rows whose norm did not
    change (the smallest and largest norms stand for them), and over the others once |b|_before is put
    as |b| times the largest ratio of the two; the rows of smallest new norm, whose ratio is largest, are
    each tried instead (their pairs of norms that no other pair beats), their dot products rounded down
    when the values are `whole` (a dot product of whole numbers is one)."""
    changed = norms != before.norms
    pairs = np.stack([before.norms[changed], norms[changed]], axis=1)[norms[changed] > 0].astype(np.float64)
    # a pair whose old norm is no larger than another's and new norm no smaller bounds less: left out
    pairs = pairs[np.lexsort((-pairs[:, 0], pairs[:, 1]))]
    pairs = pairs[pairs[:, 0] > np.maximum.accumulate(np.concatenate(([-np.inf], pairs[:-1, 0])))]
    tried, rest = pairs[:TRIED_PAIRS], pairs[TRIED_PAIRS:]
    own, reach = norms.astype(np.float64), before.reach
    bound = np.zeros(len(norms))
    for others, ratio in (
        (norms[~changed & (norms > 0)], 1.0),
        (rest[:, 1], (rest[:, 0] / rest[:, 1]).max(initial=1)),
    ):
        for other in (others.min(), others.max()) if len(others) else ():
            bound = np.maximum(
                bound, ratio * reach * (before.typical * other + shrink) / (own * other + shrink)
            )
    step = max(1, BLOCK_CELLS // max(1, len(tried)))
    for start in range(0, len(own), step):  # a block of rows x pairs at a time
        rows = slice(start, start + step)
        ratios = pair_bounds(before, rows, own, tried[:, 0], tried[:, 1], shrink, whole)
        bound[rows] = np.maximum(bound[rows], ratios.max(axis=1, initial=0.0))
    return bound


def pair_bounds(
    before: Candidates,
    rows: slice | np.ndarray,
    own: np.ndarray,
    norms_before: np.ndarray,
    norms_after: np.ndarray,
    shrink: np.float32,
    whole: bool,
) -> np.ndarray:
    """Per row a at `rows` (new norm `own[a]`) and row b left out of its candidates (norm `norms_before`
    then `norms_after`), a bound on their similarity: a dot product of at most reach[a] (typical
    |b|_before + shrinkage), rounded down when the values are `whole`, over |a| |b| + shrinkage."""
    dots = before.reach[rows, None] * (before.typical * norms_before + shrink)
    dots = np.floor(dots * (1 + SLACK)) if whole else dots
    return dots / (own[rows, None] * norms_after + shrink)


def re_ranked(
    by_column: sparse.csr_matrix,
    norms: np.ndarray,
    shrink: np.float32,
    threads: int,
    columns: np.ndarray,
    values: np.ndarray,
) -> Candidates:
    """Fill `columns` and `values` from the search's candidates re-ranked by the shrunk cosine (`by_column`:
    the rows compared, as the columns of a CSR matrix); the candidates, `proven` for the rows whose
    neighbours are proven complete (no row left out could rank among them)."""
    count, keep = columns.shape
    beyond = math.ceil(min(CANDIDATE_MARGIN * keep, CANDIDATE_ROOT * math.sqrt(keep)))
    wide = min(count, keep + 1 + beyond)  # + 1: a row finds itself
    # the typical norm is that of the rows with more products than slots: the others find every row that
    # shares a user with them. On long-tailed logs (most rows had by a few users) it left 21% to 58% fewer
    # rows to compute exactly, and its fit took 10% to 22% less time.
    cells = np.diff(by_column.indptr)
    products = np.bincount(by_column.indices, np.repeat(cells, cells).astype(np.float64), count)
    positive = norms[(norms > 0) & (products >= wide)].astype(np.float64)
    typical = float(np.exp(np.log(positive).mean())) if len(positive) else 1.0
    # dot products over typical x |b| + shrinkage: row a's own order when |a| is typical, near it otherwise
    denominators = typical * norms.astype(np.float64) + shrink
    scale = np.divide(1.0, denominators, out=np.ones(count), where=denominators > 0)
    # the search reads a user's cells once per cell of theirs: the heaviest users' side by side stay in
    # cache (about 5% less CPU on the medium log); the users' order is only the order of each sum
    users = by_column[np.argsort(-np.diff(by_column.indptr), kind="stable")]
    weighted = sparse.csr_matrix(
        (users.data * scale[users.indices], users.indices, users.indptr), shape=users.shape
    )
    found_columns, keys = highest_products(weighted, wide, threads)
    dots = np.empty((count, wide), np.float32)

    def rank(rows: np.ndarray) -> None:
        some_columns, some_keys = found_columns[rows], keys[rows]
        # the key is scale_a scale_b dot: the dot is back exactly where it is a float32 (whole counts)
        dots[rows] = some_dots = (some_keys / (scale[rows, None] * scale[some_columns])).astype(np.float32)
        shrunk = some_dots / (norms[rows, None] * norms[some_columns] + shrink)
        missing = (some_columns == rows[:, None]) | (some_keys <= 0)  # a row is not its own neighbour
        shrunk[missing] = 0.0
        columns[rows], values[rows] = most_similar_first(some_columns, shrunk, keep)
        some_columns[missing] = -1
        found_columns[rows] = some_columns

    # batches on a thread per core: numpy's arithmetic and sorts release the GIL (half the wall time)
    each_batch(rank, np.arange(count), wide, RANK_CELLS)
    last_keys = np.maximum(keys.min(axis=1), 0.0)  # every row left out had a key at most its candidates' last
    found = Candidates(found_columns, dots, last_keys / scale, typical, norms, np.ones(count, bool))
    bound = left_out_bound(found, norms, shrink, whole=False)
    return replace(found, proven=(last_keys <= 0) | (values[:, -1] > bound * (1 + SLACK)))


def blockwise(
    by_column: sparse.csr_matrix,
    norms: np.ndarray,
    shrink: np.float32,
    rows: np.ndarray,
    threads: int,
    columns: np.ndarray,
    values: np.ndarray,
) -> None:
    """Fill `columns` and `values` at `rows` from every similarity of those rows, a block of rows at a
    time, the blocks on `threads` threads. `values` at `rows` already holds similarities of some of their
    rows (their candidates'), most similar first: the last is at most the row's exact K-th similarity, so
    only the rows at least as similar are ranked (a sparse row's few, not all the rows)."""
    count, keep = columns.shape
    if not len(rows):
        return
    # a block per thread at least: the rows left are few (the most popular, whose products cost most)
    block = max(1, min(BLOCK_CELLS // threads // max(1, count), math.ceil(len(rows) / threads)))
    chosen = by_column[:, rows].T.tocsr()  # one pass over the matrix picks every row's vector at once

    def fill(start: int) -> None:
        some = rows[start : start + block]
        floor = values[some, -1] * np.float32(1 - SLACK)  # room for the candidates' own rounding
        product = sparse.csr_matrix(chosen[start : start + block] @ by_column)
        lines = np.repeat(np.arange(len(some)), np.diff(product.indptr))
        # the arithmetic of a dense block, cell for cell: the same float32 similarities
        similar = product.data / (norms[some[lines]] * norms[product.indices] + shrink)
        ranked = np.flatnonzero((similar >= floor[lines]) & (product.indices != some[lines]))
        # by row, most similar first, ties to the lower column; each row's first `keep`
        ranked = ranked[np.lexsort((product.indices[ranked], -similar[ranked], lines[ranked]))]
        line = lines[ranked]
        place = np.arange(len(ranked)) - np.searchsorted(line, line)
        ranked, line, place = ranked[place < keep], line[place < keep], place[place < keep]
        block_columns = np.zeros((len(some), keep), np.int32)
        block_values = np.zeros((len(some), keep), np.float32)
        block_columns[line, place], block_values[line, place] = product.indices[ranked], similar[ranked]
        columns[some], values[some] = block_columns, block_values

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(fill, range(0, len(rows), block)))  # list: re-raises a thread's error here
