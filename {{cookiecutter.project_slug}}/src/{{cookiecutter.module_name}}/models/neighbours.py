"""Each row's most similar rows of a sparse matrix (cosine, with shrinkage): item-KNN's similarity kernel
and the neighbour lists it comes to, on either engine.

models/item_knn.py scores with these lists, computed in process (`top_similar`, here) or on Spark
(spark/similarity.py); both import this module and neither imports the other's.

In process, `implicit`'s compiled all-pairs routine (a sparse accumulator and a size-K heap per row,
a thread per core) finds each row's candidates: its rows of highest dot product over a per-row
scale that is the shrunk cosine's for a row of typical norm. The candidates are re-ranked by the
shrunk cosine itself, in float32 as before, and a row whose K-th neighbour provably beats every
row left out (the candidates' last key bounds them) is done; the few others (about 1% on the
medium log) are computed exactly a block of rows at a time, on a thread per core (scipy's sparse
product and numpy's partition release the GIL), never as a dense rows x rows matrix. Either way a
row's neighbours are its `neighbors` most similar rows, ties to the lower column.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .selection import top_k

BLOCK_CELLS = 8_000_000  # fallback: similarities computed at once, over all the threads (float32: 32 MB)
CANDIDATE_MARGIN = 0.25  # candidates beyond the neighbours kept, as a share of them: 1% of rows fall back
SLACK = 1e-4  # relative room for rounding when proving a row's neighbours complete


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
    # the rows as columns (CSR): item-KNN passes the users x items matrix transposed, so no copy is made
    by_column = sparse.csr_matrix(vectors.T, dtype=np.float32)
    count = by_column.shape[1]
    squares = np.bincount(
        by_column.indices, weights=np.square(by_column.data, dtype=np.float64), minlength=count
    )
    norms = np.sqrt(squares).astype(np.float32)
    shrink = np.float32(shrinkage + 1e-12)
    keep = max(0, min(neighbors, count - 1))
    threads = threads or os.cpu_count() or 1
    columns = np.zeros((count, keep), dtype=np.int32)
    values = np.zeros((count, keep), dtype=np.float32)
    if keep:
        done = re_ranked(by_column, norms, shrink, threads, columns, values)
        blockwise(by_column, norms, shrink, np.flatnonzero(~done), threads, columns, values)
    return Neighbours(columns, np.maximum(values, 0.0))


def re_ranked(
    by_column: sparse.csr_matrix,
    norms: np.ndarray,
    shrink: np.float32,
    threads: int,
    columns: np.ndarray,
    values: np.ndarray,
) -> np.ndarray:
    """Fill `columns` and `values` from implicit's candidates re-ranked by the shrunk cosine (`by_column`:
    the rows compared, as the columns of a CSR matrix); True for the rows whose neighbours are proven
    complete (no row left out could rank among them)."""
    from implicit.nearest_neighbours import all_pairs_knn

    count, keep = columns.shape
    wide = min(count, keep + 1 + math.ceil(CANDIDATE_MARGIN * keep))  # + 1: a row finds itself
    positive = norms[norms > 0].astype(np.float64)
    typical = float(np.exp(np.log(positive).mean())) if len(positive) else 1.0
    # dot products over typical x |b| + shrinkage: row a's own order when |a| is typical, near it otherwise
    denominators = typical * norms.astype(np.float64) + shrink
    scale = np.divide(1.0, denominators, out=np.ones(count), where=denominators > 0)
    weighted = sparse.csr_matrix(
        (by_column.data * scale[by_column.indices], by_column.indices, by_column.indptr),
        shape=by_column.shape,
    )
    # all_pairs_knn writes row i's `wide` best (unordered; empty slots 0) at [i * wide, (i + 1) * wide)
    found = all_pairs_knn(weighted, wide, num_threads=threads, show_progress=False)
    found_columns, keys = found.col.reshape(count, wide), found.data.reshape(count, wide)
    rows = np.arange(count)[:, None]
    # the key is scale_a scale_b dot: the dot is back exactly where it is a float32 (whole counts)
    dots = (keys / (scale[:, None] * scale[found_columns])).astype(np.float32)
    shrunk = dots / (norms[:, None] * norms[found_columns] + shrink)
    shrunk[(found_columns == rows) | (keys <= 0)] = 0.0  # a row is not its own neighbour
    order = np.lexsort((found_columns, -shrunk))  # per row: most similar first, ties to the lower column
    columns[:] = np.take_along_axis(found_columns, order[:, :keep], axis=1)
    values[:] = np.take_along_axis(shrunk, order[:, :keep], axis=1)
    return complete(keys.min(axis=1), scale, norms, shrink, typical, values[:, -1])


def complete(
    last_keys: np.ndarray,
    scale: np.ndarray,
    norms: np.ndarray,
    shrink: np.float32,
    typical: float,
    last_kept: np.ndarray,
) -> np.ndarray:
    """Per row, whether every row left out of its candidates is less similar than its last kept neighbour.

    A row left out had a key (scale_a scale_b dot) at most the candidates' last (`last_keys`; 0 when the
    candidates hold every row sharing anything), so its shrunk similarity dot / (|a| |b| + shrinkage) is
    at most that key / scale_a times (typical |b| + shrinkage) / (|a| |b| + shrinkage), whose largest
    value over |b| is at the smallest or the largest norm (it is monotone in |b|)."""
    positive = norms[norms > 0].astype(np.float64)
    if not len(positive):
        return np.ones(len(norms), dtype=bool)
    own = norms.astype(np.float64)

    def factor(other: float) -> np.ndarray:
        return (typical * other + shrink) / np.maximum(own * other + shrink, 1e-300)

    bound = last_keys / scale * np.maximum(factor(positive.min()), factor(positive.max()))
    return (last_keys <= 0) | (last_kept > bound * (1 + SLACK))


def blockwise(
    by_column: sparse.csr_matrix,
    norms: np.ndarray,
    shrink: np.float32,
    rows: np.ndarray,
    threads: int,
    columns: np.ndarray,
    values: np.ndarray,
) -> None:
    """Fill `columns` and `values` at `rows` from every similarity of those rows, a block of rows x all
    the rows at a time (cut to its top at once), the blocks on `threads` threads."""
    count, keep = columns.shape
    if not len(rows):
        return
    # a block per thread at least: the rows left are few (the most popular, whose products cost most)
    block = max(1, min(BLOCK_CELLS // threads // max(1, count), math.ceil(len(rows) / threads)))

    def fill(start: int) -> None:
        some = rows[start : start + block]
        similarity = (by_column[:, some].T @ by_column).toarray()
        similarity /= norms[some, None] * norms[None, :] + shrink
        similarity[np.arange(len(some)), some] = 0.0  # a row is not its own neighbour
        columns[some], values[some] = top_k(similarity, keep, mostly_equal=True)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(fill, range(0, len(rows), block)))  # list: re-raises a thread's error here
