"""The demo's (app.py) item filters and adventurousness re-ranking of each model's list: pure
functions on frames, here so they are tested without Streamlit."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .models.attributes import each_value, separator_of


def separators(items: pd.DataFrame, item: str, configured: str | None) -> dict[str, str | None]:
    """Each column's separator of values ("Adventure|Animation"), None for a single-valued one."""
    return {column: separator_of(items[column], configured) for column in items.columns if column != item}


def passes(candidates: pd.DataFrame, filters: dict[str, Any], split: dict[str, str | None]) -> pd.Series:
    """Which candidates match every filter (an empty selection matches all; a multi-valued item matches
    when any of its values is chosen)."""
    keep = pd.Series(True, index=candidates.index)
    for column, wanted in filters.items():
        if isinstance(wanted, tuple):
            keep &= candidates[column].between(*wanted)
        elif wanted:
            matching = each_value(candidates[column], split.get(column)).isin(wanted)
            keep &= matching.groupby(level=0).any().reindex(candidates.index, fill_value=False)
    return keep


def rerank(candidates: pd.DataFrame, novelty: pd.Series, adventurousness: float) -> pd.DataFrame:
    """Candidates by (1 - a) x their score scaled to 0..1 + a x their novelty (1 - popularity percentile)."""
    scores = candidates["score"]
    spread = scores.max() - scores.min()
    scaled = (scores - scores.min()) / spread if spread > 0 else scores * 0.0
    blended = (1 - adventurousness) * scaled + adventurousness * candidates["item"].map(novelty).fillna(1.0)
    return candidates.assign(score=blended).sort_values("score", ascending=False, kind="stable")
