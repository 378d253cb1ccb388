"""Rule conditions are a small language that is read, never run: data and config.toml cannot run code."""

import operator
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from {{ cookiecutter.module_name }}.errors import StepError
from {{ cookiecutter.module_name }}.models.conditions import comparison, literal, parse, quote, select

FRAME = pd.DataFrame(
    {
        "class": ["a", "b", None, "a"],
        "size": [1.0, 2.0, np.nan, 4.0],
        "body mass (g)": [3000, 4000, 5000, 6000],
        "born": pd.to_datetime(["2020-01-01", "2021-05-01", None, "2022-01-01 12:00"], format="ISO8601"),
        "ok": pd.array([True, False, None, True], dtype="boolean"),
    }
)


def attacks(marker) -> list[str]:
    """Conditions that would create `marker` if any part of them were run as Python or pandas code."""
    command = f"__import__('os').system('touch {marker}')"
    return [
        f"@pd.io.common.os.system('touch {marker}') == 0",
        f"{command} == 0",
        f"size > 1 and {command} == 0",
        f"size == `size` + ({command} * 0)",
        f"`size` + (@pd.io.common.os.system('touch {marker}') * '') + `size` > 0",
        f"size.__class__.__init__.__globals__['os'].system('touch {marker}') == 0",
    ]


@pytest.mark.parametrize("index", range(6))
def test_a_condition_that_holds_code_is_an_error_and_never_runs(tmp_path, index):
    """Anything outside the language stops with a StepError before a single row is looked at."""
    marker = tmp_path / "ran"
    with pytest.raises(StepError, match="is not supported here"):
        select(attacks(marker)[index], FRAME)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("condition", "rows"),
    [
        ("class == 'a'", [0, 3]),
        ('class != "a"', [1]),
        ("size > 1 and size <= 4", [1, 3]),
        ("size < 2 or class == 'b'", [0, 1]),
        ("not (size > 1)", [0]),
        ("class in ['b', 'c']", [1]),
        ("class not in ['b']", [0, 3]),
        ("`body mass (g)` >= 5000", [2, 3]),
        ("ok == true", [0, 3]),
        ("ok == False", [1]),
        ("size > 1.5 and (class == 'a' or class == 'b')", [1, 3]),
    ],
)
def test_conditions_select_the_rows_they_say(condition, rows):
    """Comparisons, lists, and/or/not and parentheses mean what they mean in Python."""
    assert list(np.flatnonzero(select(condition, FRAME))) == rows


def test_a_missing_value_never_matches_even_under_not():
    """A comparison with a missing value is unknown: neither it nor its negation picks the row."""
    assert not select("size != 3", FRAME)[2]
    assert not select("not size > 3", FRAME)[2]
    assert not select("class not in ['a']", FRAME)[2]


def test_a_python_keyword_is_a_column_name_without_quotes():
    """`class` names a column, bare or quoted: data often has columns named like Python keywords."""
    assert list(select("class == 'b'", FRAME)) == list(select("`class` == 'b'", FRAME))
    assert quote("class") == "class"
    assert quote("and") == "`and`"


def test_a_string_compared_with_a_date_column_is_a_date():
    """Dates are written as ISO text, with or without a time."""
    assert list(np.flatnonzero(select("born < '2021-06-01'", FRAME))) == [0, 1]
    assert list(np.flatnonzero(select("born > '2022-01-01 06:00'", FRAME))) == [3]
    assert comparison("born", "<=", pd.Timestamp("2021-05-01")) == "born <= '2021-05-01'"


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("size + 1 > 2", r"rule 'size \+ 1 > 2': '\+' is not supported here"),
        ("abs(size) > 1", r"'\(' is not supported here \(expected one of <, <="),
        ("size > 1 &", "'&' is not supported here"),
        ("size = 2", "'=' is not supported here"),
        ("size >", "ends too early"),
        ("(size > 1", "ends too early"),
        ("size > )", r"rule 'size > \)': '\)' is not supported here \(expected a value: a number, a quoted"),
        ("size > 1 $", r"'\$' is not supported here \(expected a column, a value, an operator or a"),
        ("> 2", r"'>' is not supported here \(expected a column: a name, or any text in backticks"),
        ("class is 'a'", r"'is' is not supported here \(expected one of <, <=, >, >=, ==, !=, in"),
        (r"class == '\x1'", r"'\\\\x1'\" is not supported here \(expected a string with valid backslash"),
        ("class in 'a'", r"\"'a'\" is not supported here \(expected a list of values in brackets"),
    ],
)
def test_an_unsupported_part_is_named_with_an_example_of_a_valid_condition(condition, message):
    """The error is one line: the rule, its first unsupported part, and a condition that works."""
    with pytest.raises(StepError, match=message) as error:
        select(condition, FRAME)
    assert "a valid condition: " in str(error.value) and "\n" not in str(error.value)


def test_an_unknown_column_lists_the_real_ones():
    with pytest.raises(StepError, match=r"no column height; the columns are: class, size, `body mass \(g\)`"):
        select("height > 2", FRAME)


def test_an_unknown_column_left_of_and_names_the_whole_rule():
    with pytest.raises(StepError, match="rule 'height > 2 and size > 1': there is no column height"):
        select("height > 2 and size > 1", FRAME)


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("size > 'big'", "size holds number values, so compare it with a number"),
        ("class == 3", "class holds text values"),
        ("born < 'soon'", "'soon' is not a date"),
        ("ok == 1", "ok holds boolean values"),
    ],
)
def test_a_value_of_the_wrong_kind_for_its_column_is_a_clear_error(condition, message):
    """`class == 3` would silently match nothing; it says what kind of value the column needs instead."""
    with pytest.raises(StepError, match=message):
        select(condition, FRAME)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_a_condition_or_a_step_error(text):
    """No input makes the reader fail in any other way (or run anything)."""
    try:
        parse(text)
    except StepError as error:
        assert "\n" not in str(error)


# Each kind of column: values for it, and how to make a column of them with a gap.
KINDS = {
    "number": (
        st.integers(-(10**15), 10**15) | st.floats(allow_nan=False, allow_infinity=False),
        lambda values: pd.Series([*values, None], dtype="float64"),
    ),
    "text": (st.text(), lambda values: pd.Series([*values, None])),
    "boolean": (st.booleans(), lambda values: pd.Series([*values, None], dtype="boolean")),
    "date": (
        st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
        lambda values: pd.Series([*values, None], dtype="datetime64[ns]"),
    ),
}
PYTHON_OPERATORS = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
    "in": lambda item, values: item in values,
    "not in": lambda item, values: item not in values,
}


@settings(max_examples=150, deadline=None)
@given(column=st.text(), kind=st.sampled_from(sorted(KINDS)), data=st.data())
def test_a_written_condition_reads_back_and_selects_what_a_direct_comparison_does(column, kind, data):
    """Any column name and value, written by `quote` and `literal`, selects exactly the rows that
    comparing each value in Python selects (missing values never), so learned rules round-trip."""
    values_of, make_column = KINDS[kind]
    values = data.draw(st.lists(values_of, min_size=1, max_size=5))
    symbol = data.draw(st.sampled_from(sorted(PYTHON_OPERATORS)))
    chosen = st.sampled_from(values)
    value = data.draw(st.lists(chosen, max_size=3) if symbol.endswith("in") else chosen)
    frame = pd.DataFrame({column: make_column(values)})
    expected = [
        not pd.isna(item) and PYTHON_OPERATORS[symbol](item, value) for item in frame[column].tolist()
    ]
    condition = f"{quote(column)} {symbol} {literal(value)}"
    assert select(condition, frame).tolist() == expected, condition
