"""Numbers written as text, as spreadsheets and web pages write them: `42`, `-3.5`, `1e6`, but also with a
currency sign, thousands separators or a percent sign (`$1,292.08`, `€ 12.50`, `-£3`, `1,000,000`, `45%`).

Cleanup reads a column of them as numbers (table_cleanup.py), and a submission's rows and the API's the
same way (`as_training_types`). A percentage stays as written (`45%` is 45), and a comma is a thousands
separator only in groups of three digits (`1,5` and `1,2,3` are not numbers: a list, or a decimal comma
that the CSV reader handles).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# sign, currency, digits (commas between groups of three, or none), decimals, percent; spaces allowed
# after the sign and the currency, as `$ 12` and `- 3` are written
FORMATTED = (
    r"^(?P<sign>[-+]?)\s*[$€£¥]?\s*(?P<inner>[-+]?)"
    r"(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?P<decimals>\.\d+)?\s*%?$"
)
FIRST_VALUES = 1000  # texts looked at before the rest are read


def as_numbers(values: pd.Series) -> pd.Series:
    """`values` as numbers: plain ones as pandas reads them, formatted ones without their signs and
    separators; anything else missing (NaN)."""
    return read_numbers(values)[0]


def read_numbers(values: pd.Series) -> tuple[pd.Series, int]:
    """`as_numbers(values)`, and how many values were formatted numbers. Each distinct text is read once."""
    numbers = pd.to_numeric(values, errors="coerce")
    unread = np.flatnonzero(numbers.isna().to_numpy() & values.notna().to_numpy())
    # words, ids and codes (a million distinct texts) are not read further when their first are not numbers
    first = values.iloc[unread[:FIRST_VALUES]].astype(str)
    if not first.str.strip().str.fullmatch(FORMATTED).any():
        return numbers, 0
    rest = values.iloc[unread]
    distinct = pd.Series(rest.unique()).astype(str)
    parts = distinct.str.strip().str.extract(FORMATTED)
    negative = (parts["sign"] == "-") ^ (parts["inner"] == "-")
    magnitude = pd.to_numeric(parts["whole"].str.replace(",", "", regex=False) + parts["decimals"].fillna(""))
    read = magnitude.where(~negative, -magnitude)
    read.index = distinct.to_numpy()
    found = pd.Series(read.reindex(rest.astype(str)).to_numpy(), index=rest.index)
    # as floats: pandas reads a text column of whole numbers as nullable integers, which refuse the found
    plain = numbers.to_numpy(dtype="float64", na_value=np.nan)
    return pd.Series(plain, index=values.index, name=values.name).fillna(found), int(found.notna().sum())
