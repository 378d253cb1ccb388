"""Each item's (or user's) nearest neighbours: what item-KNN's similarities come to, on either engine.

models/item_knn.py (in process) and spark/similarity.py (Spark) both produce these; neither imports
the other's module for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse


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
