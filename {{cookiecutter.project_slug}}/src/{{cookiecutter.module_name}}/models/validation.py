"""Choosing a recommender's settings on validation: a per-user split carved out of the training log.

The split holds out each user's interactions as the test split does (the same holdout and k the
model is judged on), so a setting is chosen the way it will be scored, and the test interactions
are used once, to score. The popularity rules choose their window and segment on it as frames
(`validation_split`); item-KNN chooses its neighbours on the same split made on the fitted matrix's
rows and columns (`cell_split`: only the scored users' held-out cells emptied), each setting's top k
scored as columns (`top_columns`: every neighbour count of a direction in one pass), with no frame of
ids to build or compare (`validate_grid`).
"""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..tasks.interaction_columns import Columns
from ..tasks.interaction_log import split_users
from ..tasks.ranking import ndcg, ranked_hits
from .interactions import Interactions
from .neighbours import Neighbours
from .selection import each_batch, exclude_seen, top_k

# top_columns: scores per batch (float32: 8 MB), read and written once per part: fewer batches pick the users'
# rows and slice them fewer times (scipy's cost per call), which saves more than the cache loses. The default
# grid's scoring at 1M, 2M and 4M: 0.45, 0.36 and 0.42 s on the medium log; at 1M and 2M, 1.13 and 0.95 s on
# a long-tailed log of 29,000 items
BATCH_SCORES = 2_000_000


@dataclass(frozen=True)
class Validation:
    """The interactions to fit on (`fitting`), every one left out of them (`left_out`), the held-out ones
    of the users scored (`held`), those users and what they had."""

    fitting: pd.DataFrame
    left_out: pd.DataFrame
    held: pd.DataFrame
    users: np.ndarray
    seen: pd.DataFrame
    columns: Columns
    k: int

    def ndcg(self, recommended: pd.DataFrame) -> float:
        """NDCG@k of the `recommended` top k of the scored users against their held-out interactions (as
        the evaluate step's, without the other metrics: a grid is chosen on this one)."""
        hits, relevant, _ = ranked_hits(recommended, self.held, self.seen, self.columns, self.k)
        return float(ndcg(hits, relevant).mean()) if len(relevant) else 0.0


def validation_split(
    train: pd.DataFrame, columns: Columns, size: float, holdout: str, seed: int, max_users: int, k: int
) -> Validation:
    """A per-user validation split of the training interactions; at most `max_users` users (seeded) are
    scored, which bounds the time each setting tried takes."""
    fitting, left_out = split_users(train, columns, size, holdout, seed=seed)
    users: Any = left_out[columns.user].unique()
    held = left_out
    if len(users) > max_users:
        users = np.random.default_rng(seed).choice(users, max_users, replace=False)
        held = left_out[left_out[columns.user].isin(users)]
    seen = fitting[fitting[columns.user].isin(users)]  # all ndcg needs of the training side
    return Validation(fitting, left_out, held, users, seen, columns, k)


