"""The search behind item-KNN's neighbours (neighbours.py): for each row compared, the rows of highest
weighted dot product with it, found by a sparse accumulator and a size-`wide` heap per row, in compiled
code, a thread per core.

Two engines give the same answer: `sparse_dot_topn` (ING's top-n sparse product), which installs from a
wheel on Linux and Windows on x86-64 and on macOS, and `implicit`'s all-pairs routine (`implicit` is
installed for ALS anyway). sparse_dot_topn's heap takes a floor: a product at or under it is never
pushed, which took a quarter off its search on the medium log. The floor comes from a sample of rows'
own `wide`-th products, and the few rows it leaves short of `wide` products are searched again without
it, so the floor changes the time only, never the answer. But sparse_dot_topn sorts a full heap per
row, which costs more than the floor saves when rows have few products each (a long-tailed log, most
items bought by a handful of users), so the engine is chosen by the products per row.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.util import find_spec

import numpy as np
from scipy import sparse

# sparse_dot_topn from this many products per row per slot (the pairs of a user's cells, summed over the
# users, per row and per `wide`): the fit with it took 0.78x the time with implicit's at 84 (the medium
# log), 0.91x at 37, 0.79x at 28, and 1.11x at 8 and at 5 (two long-tailed logs), 151 slots each
PRODUCTS_PER_SLOT = 16
SAMPLE_ROWS = 256  # rows searched first, without a floor, to choose one
# the floor: this share of the sampled rows have their `wide`-th product under it (about as many rows are
# searched twice; 1%, 5% and 20% took 0.60, 0.61 and 0.67 s on the medium log, 0.79 s without a floor)
FLOOR_QUANTILE = 0.05


def by_sparse_dot_topn(weighted: sparse.csr_matrix, wide: int, threads: int) -> tuple[np.ndarray, np.ndarray]:
    """`highest_products` by sparse_dot_topn's product of the rows compared by `weighted`, with a floor."""
    from sparse_dot_topn import sp_matmul_topn

    count = weighted.shape[1]
    # sparse_dot_topn gives each thread an equal run of rows, so the rows go in an order unrelated to their
    # work (items numbered by popularity gave one thread most of it: 0.43 s against 0.29 s shuffled)
    order = np.random.default_rng(0).permutation(count)
    by_row = weighted.T.tocsr()[order]
    floor = None
    if count > SAMPLE_ROWS:
        sample = np.linspace(0, count - 1, SAMPLE_ROWS).astype(np.int64)
        _, products, lengths = padded(sp_matmul_topn(by_row[sample], weighted, wide, n_threads=threads), wide)
        lowest = products[lengths == wide].min(axis=1)
        floor = float(np.quantile(lowest, FLOOR_QUANTILE)) if len(lowest) else None
    found = sp_matmul_topn(by_row, weighted, wide, threshold=floor or None, n_threads=threads)
    columns, products, lengths = padded(found, wide, order)  # each row back in its place
    short = np.flatnonzero(lengths < wide) if floor else np.empty(0, np.int64)
    if len(short):  # rows with products under the floor among their `wide` highest: the same, without it
        columns[order[short]], products[order[short]], _ = padded(
            sp_matmul_topn(by_row[short], weighted, wide, n_threads=threads), wide
        )
    return columns, products


def by_implicit(weighted: sparse.csr_matrix, wide: int, threads: int) -> tuple[np.ndarray, np.ndarray]:
    """`highest_products` by implicit's all-pairs routine."""
    from implicit.nearest_neighbours import all_pairs_knn

    count = weighted.shape[1]
    # all_pairs_knn writes row i's `wide` highest (unordered; empty slots 0) at [i * wide, (i + 1) * wide)
    found = all_pairs_knn(weighted, wide, num_threads=threads, show_progress=False)
    return found.col.reshape(count, wide), found.data.reshape(count, wide)


Search = Callable[[sparse.csr_matrix, int, int], tuple[np.ndarray, np.ndarray]]
ENGINES: dict[str, Search] = {"implicit": by_implicit}
if find_spec("sparse_dot_topn"):  # not installed where it has no wheel (Linux on ARM)
    ENGINES["sparse_dot_topn"] = by_sparse_dot_topn
ENGINE: str | None = None  # None: `engine_for` chooses; a name: that engine (the tests run each)


def highest_products(weighted: sparse.csr_matrix, wide: int, threads: int) -> tuple[np.ndarray, np.ndarray]:
    """For each row compared (a column of `weighted`, users x rows, CSR), the `wide` rows of highest dot
    product with it, itself among them, on `threads` threads: (columns, products), rows x `wide`,
    unordered, an empty slot column 0 with product 0. A row left out has a product at most its row's
    smallest (0 when a slot is empty)."""
    return ENGINES[ENGINE or engine_for(weighted, wide)](weighted, wide, threads)


def engine_for(weighted: sparse.csr_matrix, wide: int) -> str:
    """sparse_dot_topn when it is installed and the rows have PRODUCTS_PER_SLOT products per slot or more
    (a user's cells make a product per pair of them), implicit's routine otherwise."""
    cells = np.diff(weighted.indptr).astype(np.int64)
    # summed, not a BLAS dot: BLAS's threads would spin beside the search's for a while (+40 ms)
    busy = np.sum(cells * cells) >= PRODUCTS_PER_SLOT * wide * weighted.shape[1]
    return "sparse_dot_topn" if busy and "sparse_dot_topn" in ENGINES else "implicit"


def padded(
    found: sparse.csr_matrix, wide: int, places: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A sparse product's rows as rows x `wide` arrays (empty slots: column 0, product 0), its row i at row
    `places[i]` (i by default), and each of its rows' number of products."""
    lengths = np.diff(found.indptr)
    cells = int(found.indptr[-1])
    first = (np.arange(len(lengths)) if places is None else places).astype(np.int64) * wide
    # each product's place in the flat arrays: its row's first slot, then its rank in the row
    flat = np.repeat(first - found.indptr[:-1], lengths) + np.arange(cells)
    columns = np.zeros(len(lengths) * wide, np.int32)
    products = np.zeros(len(lengths) * wide, found.dtype)
    columns[flat], products[flat] = found.indices[:cells], found.data[:cells]
    return columns.reshape(-1, wide), products.reshape(-1, wide), lengths
