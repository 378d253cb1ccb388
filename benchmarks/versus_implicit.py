"""The project's recommenders beside `implicit`'s on the same split: bench.py's `versus-implicit` section.

Run by bench.py with a baked recommendation project's own Python, in the project, after `make split`:

    python versus_implicit.py PACKAGE [--ndcg]
    python versus_implicit.py --write-tail CSV    # the long-tailed log as interactions, for a project

One round: each figure timed for the project then for implicit (the similarity fit on a long-tailed log
of its own too); prints one JSON object, {"seconds": {figure: {"project": [wall s, CPU s], "implicit":
[...]}}, "ndcg": {model: {who: ndcg@10}}} (ndcg only with --ndcg).
bench.py runs rounds of it alternating with the `train knn` step (a make target), whose implicit
counterparts (one fit at the neighbour count the step chose, the project's and implicit's) are here.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from importlib import import_module
from typing import Any

import numpy as np
import pandas as pd
from implicit.cpu.als import AlternatingLeastSquares
from implicit.nearest_neighbours import CosineRecommender
from scipy import sparse
from threadpoolctl import threadpool_limits

K = 10  # recommendations per user, as the project's [evaluate] k
NEIGHBOURS = 100  # the neighbour count compared, as in issue 23's table
STEP_NEIGHBOURS = 200  # the neighbour count `train knn` chose in issue 23 (implicit's single fit beside it)
# the project's ALS as a team gets it (alpha chosen of 1 and 10 on validation: 3 fits), beside implicit's
# one fit at alpha 10 on the ratings themselves, as implicit is used
ALS = {"rank": 64, "reg_param": 0.05, "max_iter": 10}
DIRECTIONS = ("candidate", "history")
# a long-tailed log beside the medium one: items of Zipf popularity (exponent 1.05), users of log-normal
# activity (median 10), as most items of a shop are bought by a handful of users; seeded
TAIL_USERS, TAIL_ITEMS, TAIL_ZIPF, TAIL_ACTIVITY = 60_000, 30_000, 1.05, (2.3, 1.1)


def timed(work: Callable[[], Any]) -> tuple[list[float], Any]:
    """[wall seconds, CPU seconds of every thread of this process] that `work` took, and what it returned:
    on a shared machine the wall time grows with the load, the CPU time barely."""
    start, cpu = time.perf_counter(), time.process_time()
    result = work()
    return [time.perf_counter() - start, time.process_time() - cpu], result


def implicit_top(model: Any, matrix: Any, rows: np.ndarray, users: np.ndarray, items: np.ndarray) -> pd.DataFrame:
    """implicit's top K for the users at `rows`, seen items left out, as a recommendations frame."""
    found, _ = model.recommend(rows, matrix[rows], N=K, filter_already_liked_items=True)
    return pd.DataFrame(
        {
            "user": np.repeat(users[rows], K),
            "item": items[found.ravel()],
            "rank": np.tile(np.arange(1, K + 1), len(rows)),
        }
    )


def long_tailed_log() -> sparse.csr_matrix:
    """A users x items matrix of who had what, long-tailed (TAIL_*), the same every run."""
    rng = np.random.default_rng(0)
    activity = np.minimum(np.ceil(rng.lognormal(*TAIL_ACTIVITY, TAIL_USERS)).astype(np.int64), 2000)
    popularity = 1.0 / np.arange(1, TAIL_ITEMS + 1) ** TAIL_ZIPF
    users = np.repeat(np.arange(TAIL_USERS), activity)
    items = rng.choice(TAIL_ITEMS, len(users), p=popularity / popularity.sum())
    had = sparse.csr_matrix((np.ones(len(users), np.float32), (users, items)), (TAIL_USERS, TAIL_ITEMS))
    had.sum_duplicates()
    had.data[:] = 1.0
    return had


def write_tail(path: str) -> None:
    """The long-tailed log as an interactions CSV (user, item, timestamp: seeded seconds in 2020), for bench.py
    to time the `train knn` step on it."""
    had = long_tailed_log().tocoo()
    seconds = np.random.default_rng(1).integers(1_577_836_800, 1_609_459_200, had.nnz)
    frame = pd.DataFrame({"user": "u" + pd.Series(had.row).astype(str), "item": "i" + pd.Series(had.col).astype(str)})
    frame.assign(timestamp=seconds).to_csv(path, index=False)


