"""The random recommender: k random unseen items per user. The floor every model must beat."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..tasks.interaction_columns import Columns
from .interactions import Recommender


def mix(values: np.ndarray) -> np.ndarray:
    """Scramble 32-bit integers in place (multiply, xor-shift, multiply: the core of murmur3's
    finaliser), so that nearby inputs give unrelated outputs; cheap enough for every user x item."""
    values *= np.uint32(0x85EBCA6B)
    values ^= values >> np.uint32(16)
    values *= np.uint32(0xC2B2AE35)
    return values


class RandomItems(Recommender):
    """Scores every item with a seeded hash of (user, item): random, yet the same for a user every time.

    Hashing instead of drawing makes a user's recommendations independent of which other users
    are scored with them, so the report, `invoke recommend` and the app all show the same ones.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def learn(self, train: pd.DataFrame, columns: Columns, items: pd.DataFrame | None) -> None:
        rng = np.random.default_rng(self.seed)
        self.user_keys_ = rng.integers(0, 2**32, size=len(self.interactions_.users), dtype=np.uint32)
        self.item_keys_ = rng.integers(0, 2**32, size=len(self.interactions_.items), dtype=np.uint32)

    def scores(self, rows: np.ndarray) -> np.ndarray:
        hashed = mix(self.user_keys_[rows, None] ^ self.item_keys_[None, :])
        return np.multiply(hashed, np.float32(2**-32), dtype=np.float32)  # in [0, 1)

    def describe(self) -> str:
        return f"random: k items drawn at random (seed {self.seed}) from those the user has not had"


def build(task: str, seed: int) -> RandomItems:
    return RandomItems(seed)
