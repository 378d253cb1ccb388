"""Choosing a recommender's settings on validation: a per-user split carved out of the training log.

The split holds out each user's interactions as the test split does (the same holdout and k the
model is judged on), so a setting is chosen the way it will be scored, and the test interactions
are used once, to score. Item-KNN chooses its neighbours and the popularity rules their window
and segment with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..tasks.interaction_log import Columns, split_users
from ..tasks.ranking import ndcg, ranked_hits


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
