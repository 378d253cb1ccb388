"""A recommender's top k for each user of an unlabeled list (`make submit` for recommendations).

`[submit] source` holds user ids in its `[submit] id` column; the submission has one row per
source row, in order: the user, and their k items best first, separated by spaces (the form
recommendation contests take). A user with no training interactions gets the most popular items.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..models.selection import top_k


def popular_items(model: Any, k: int) -> list[Any]:
    """The k items most users had in training, most popular first."""
    fitted = model.interactions_
    best, _ = top_k(fitted.popularity()[None, :], k)
    return list(fitted.items[best[0]])


def top_k_lists(model: Any, users: list[Any], k: int) -> dict[Any, list[Any]]:
    """Each of `users` (known to the model) -> its k items, best first."""
    if not users:
        return {}
    top = model.recommend(users, k).sort_values(["user", "rank"], kind="stable")
    return {user: list(group["item"]) for user, group in top.groupby("user", sort=False)}


def submission(
    model: Any, source: pd.DataFrame, train: pd.DataFrame, settings: Mapping[str, Any]
) -> tuple[pd.DataFrame, list[str]]:
    """Every source user and their top k items, in source order; a note on the users new to the model."""
    id_column, k = settings["id"], settings["k"]
    # Ids are matched as text: a CSV of numbers and a log of text ids still meet.
    known = {str(user): user for user in model.interactions_.users}
    asked = source[id_column].astype(str)
    found = top_k_lists(model, [known[user] for user in asked.unique() if user in known], k)
    popular = popular_items(model, k)
    items = [found.get(known.get(user), popular) for user in asked]
    new = int((~asked.isin(set(known))).sum())
    notes = [f"{new} of {len(asked)} user(s) have no training interactions: they get the most popular items"]
    lists = [" ".join(map(str, row)) for row in items]
    submitted = pd.DataFrame({id_column: source[id_column].to_numpy(), settings["column"]: lists})
    return submitted, notes if new else []