@dataclass(frozen=True)
class CellValidation:
    """`validation_split` on the matrix cells of a fitted model: the training matrix with the held-out cells
    emptied (`fitting`), the scored users' rows (sorted) and their held-out cells (`relevant`: row x
    items + column, sorted, without the cells also left in `fitting`, as ndcg counts them)."""

    fitting: Interactions
    rows: np.ndarray
    relevant: np.ndarray
    k: int

    def ndcg(self, best: np.ndarray) -> float:
        """NDCG@k of each scored row's top k columns (`best`, rows in `rows` order; -1: no item), as the
        evaluate step's: over the rows with a held-out cell."""
        count = self.fitting.matrix.shape[1]
        best = np.pad(best, ((0, 0), (0, self.k - best.shape[1])), constant_values=-1)
        keys = self.rows[:, None].astype(np.int64) * count + best
        found = np.minimum(np.searchsorted(self.relevant, keys), max(len(self.relevant) - 1, 0))
        hits = (
            (best >= 0) & (self.relevant[found] == keys) if len(self.relevant) else np.zeros(best.shape, bool)
        )
        relevant = np.bincount(np.searchsorted(self.rows, self.relevant // count), minlength=len(self.rows))
        scored = relevant > 0
        return float(ndcg(hits[scored].astype(np.float64), relevant[scored]).mean()) if scored.any() else 0.0


def cell_split(
    fitted: Interactions,
    train: pd.DataFrame,
    columns: Columns,
    size: float,
    holdout: str,
    seed: int,
    max_users: int,
    k: int,
) -> CellValidation:
    """`validation_split` of `train` (the frame `fitted` was made from) on matrix rows and columns, without a
    frame of ids: at most `max_users` users (seeded) with two interactions or more are scored, a share of
    each one's held out as the test split holds out; only their held-out cells are emptied from the matrix
    (the other users' interactions are all fitted on, as in the final fit)."""
    users, items = fitted.cells_of(train, columns)
    eligible = np.flatnonzero(np.bincount(users, minlength=len(fitted.users)) >= 2)
    scored = eligible
    if len(eligible) > max_users:
        scored = np.sort(np.random.default_rng(seed).choice(eligible, max_users, replace=False))
    is_scored = np.zeros(len(fitted.users), dtype=bool)
    is_scored[scored] = True
    picked = is_scored[users]
    coded = pd.DataFrame({"user": users[picked], "item": items[picked]})
    if columns.time:
        coded["time"] = train[columns.time].to_numpy()[picked]
    kept, held = split_users(
        coded, Columns("user", "item", time="time" if columns.time else None), size, holdout, seed=seed
    )
    count = len(fitted.items)
    held_keys = held["user"].to_numpy(np.int64) * count + held["item"].to_numpy()
    kept_keys = kept["user"].to_numpy(np.int64) * count + kept["item"].to_numpy()
    relevant = np.unique(held_keys[~np.isin(held_keys, kept_keys)])
    emptied = fitted.without(held["user"].to_numpy(), held["item"].to_numpy())
    return CellValidation(emptied, scored, relevant, k)


def validate_grid(
    model: Any, train: pd.DataFrame, columns: Columns
) -> tuple[dict[tuple, float], dict[float, Any]]:
    """NDCG@k of each combination of a KNN model's grid (neighbours, shrinkage, direction) on `cell_split`,
    and per shrinkage the model's fit on all the training interactions at its largest neighbour count:
    the final fit (cut to the count chosen), whose candidates the validation fit starts from."""
    shrinkages = sorted({shrinkage for _, shrinkage, _ in model.grid})
    largest = {s: max(n for n, t, _ in model.grid if t == s) for s in shrinkages}  # neighbour count
    # the split needs no similarity: it is made on another core while the fits leave one idle at times
    # (their single-threaded stretches): on the medium log, 0.2 s less of 2.2-2.3 s in the quietest rounds
    with ThreadPoolExecutor(1) as beside:
        pending = beside.submit(
            cell_split,
            model.interactions_,
            train,
            columns,
            model.validation_size,
            model.holdout_,
            model.seed,
            model.validation_users,
            model.k_,
        )
        fitted = {s: model.fit_similarity(model.interactions_, largest[s], s) for s in shrinkages}
    split = pending.result()
    probe = copy.copy(model)
    probe.interactions_ = split.fitting
    results = {}
    for shrinkage in shrinkages:
        _, widest = probe.fit_similarity(
            split.fitting, largest[shrinkage], shrinkage, (model.interactions_, fitted[shrinkage])
        )
        for direction in sorted({d for _, s, d in model.grid if s == shrinkage}):
            counts = sorted(n for n, s, d in model.grid if s == shrinkage and d == direction)
            tops = top_columns(increments(probe, widest, counts, direction), split.rows, model.k_)
            results.update(
                {(n, shrinkage, direction): split.ndcg(top) for n, top in zip(counts, tops, strict=True)}
            )
    return {choice: results[choice] for choice in model.grid}, fitted  # grid order: ties go to the first


def increments(probe: Any, widest: Neighbours, counts: list[int], direction: str) -> list[Any]:
    """Copies of a KNN `probe` scoring with the neighbours beyond each count of `counts` (ascending) up to
    the next: summed, the first j score as the first `counts[j - 1]` neighbours do."""
    parts, start = [], 0
    for count in counts:
        part = copy.copy(probe)
        cut = Neighbours(widest.columns[:, start:count], widest.values[:, start:count])
        part.use_neighbours(cut, count - start, direction)
        parts.append(part)
        start = count
    return parts


def top_columns(parts: list[Any], rows: np.ndarray, k: int) -> list[np.ndarray]:
    """For each of `parts`, each row's k best item columns it has not seen (-1: fewer than k), as
    `recommend_rows` ranks them, from the scores of that part and those before it summed (one popularity
    tie-breaker), without a frame of ids: one dense block of scores per batch of rows, the seen items
    ruled out once (-inf stays -inf), each later part's sums added through one reused dense block. A part only
    raises scores (similarities are positive), so the best before it are a close `guess` of the best after."""

    def best_of(some: np.ndarray) -> list[np.ndarray]:
        total = parts[0].scores(some)  # the first part's sums and the tie-breaker
        exclude_seen(total, parts[0].interactions_.matrix[some])
        sums, found, best = np.empty_like(total), [], None
        for part in parts:
            if part is not parts[0]:
                part.similarity_sums(some, sums)
                total += sums
            best, best_scores = top_k(total, k, guess=best)
            found.append(np.where(np.isfinite(best_scores), best, -1))
        return found

    batches = each_batch(best_of, rows, len(parts[0].interactions_.items), BATCH_SCORES)
    return [
        np.concatenate([batch[j] for batch in batches]) if batches else np.empty((0, k), np.int64)
        for j in range(len(parts))
    ]
