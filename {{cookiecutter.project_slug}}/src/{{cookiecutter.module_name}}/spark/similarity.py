"""Item-item cosine similarities on Spark: MLlib's `RowMatrix.columnSimilarities`, for `[models.knn] engine = "spark"`.

The users x items matrix goes to Spark a user (a sparse row) at a time; Spark computes the cosine
of every pair of item columns that share a user, exactly with `threshold = 0`, or, with a positive
`threshold`, by DIMSUM sampling that estimates the pairs above it well and may miss those below
(far less work for a large catalogue). Shrinkage and each item's top neighbours are applied on
Spark too, so only items x neighbours numbers come back: the same `Neighbours` the in-process
computation gives, so scoring, the saved model and everything after it are unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy import sparse

from ..models.item_knn import Neighbours
from . import session

ROWS_PER_PARTITION = 20_000  # users per partition of the matrix sent to Spark


def top_similar_items(
    matrix: sparse.csr_matrix, neighbors: int, shrinkage: float, threshold: float, settings: Mapping[str, Any]
) -> Neighbours:
    """For each column (item) of the users x items `matrix`, the `neighbors` other columns of highest cosine
    similarity, divided by (|a| |b| + shrinkage) instead of |a| |b| as the in-process `top_similar` does."""
    from pyspark.mllib.linalg import SparseVector
    from pyspark.mllib.linalg.distributed import RowMatrix
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    matrix = sparse.csr_matrix(matrix, dtype=np.float64)
    count = matrix.shape[1]
    keep = max(0, min(neighbors, count - 1))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=0)).ravel())
    rows = [(matrix.indices[a:b], matrix.data[a:b]) for a, b in zip(matrix.indptr[:-1], matrix.indptr[1:])]
    with session(settings) as spark:
        vectors = spark.sparkContext.parallelize(rows, max(1, len(rows) // ROWS_PER_PARTITION)).map(
            lambda row: SparseVector(count, row[0], row[1])
        )
        entries = RowMatrix(vectors, len(rows), count).columnSimilarities(threshold).entries
        pairs = entries.map(lambda entry: (int(entry.i), int(entry.j), float(entry.value))).toDF(["a", "b", "cosine"])
        both_ways = pairs.unionByName(pairs.select(F.col("b").alias("a"), F.col("a").alias("b"), "cosine"))
        norm = spark.createDataFrame([(index, float(value)) for index, value in enumerate(norms)], ["item", "norm"])
        product = F.col("norm_a") * F.col("norm_b")
        shrunk = (
            both_ways.join(norm.toDF("a", "norm_a"), "a")
            .join(norm.toDF("b", "norm_b"), "b")
            # cosine x |a| |b| is the dot product: divided again by |a| |b| + shrinkage
            .withColumn("similarity", F.col("cosine") * product / (product + F.lit(shrinkage)))
            .where(F.col("similarity") > 0)
        )
        ranked = shrunk.withColumn(
            "rank", F.row_number().over(Window.partitionBy("a").orderBy(F.desc("similarity"), "b"))
        )
        top = ranked.where(F.col("rank") <= keep).select("a", "b", "rank", "similarity").toPandas()
    columns = np.zeros((count, keep), dtype=np.int32)
    values = np.zeros((count, keep), dtype=np.float32)
    place = (top["a"].to_numpy(), top["rank"].to_numpy() - 1)
    columns[place], values[place] = top["b"].to_numpy(), top["similarity"].to_numpy()
    return Neighbours(columns, values)
