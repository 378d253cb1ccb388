"""Item-item cosine similarities on Spark, MLlib's `RowMatrix.columnSimilarities`: `engine = "spark"`.

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

from ..models.neighbours import Neighbours
from . import session

ROWS_PER_PARTITION = 20_000  # users per partition of the matrix sent to Spark


def top_similar_items(
    matrix: sparse.csr_matrix, neighbors: int, shrinkage: float, threshold: float, settings: Mapping[str, Any]
) -> Neighbours:
    """For each column (item) of the users x items `matrix`, the `neighbors` other columns of highest cosine
    similarity, divided by (|a| |b| + shrinkage) instead of |a| |b| as the in-process `top_similar` does."""
    from pyspark.mllib.common import callMLlibFunc
    from pyspark.mllib.linalg import SparseVector
    from pyspark.mllib.linalg.distributed import RowMatrix
    from pyspark.sql import Window
    from pyspark.sql.functions import col, desc, lit, row_number

    matrix = sparse.csr_matrix(matrix, dtype=np.float64)
    count = matrix.shape[1]
    keep = max(0, min(neighbors, count - 1))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=0)).ravel())
    bounds = zip(matrix.indptr[:-1], matrix.indptr[1:], strict=True)
    rows = [(matrix.indices[start:stop], matrix.data[start:stop]) for start, stop in bounds]
    with session(settings) as spark:
        slices = max(spark.sparkContext.defaultParallelism, len(rows) // ROWS_PER_PARTITION)
        vectors = spark.sparkContext.parallelize(rows, slices).map(lambda row: SparseVector(count, *row))
        similarities = RowMatrix(vectors, len(rows), count).columnSimilarities(threshold)
        # The pairs as a DataFrame on the JVM: `similarities.entries` builds this one, then turns every pair
        # into a Python object, which would send up to items^2 / 2 of them through Python.
        entries = callMLlibFunc("getMatrixEntries", similarities._java_matrix_wrapper._java_model)
        pairs = entries.toDF("a", "b", "cosine")
        both_ways = pairs.unionByName(pairs.select(col("b").alias("a"), col("a").alias("b"), "cosine"))
        norm = spark.createDataFrame(list(enumerate(norms.tolist())), ["item", "norm"])
        product = col("norm_a") * col("norm_b")
        shrunk = (
            both_ways.join(norm.toDF("a", "norm_a"), "a")
            .join(norm.toDF("b", "norm_b"), "b")
            # cosine x |a| |b| is the dot product: divided again by |a| |b| + shrinkage
            .withColumn("similarity", col("cosine") * product / (product + lit(shrinkage)))
            .where(col("similarity") > 0)
        )
        ranked = shrunk.withColumn(
            "rank", row_number().over(Window.partitionBy("a").orderBy(desc("similarity"), "b"))
        )
        top = ranked.where(col("rank") <= keep).select("a", "b", "rank", "similarity").toPandas()
    columns = np.zeros((count, keep), dtype=np.int32)
    values = np.zeros((count, keep), dtype=np.float32)
    place = (top["a"].to_numpy(), top["rank"].to_numpy() - 1)
    columns[place], values[place] = top["b"].to_numpy(), top["similarity"].to_numpy()
    return Neighbours(columns, values)
