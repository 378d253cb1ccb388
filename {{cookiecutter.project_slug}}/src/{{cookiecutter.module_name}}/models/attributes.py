"""Multi-valued item attributes: a genre column written "Adventure|Animation|Children".

Such a column is split into its values, for the popularity rules' segments and the app's filters,
on `[data] item_separator`, or on "|" when at least a fifth of its values hold one: an item is
then in each of its values, instead of the 951 combinations of a real log being 951 segments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

# A text attribute is multi-valued when at least this share of its values hold the separator.
MULTI_VALUED_SHARE = 0.2
DETECTED_SEPARATOR = "|"


def separator_of(values: pd.Series, configured: str | None = None) -> str | None:
    """The separator of a multi-valued attribute: `[data] item_separator`, or "|" if the values use it."""
    if configured:
        return configured
    text = values.dropna()
    text = text[text.map(lambda value: isinstance(value, str))]
    used = text.str.contains(DETECTED_SEPARATOR, regex=False).mean() if len(text) else 0.0
    return DETECTED_SEPARATOR if used >= MULTI_VALUED_SHARE else None


def each_value(values: pd.Series, separator: str | None) -> pd.Series:
    """One row per (row, value): a multi-valued row repeated under its index, once per value."""
    if not separator:
        return values.dropna()
    split = values.astype("string").str.split(separator).explode().str.strip()
    return split[split.notna() & (split != "")]


def membership(by_item: pd.Series, separator: str | None) -> tuple[sparse.csr_matrix, pd.Index]:
    """Items (in `by_item`'s order) x values: 1 where the item has the value; and the values."""
    present = each_value(by_item.reset_index(drop=True), separator)
    codes, names = pd.factorize(present)
    shape = (len(by_item), max(1, len(names)))
    matrix = sparse.csr_matrix((np.ones(len(codes)), (present.index.to_numpy(), codes)), shape=shape)
    return matrix, pd.Index(names)