def main(package: str, with_ndcg: bool) -> None:
    """One round: each figure for the project then for implicit; ndcg@10 of each too when `with_ndcg`."""
    interactions = import_module(f"{package}.models.interactions")
    neighbours = import_module(f"{package}.models.neighbours")
    if "sparse_dot_topn" in import_module(f"{package}.models.candidate_search").ENGINES:
        import_module("sparse_dot_topn")  # imported before the timing, as implicit is (10-18 ms)
    item_knn = import_module(f"{package}.models.item_knn")
    als = import_module(f"{package}.models.als")
    ranking = import_module(f"{package}.tasks.ranking")
    columns = import_module(f"{package}.tasks.interaction_log").Columns("user", "item", "rating")
    train = pd.read_parquet("data/processed/train.parquet")
    test = pd.read_parquet("data/processed/test.parquet")
    fitted = interactions.Interactions.from_frame(train, columns)
    binary = fitted.binary()
    users = test["user"].unique()
    rows = fitted.rows_of(users)
    seconds: dict[str, dict[str, list[float]]] = {}
    ndcg: dict[str, dict[str, float]] = {}

    def score(recommended: pd.DataFrame) -> float:
        return ranking.metrics_at_k(recommended, test, train, columns, K)["ndcg_at_k"] if with_ndcg else float("nan")

    cosine, wide = CosineRecommender(K=NEIGHBOURS), CosineRecommender(K=STEP_NEIGHBOURS)
    seconds["similarity fit"] = {
        "project": timed(lambda: neighbours.top_similar(binary.T, NEIGHBOURS, 10.0))[0],
        "implicit": timed(lambda: cosine.fit(binary, show_progress=False))[0],
    }
    tail, on_tail = long_tailed_log(), CosineRecommender(K=NEIGHBOURS)
    seconds["similarity fit, long-tailed log"] = {
        "project": timed(lambda: neighbours.top_similar(tail.T, NEIGHBOURS, 10.0))[0],
        "implicit": timed(lambda: on_tail.fit(tail, show_progress=False))[0],
    }
    seconds["single fit, K = 200"] = {
        "project": timed(lambda: neighbours.top_similar(binary.T, STEP_NEIGHBOURS, 10.0))[0],
        "implicit": timed(lambda: wide.fit(binary, show_progress=False))[0],
    }
    knn = {d: item_knn.build("recommendation", 0, neighbors=NEIGHBOURS, direction=d) for d in DIRECTIONS}
    for model in knn.values():
        model.fit(train, columns, k=K)
    took, ours = timed(lambda: knn["history"].recommend(users, K))
    took_theirs, theirs = timed(lambda: implicit_top(cosine, binary, rows, fitted.users, fitted.items))
    seconds["scoring every test user"] = {"project": took, "implicit": took_theirs}
    ndcg["item-KNN"] = {
        "project (candidate)": score(knn["candidate"].recommend(users, K)) if with_ndcg else float("nan"),
        "project (history)": score(ours),
        "implicit": score(theirs),
    }
    ndcg["implicit K = 200"] = {"implicit": score(implicit_top(wide, binary, rows, fitted.users, fitted.items))}
    model = als.build("recommendation", 0, **ALS)
    took = timed(lambda: model.fit(train, columns))[0]
    with threadpool_limits(1, "blas"):  # as implicit asks, and as the project's ALS does
        reference = AlternatingLeastSquares(factors=64, regularization=0.05, alpha=10.0, iterations=10, random_state=0)
        took_theirs = timed(lambda: reference.fit(fitted.matrix, show_progress=False))[0]
    seconds["ALS in-process"] = {"project": took, "implicit": took_theirs}
    ndcg["ALS"] = {
        "project": score(model.recommend(users, K)),
        "implicit": score(implicit_top(reference, fitted.matrix, rows, fitted.users, fitted.items)),
    }
    print(json.dumps({"seconds": seconds, "ndcg": ndcg}))


if __name__ == "__main__":
    if sys.argv[1] == "--write-tail":
        write_tail(sys.argv[2])
    else:
        main(sys.argv[1], sys.argv[2:] == ["--ndcg"])
