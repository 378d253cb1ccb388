"""Choosing each user's best items from a dense batch of scores: every recommender's last step.

Scores are computed a batch of users at a time (`batches`), as a dense batch x items block (a few
tens of MB), never for all users at once; the items a user already had are ruled out
(`exclude_seen`) and `top_k` keeps each row's k highest, best first, ties to the lower column;
`most_similar_first` ranks item-KNN's candidate neighbours the same way, and `product_into` writes its
sparse products' sums straight into a dense batch.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np
from scipy import sparse

BATCH_CELLS = 4_000_000  # users x items scores held at once (float32: 16 MB)
GATHERED_CELLS = 2_000_000  # product_into: cells of the right-hand rows copied at once (16 bytes each: 32 MB)
CHUNK = 128  # top_k: columns per chunk, whose maximum stands for them in a first pass
RANKED_CELLS = 262_144  # most_similar_first: cells sorted at once
CANDIDATES_PER_PICK = 8  # top_k: scores sorted per one kept, beyond which ties make argpartition faster

Part = TypeVar("Part")


def batches(rows: np.ndarray, n_items: int, cells: int = BATCH_CELLS) -> Iterator[np.ndarray]:
    """`rows` in slices small enough that a slice's dense scores fit in `cells`."""
    size = max(1, cells // max(1, n_items))
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def each_batch(
    work: Callable[[np.ndarray], Part], rows: np.ndarray, n_items: int, cells: int = BATCH_CELLS
) -> list[Part]:
    """`work` done on each of `batches(rows, n_items, cells)`, in order, a batch per core at once: sparse
    products, partitions and sorts release the GIL."""
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        return list(pool.map(work, batches(rows, n_items, cells)))


def product_into(left: sparse.csr_matrix, right: sparse.csr_matrix, out: np.ndarray) -> None:
    """`out[:] = (left @ right).toarray()` for float32 operands, the same sums bit for bit, 2-3 times faster.

    scipy's sparse product reads its operands twice (once to size its result), then builds a sparse
    result only for it to be spread into `out`; here the rows of `right` that each row of `left` names
    are copied out (a few rows of `left` at once, up to GATHERED_CELLS), scaled by its values, and summed
    into `out` by `toarray`, which adds repeated cells in their order: the order scipy's product adds them in.
    """
    weights = np.asarray(left.data, dtype=out.dtype)
    ones = bool(np.all(weights == 1))  # who had what: the rows copied are the products (x * 1 is x)
    copied = np.concatenate(([0], np.cumsum(np.diff(right.indptr)[left.indices])))[left.indptr]
    start = 0
    while start < left.shape[0]:  # rows [start, stop): GATHERED_CELLS copied at most, but for a single row
        stop = max(start + 1, int(np.searchsorted(copied, copied[start] + GATHERED_CELLS, "right")) - 1)
        some, entries = left[start:stop], slice(left.indptr[start], left.indptr[stop])
        gathered = right[some.indices]
        values = (
            gathered.data if ones else gathered.data * np.repeat(weights[entries], np.diff(gathered.indptr))
        )
        summed = sparse.csr_matrix(
            (values, gathered.indices, gathered.indptr[some.indptr]), out[start:stop].shape
        )
        summed.toarray(out=out[start:stop])
        start = stop


def exclude_seen(scores: np.ndarray, seen: sparse.csr_matrix) -> None:
    """Set to -inf, in place, the scores of the items each row's user already has (`seen`: the same rows)."""
    rows = np.repeat(np.arange(seen.shape[0]), np.diff(seen.indptr))
    scores[rows, seen.indices] = -np.inf


def top_k(
    scores: np.ndarray, k: int, mostly_equal: bool = False, guess: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the columns of the k highest scores, best first (ties: the lower column first), and those
    scores.

    Each row's columns are dealt into chunks: the k-th highest chunk maximum is at most the k-th
    highest score, so only the chunks whose maximum reaches it are read again, and the few scores at or
    above it sorted (one pass over the rows, no partition of them). When ties leave too many (most scores
    equal), a partition finds each row's k-th score instead; say `mostly_equal` when most scores
    share one value (zero similarities): it then partitions the negated scores at k - 1, several
    times faster there. `guess`: k distinct columns per row likely among the best (a top k of these rows
    before their scores rose), whose lowest score bounds the k-th from below (`top_k_above`).
    """
    count = scores.shape[1]
    k = min(k, count)
    if k <= 0:
        empty = np.empty((scores.shape[0], 0))
        return empty.astype(np.int64), empty
    if guess is not None and guess.shape[1] == k:
        found = top_k_above(scores, guess, k)
        if found is not None:
            return found
    chunk = 1 << max(0, min(CHUNK, count // (4 * k)).bit_length() - 1)  # a power of 2
    if chunk >= 4:
        found = top_k_in_chunks(scores, k, chunk)
        if found is not None:
            return found
    if mostly_equal:
        kth = -np.partition(-scores, k - 1, axis=1)[:, k - 1]
    else:
        kth = np.partition(scores, count - k, axis=1)[:, count - k]
    above = scores > kth[:, None]
    tied = scores == kth[:, None]
    room = k - above.sum(axis=1, keepdims=True)  # how many of the tied make the k, lowest columns first
    rows, columns = np.nonzero(above | (tied & (np.cumsum(tied, axis=1, dtype=np.int32) <= room)))
    return sorted_by_row(rows, columns, scores, k)


def top_k_above(scores: np.ndarray, guess: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray] | None:
    """`top_k` ranking only the cells at or above the lowest score of the k distinct cells `guess` names in
    the row (k cells reach it, so the k-th highest does too; None: ties leave too many to sort)."""
    floor = np.take_along_axis(scores, guess, axis=1).min(axis=1)
    cells = np.flatnonzero(scores >= floor[:, None])
    if len(cells) > CANDIDATES_PER_PICK * k * len(scores):
        return None
    rows, columns = np.divmod(cells, scores.shape[1])
    return sorted_by_row(rows, columns, scores, k)


def top_k_in_chunks(scores: np.ndarray, k: int, chunk: int) -> tuple[np.ndarray, np.ndarray] | None:
    """`top_k` looking only in the chunks of `chunk` columns (a power of 2) whose maximum reaches the row's
    k-th highest chunk maximum (None: ties leave too many chunks or scores to sort). A chunk is every
    `whole`-th column (whole: the number of chunks), not `chunk` columns side by side: the maxima are then
    halvings of the rows, the maximum of their halves, each over long runs of columns (fast), not a maximum
    per run of `chunk` columns: top_k a fifth faster on 100 x 10,000 scores (twice as fast once in cache)."""
    count_rows, count = scores.shape
    whole = count // chunk
    maxima = scores[:, : whole * chunk]
    while maxima.shape[1] > whole:  # column c's maximum with those c + i whole: chunk c mod whole's
        half = maxima.shape[1] // 2
        maxima = np.maximum(maxima[:, :half], maxima[:, half:])
    tail = scores[:, whole * chunk :]
    if tail.shape[1]:
        maxima = np.concatenate([maxima, tail.max(axis=1, keepdims=True)], axis=1)
    threshold = -np.partition(-maxima, k - 1, axis=1)[:, k - 1]
    rows, chunks = np.nonzero(maxima[:, :whole] >= threshold[:, None])
    if len(rows) > CANDIDATES_PER_PICK * k * count_rows // 2:
        return None
    # column `offset * whole + j` of chunk j, the chunks as a view (reshaping would copy every score)
    dealt = np.lib.stride_tricks.as_strided(
        scores, (count_rows, chunk, whole), (scores.strides[0], whole * scores.strides[1], scores.strides[1])
    )
    cells = dealt[rows, :, chunks]  # the chunks that may hold a row's best, copied: a few per row
    hit, offset = np.divmod(np.flatnonzero(cells >= threshold[rows, None]), chunk)
    tail_rows, tail_columns = np.nonzero(tail >= threshold[:, None])
    rows = np.concatenate([rows[hit], tail_rows])
    if len(rows) > CANDIDATES_PER_PICK * k * count_rows:
        return None
    columns = np.concatenate([offset * whole + chunks[hit], tail_columns + whole * chunk])
    return sorted_by_row(rows, columns, scores, k)


def sorted_by_row(
    rows: np.ndarray, columns: np.ndarray, scores: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Of the cells (`rows`, `columns`), at least k per row, each row's k of highest score, best first."""
    values = scores[rows, columns]
    order = np.lexsort((columns, -values, rows))
    rows, columns, values = rows[order], columns[order], values[order]
    first = np.arange(len(rows)) - np.searchsorted(rows, rows) < k
    shape = (len(scores), k)
    return columns[first].reshape(shape).astype(np.int64), values[first].reshape(shape)


def most_similar_first(columns: np.ndarray, similar: np.ndarray, keep: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the `keep` cells of highest float32 `similar` (negatives as 0), ties to the lower column (-1
    first): their columns and similarities, from one sort of a key composing both (a float32 >= 0 orders
    as its bits), not a sort by each; RANKED_CELLS at a time, in place: two arrays of keys (a few MB), whose
    memory is reused from chunk to chunk, not fresh pages (29,000 rows x 272 in a new process: 0.105 s in
    one sort, 0.06 s in chunks)."""
    kept = min(keep, columns.shape[1])
    found, values = np.empty((len(columns), kept), np.int32), np.empty((len(columns), kept), np.float32)
    step = max(1, RANKED_CELLS // max(1, columns.shape[1]))
    for start in range(0, len(columns), step):
        rows = slice(start, start + step)
        key = columns[rows].astype(np.int64) + 1
        high = np.maximum(similar[rows].view(np.int32), 0).astype(np.int64)
        np.subtract(0x7FFFFFFF, high, out=high)
        high <<= 32
        key |= high
        del high
        key.sort(axis=1)
        key = key[:, :kept]
        values[rows] = (0x7FFFFFFF - (key >> 32)).astype(np.int32).view(np.float32)
        found[rows] = (key & 0xFFFFFFFF).astype(np.int32) - 1
    return found, values
