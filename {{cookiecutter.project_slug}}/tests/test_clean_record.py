"""What cleanup prints and records about each step, and the edges of its row settings."""

import pandas as pd
import pytest

from {{ cookiecutter.module_name }}.clean import Step, check_enough_rows, sample_size
from {{ cookiecutter.module_name }}.errors import StepError


@pytest.mark.parametrize(
    ("step", "line"),
    [
        (Step("drop columns", 2, ("sparse", "notes")), "drop columns: -2 rows, -2 columns (sparse, notes)"),
        (Step("drop columns", 0, ("sparse",)), "drop columns: -1 columns (sparse)"),
        (Step("read numbers", note="size: 1 made missing"), "read numbers: size: 1 made missing"),
        (Step("drop duplicates"), "drop duplicates: nothing removed"),
    ],
)
def test_each_step_prints_what_it_removed(step, line):
    """The lines `make` prints under `clean:`: rows and columns removed, else the note, else nothing."""
    assert str(step) == line


def test_a_tiny_fraction_still_keeps_one_row():
    """[data] sample = 0.01 of 10 rows keeps 1 row, not none."""
    assert sample_size(0.01, 10) == 1


def test_exactly_min_rows_rows_are_enough():
    """min_rows is the fewest rows allowed, not the fewest plus one."""
    check_enough_rows(pd.DataFrame({"x": range(20)}), [Step("drop", 5)], 20)
    with pytest.raises(StepError, match="cleanup left 19 rows, fewer than"):
        check_enough_rows(pd.DataFrame({"x": range(19)}), [Step("drop", 5)], 20)
