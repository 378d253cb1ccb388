"""Item-KNN's validation fit: the neighbours of the same rows with a few cells emptied, from the candidates
of a fit on all of them (neighbours.py's `Candidates`): no all-pairs search, and the same neighbours as
a fit from scratch (`top_similar`)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import sparse

from .neighbours import (
    BLOCK_CELLS,
    SLACK,
    Candidates,
    Neighbours,
    blockwise,
    left_out_bound,
    norms_of,
    pair_bounds,
    top_similar,
)
from .selection import most_similar_first

LOOKUP_CELLS = 500_000  # a fit with cells emptied: dot product changes read at once (2 MB: in a core's cache)
EXTRA_ROWS = 64  # a fit with cells emptied: rows left out of a row's candidates computed beside them, at most


def top_similar_without(
    before: Candidates,
    vectors: sparse.csr_matrix,
    emptied: sparse.csr_matrix,
    neighbors: int,
    shrinkage: float,
) -> Neighbours:
    """`top_similar(vectors, neighbors, shrinkage)`, the same neighbours, from the candidates of a fit at the
    same shrinkage and as many neighbours or more on `vectors + emptied` (`emptied`: a few cells it had).

    Emptying cells only takes from dot products, by D = X X' - V V' (sparse: the rows emptied), so the
    candidates get their exact new dot products, and a row left out keeps its bound on the dot product;
    its similarity is then at most that bound over |a| |b| + shrinkage with the new norms. A row whose
    last neighbour does not provably beat that is computed exactly, as `top_similar` computes its own."""
    by_column = sparse.csr_matrix(vectors.T, dtype=np.float32)
    keep = max(0, min(neighbors, vectors.shape[0] - 1))
    norms, shrink = norms_of(by_column), np.float32(shrinkage + 1e-12)
    if not keep or keep >= before.columns.shape[1]:  # the candidates are the row's neighbours and more
        return top_similar(vectors, neighbors, shrinkage)
    emptied = sparse.csr_matrix(emptied, dtype=np.float32)
    # x - floor(x) is np.mod(x, 1), exactly (nan for inf), thirty times faster on 2M values
    whole = not any(np.any(data - np.floor(data)) for data in (by_column.data, emptied.data))
    with ThreadPoolExecutor(1) as beside:  # the bound needs only the norms: made meanwhile, on another core
        pending = beside.submit(left_out_bound, before, norms, shrink, whole)
        similar = rescored(before, by_column, emptied, norms, shrink)
        columns, values = most_similar_first(before.columns, similar, keep)
    bound = pending.result()
    unproven = np.flatnonzero(before.proven & (bound > 0) & (values[:, -1] <= bound * (1 + SLACK)))
    left = with_few_left_out(before, by_column, norms, shrink, whole, similar, unproven, columns, values)
    exact = np.sort(np.concatenate([np.flatnonzero(~before.proven), left]))
    blockwise(by_column, norms, shrink, exact, os.cpu_count() or 1, columns, values)
    return Neighbours(columns, np.maximum(values, 0.0))


def rescored(
    before: Candidates,
    by_column: sparse.csr_matrix,
    emptied: sparse.csr_matrix,
    norms: np.ndarray,
    shrink: np.float32,
) -> np.ndarray:
    """The similarity of each row to each of its candidates (0: none) once the `emptied` cells (rows compared
    x their columns) are taken from the matrix: their dot products less D = E V' + V E' + E E'."""
    count = by_column.shape[1]
    product = emptied @ by_column  # D = E V' + V E' + E E' (X = V + E)
    change = sparse.csr_matrix(product + product.T + emptied @ emptied.T)
    valid, others = before.columns >= 0, np.maximum(before.columns, 0)
    dots = before.dots.copy()
    step = max(1, LOOKUP_CELLS // max(1, count))
    dense = np.zeros(step * count, np.float32)  # D, a block of rows at a time, flat
    offsets = (np.arange(step) * count)[:, None]
    row_of = np.repeat(np.arange(count, dtype=np.int64), np.diff(change.indptr))
    cells = row_of % step * count + change.indices  # each cell of D in its block
    for start in range(0, count, step):  # read at the candidates; only the cells written are reset
        stop = min(start + step, count)
        here, (low, high) = slice(start, stop), change.indptr[[start, stop]]
        dense[cells[low:high]] = change.data[low:high]
        dots[here] -= dense[offsets[: stop - start] + others[here]]
        dense[cells[low:high]] = 0.0
    similar = dots / (norms[:, None] * norms[others] + shrink)
    similar[~valid] = 0.0
    return similar


def with_few_left_out(
    before: Candidates,
    by_column: sparse.csr_matrix,
    norms: np.ndarray,
    shrink: np.float32,
    whole: bool,
    similar: np.ndarray,
    rows: np.ndarray,
    columns: np.ndarray,
    values: np.ndarray,
) -> np.ndarray:
    """Fill `columns` and `values` at those of `rows` (whose last neighbour `left_out_bound` does not prove
    complete) that at most EXTRA_ROWS rows left out of their candidates may beat: the bound per pair of
    rows that `left_out_bound` takes the largest of names them, and their exact similarities are ranked
    with the candidates' (`similar`); the rows left (returned) are to be computed exactly."""
    keep, own, left = columns.shape[1], norms.astype(np.float64), []
    step = max(1, BLOCK_CELLS // max(1, len(norms)))
    for start in range(0, len(rows), step):  # a block of rows x all the rows at a time
        some = rows[start : start + step]
        bounds = pair_bounds(before, some, own, before.norms.astype(np.float64), own, shrink, whole)
        beats = values[some, -1:] <= bounds * (1 + SLACK)
        # the candidates have their exact similarities; a row is not its own neighbour
        at = np.arange(len(some))[:, None]
        beats[at, np.where(before.columns[some] >= 0, before.columns[some], some[:, None])] = False
        beats[at[:, 0], some] = False
        few = beats.sum(axis=1) <= EXTRA_ROWS
        left.append(some[~few])
        done, (pair, other) = some[few], np.nonzero(beats[few])
        named = np.unique(other)
        # both sides' vectors in one pass over the matrix (a column of it is a row compared)
        both, position = np.unique(np.concatenate([done, named]), return_inverse=True)
        vectors = by_column[:, both].tocsc()
        products = (vectors[:, position[: len(done)]].T @ vectors[:, position[len(done) :]]).toarray()
        exact = products[pair, np.searchsorted(named, other)]
        extra = np.full((len(done), max(1, EXTRA_ROWS)), -1, np.int64)
        extra_similar = np.zeros(extra.shape, np.float32)
        slot = np.arange(len(pair)) - np.searchsorted(pair, pair)
        extra[pair, slot] = other
        extra_similar[pair, slot] = exact / (norms[done[pair]] * norms[other] + shrink)
        columns[done], values[done] = most_similar_first(
            np.concatenate([before.columns[done], extra], axis=1),
            np.concatenate([similar[done], extra_similar], axis=1),
            keep,
        )
    return np.concatenate([np.empty(0, np.int64), *left])
