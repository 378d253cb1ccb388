"""Each row's most similar rows of a sparse matrix (cosine, with shrinkage): item-KNN's similarity kernel
and the neighbour lists it comes to, on either engine.

models/item_knn.py scores with these lists, computed in process (`top_similar`, here) or on Spark
(spark/similarity.py); both import this module and neither imports the other's.

The rows are taken a block at a time (a block x all dense slab, cut to its top `neighbors` per
row at once, so there is never a dense rows x rows matrix), the blocks on a thread per core:
scipy's sparse product and numpy's partition release the GIL, so the threads run at once. A
row's neighbours depend only on its own similarities, not on the block size or the threads.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .interactions import top_k

BLOCK_CELLS = 8_000_000  # similarities computed at once, over all the threads (float32: 32 MB)


@dataclass(frozen=True)
class Neighbours:
    """Row t's most similar rows (`columns[t]`) and their similarities (`values[t]`), most similar first;
    a similarity of 0 marks a missing neighbour."""

    columns: np.ndarray
    values: np.ndarray

    def matrix(self, neighbors: int) -> sparse.csr_matrix:
        """Rows x rows sparse similarities, keeping each row's first `neighbors` (no loop over rows)."""
        columns, values = self.columns[:, :neighbors], self.values[:, :neighbors]
        rows = np.repeat(np.arange(len(columns)), columns.shape[1])
        kept = values.ravel() > 0
        shape = (len(columns), len(columns))
        return sparse.csr_matrix((values.ravel()[kept], (rows[kept], columns.ravel()[kept])), shape=shape)


def top_similar(
    vectors: sparse.csr_matrix, neighbors: int, shrinkage: float = 0.0, threads: int | None = None
) -> Neighbours:
    """For each row of `vectors`, the `neighbors` other rows of highest cosine similarity to it, each
    dot product divided by |a| |b| + `shrinkage`; `threads`: one per core by default."""
    vectors = sparse.csr_matrix(vectors, dtype=np.float32)
    count = vectors.shape[0]
    norms = np.sqrt(np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel()).astype(np.float32)
    transposed = vectors.T.tocsr()
    keep = max(0, min(neighbors, count - 1))
    threads = threads or os.cpu_count() or 1
    block = max(1, BLOCK_CELLS // threads // max(1, count))
    columns = np.zeros((count, keep), dtype=np.int32)
    values = np.zeros((count, keep), dtype=np.float32)

    def fill(start: int) -> None:
        stop = min(start + block, count)
        similarity = (vectors[start:stop] @ transposed).toarray()
        similarity /= norms[start:stop, None] * norms[None, :] + np.float32(shrinkage + 1e-12)
        similarity[np.arange(stop - start), np.arange(start, stop)] = 0.0  # a row is not its own neighbour
        columns[start:stop], values[start:stop] = top_k(similarity, keep, mostly_equal=True)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(fill, range(0, count, block)))  # list: re-raises a thread's error here
    return Neighbours(columns, np.maximum(values, 0.0))
