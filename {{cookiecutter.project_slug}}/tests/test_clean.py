"""Cleanup removes as little as it can, says what it removed, and never touches its input."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames, range_indexes

import conftest
from {{ cookiecutter.module_name }} import clean
from {{ cookiecutter.module_name }}.clean import check_enough_rows, removed_too_many, take_sample
from {{ cookiecutter.module_name }}.errors import StepError
from {{ cookiecutter.module_name }}.tasks import classification, regression
from {{ cookiecutter.module_name }}.tasks.table_cleanup import drop_duplicate_rows


def test_clean_drops_rows_with_missing_values_and_reports_each_step(small_frame):
    cleaned, report = conftest.clean_table(small_frame, "label")
    assert not cleaned.isna().any().any()
    assert len(cleaned) == 37
    removed = {step.name: step.rows_removed for step in report}
    assert removed["drop rows with no label"] == 1
    assert removed["drop rows with any missing value"] == 2


def test_clean_strips_column_names():
    cleaned, _ = conftest.clean_table(pd.DataFrame({" label ": ["a", "b"], "x ": [1, 2]}), "label")
    assert list(cleaned.columns) == ["label", "x"]


def test_clean_drops_mostly_empty_columns_but_never_the_target(small_frame):
    frame = small_frame.assign(notes=[None] * 30 + ["n"] * 10)
    cleaned, report = conftest.clean_table(frame, "label", max_missing_fraction=0.5)
    assert "notes" not in cleaned.columns
    assert ("notes",) in [step.columns_removed for step in report]
    assert len(cleaned) == 37  # the mostly-empty column no longer costs any rows


def test_clean_drops_exact_duplicates():
    frame = pd.DataFrame({"label": ["a", "a", "b"], "x": [1, 1, 2]})
    cleaned, _ = conftest.clean_table(frame, "label")
    assert len(cleaned) == 2


def test_duplicates_equal_only_as_numbers_are_dropped_too():
    """0.0 and -0.0 are the same number: the row repeating another with either is a duplicate."""
    frame = pd.DataFrame({"label": ["a", "a", "b"], "x": [0.0, -0.0, 2.0], "kind": ["u", "u", "v"]})
    cleaned, _ = conftest.clean_table(frame, "label")
    assert cleaned.index.tolist() == [0, 2]


@given(
    data_frames(
        [
            column("label", elements=st.sampled_from(["a", "b"])),
            column("x", elements=st.sampled_from([0.0, -0.0, 1.5])),
            column("n", elements=st.integers(0, 2)),
            column("kind", elements=st.sampled_from(["u", "v", "1"])),
        ],
        index=range_indexes(max_size=40),
    )
)
def test_duplicate_removal_keeps_the_first_of_each_repeated_row_as_pandas_does(frame):
    """Cleanup's duplicate removal (hashes first, then a full comparison) keeps exactly pandas' rows."""
    pd.testing.assert_frame_equal(drop_duplicate_rows(frame), frame.drop_duplicates())


def test_missing_target_column_is_a_clear_error(small_frame):
    with pytest.raises(StepError, match="target column 'specie' is not in the data"):
        conftest.clean_table(small_frame, "specie")


def test_a_missing_target_among_names_that_are_numbers_says_how_to_name_a_headerless_files_columns():
    """A file without a header row reads its first row as the names: the error says to set [data] columns and
    does not echo that row's values."""
    first_row = pd.DataFrame(columns=["39", "State-gov", "77516"], data=[[50, "Private", 83311]] * 3)
    with pytest.raises(StepError, match=r"column names include numbers: .* \[data\] columns = ") as error:
        conftest.clean_table(first_row, "income")
    assert "77516" not in str(error.value) and "State-gov" not in str(error.value)


def test_too_few_rows_names_the_step_that_removed_them():
    frame = pd.DataFrame({"label": ["a", "b"] * 20, "x": [np.nan] * 39 + [1.0]})
    cleaned, report = conftest.clean_table(frame, "label", max_missing_fraction=1.0, max_removed_share=1.0)
    with pytest.raises(StepError, match="'drop rows with any missing value' removed 39"):
        check_enough_rows(cleaned, report, min_rows=20)


def test_a_single_class_is_a_clear_error():
    frame = pd.DataFrame({"label": ["a"] * 30, "x": range(30)})
    cleaned, _ = conftest.clean_table(frame, "label")
    with pytest.raises(StepError, match="at least two classes"):
        classification.check(cleaned, {"target": "label"})


def test_a_text_target_cannot_be_regressed(small_frame):
    cleaned, _ = conftest.clean_table(small_frame, "label")
    with pytest.raises(StepError, match="not numeric"):
        regression.check(cleaned, {"target": "label"})


frames_with_gaps = data_frames(
    columns=[
        column("target", elements=st.one_of(st.none(), st.sampled_from(["a", "b", "c"]))),
        column("number", elements=st.one_of(st.none(), st.floats(-1e6, 1e6))),
        column("text", elements=st.one_of(st.none(), st.sampled_from(["x", "y"]))),
    ],
    index=range_indexes(max_size=30),
)


@given(frames_with_gaps, st.floats(0, 1))
def test_cleaned_frames_have_no_missing_values(frame, max_missing_fraction):
    cleaned, _ = conftest.clean_table(frame, "target", max_missing_fraction)
    assert not cleaned.isna().any().any()


@given(frames_with_gaps)
def test_cleanup_never_adds_rows(frame):
    cleaned, _ = conftest.clean_table(frame, "target")
    assert len(cleaned) <= len(frame)


@given(frames_with_gaps)
def test_cleanup_never_modifies_its_input(frame):
    before = frame.copy()
    conftest.clean_table(frame, "target")
    pd.testing.assert_frame_equal(frame, before)


@given(frames_with_gaps, st.floats(0, 1))
def test_cleanup_keeps_column_order(frame, max_missing_fraction):
    cleaned, _ = conftest.clean_table(frame, "target", max_missing_fraction)
    kept = [name for name in frame.columns if name in cleaned.columns]
    assert list(cleaned.columns) == kept


@pytest.mark.parametrize(("sample", "rows"), [(0.25, 10), (10, 10), (1.0, 40), (500, 40)])
def test_a_sample_keeps_a_share_or_a_count_of_the_rows(small_frame, sample, rows):
    """`[data] sample` is a fraction of the rows or a row count; more rows than there are keeps them all."""
    sampled, _ = take_sample(small_frame, sample, seed=0)
    assert len(sampled) == rows


def test_a_sample_is_seeded_keeps_the_row_order_and_is_reported(small_frame):
    """The same seed takes the same rows, in the snapshot's order; the report says how many were left out."""
    first, report = take_sample(small_frame, 0.5, seed=3)
    second, _ = take_sample(small_frame, 0.5, seed=3)
    assert first.equals(second)
    assert first.index.is_monotonic_increasing
    assert [step.rows_removed for step in report] == [20]


def test_no_sample_keeps_every_row_and_reports_nothing(small_frame):
    """Without `[data] sample` cleanup starts from every row of the snapshot, and no sampling step shows."""
    sampled, report = take_sample(small_frame, None, seed=0)
    assert sampled is small_frame and report == []


@pytest.mark.parametrize("sample", [0, -5, 1.5, 0.0, "10%", True])
def test_a_sample_that_is_neither_a_count_nor_a_fraction_is_a_clear_error(small_frame, sample):
    """A sample of no rows, over 100%, or not a number stops cleanup and shows both accepted forms."""
    with pytest.raises(StepError, match=r"\[data\] sample must be a row count \(50000\) or a fraction"):
        take_sample(small_frame, sample, seed=0)


def test_infinite_values_are_treated_as_missing_and_counted():
    """inf and -inf never reach a model: cleanup drops their rows and says how many values it found."""
    frame = pd.DataFrame({"label": ["a", "b"] * 15, "x": [np.inf, -np.inf, *range(28)]})
    cleaned, report = conftest.clean_table(frame, "label")
    assert np.isfinite(cleaned["x"]).all() and len(cleaned) == 28
    assert "2 infinite or overflowing value(s) made missing (x: 2)" in [step.note for step in report]


def test_a_number_too_large_to_square_is_treated_as_missing():
    """A value like 1e308 (a typo or a sentinel) would overflow scaling and distances, so it goes too."""
    frame = pd.DataFrame({"label": ["a", "b"] * 15, "x": [1e308, *range(29)]})
    cleaned, _ = conftest.clean_table(frame, "label")
    assert cleaned["x"].max() == 28


def test_a_numeric_column_with_a_stray_word_is_read_as_numbers_saying_how_many_were_dropped():
    """One stray text value does not turn a column of numbers into a category of many levels."""
    frame = pd.DataFrame({"label": ["a", "b"] * 20, "x": [str(i) for i in range(39)] + ["4l.2"]})
    cleaned, report = conftest.clean_table(frame, "label")
    assert pd.api.types.is_numeric_dtype(cleaned["x"]) and len(cleaned) == 39
    assert "x: 1 non-number value(s) made missing" in [step.note for step in report]


def test_a_code_column_of_one_number_and_a_few_letters_keeps_its_rows():
    """Rossmann's StateHoliday is "0" on 97% of days and "a", "b" or "c" on a holiday: a code, not numbers
    with stray text. Read as numbers, every holiday's row would be dropped; it stays text, and is noted."""
    holiday = ["0"] * 97 + ["a", "a", "b"]
    frame = pd.DataFrame({"label": ["open", "shut"] * 50, "StateHoliday": holiday, "store": range(100)})
    cleaned, report = conftest.clean_table(frame, "label")
    assert len(cleaned) == 100 and cleaned["StateHoliday"].tolist() == holiday
    note = "StateHoliday: kept as text, a code (its one number beside 2 words)"
    assert note in [step.note for step in report]


def test_a_column_of_half_numbers_and_half_words_is_kept_as_text_and_noted():
    """Numbers are only read out of text when nearly all values are numbers; otherwise the mix is reported."""
    mixed = [str(i) if i % 2 else f"word {i}" for i in range(40)]
    frame = pd.DataFrame({"label": ["a", "b"] * 20, "x": mixed})
    cleaned, report = conftest.clean_table(frame, "label")
    assert cleaned["x"].tolist() == frame["x"].tolist()
    assert "x: kept as text, only 50% of its values are numbers" in [step.note for step in report]


def test_a_step_removing_most_rows_is_warned_about_with_how_to_turn_it_off():
    """Categorical data losing 90% of its rows to duplicate removal gets a warning naming the setting."""
    frame = pd.DataFrame({"label": ["a", "b"] * 50, "colour": ["red", "blue"] * 45 + list("cdefghijkl")})
    cleaned, report = conftest.clean_table(frame, "label")
    [warning] = removed_too_many(report, len(frame), max_removed_share=0.5)
    assert warning.startswith("'drop duplicate rows' removed 88 of 100 rows (88%")
    assert warning.endswith("set [clean] drop_duplicates = false")


def test_a_gappy_column_that_would_cost_most_rows_is_dropped_instead_and_named():
    """A column missing in 60% of rows (under max_missing_fraction) would cost those rows: cleanup drops
    the column instead, keeps every row, and its line names the column and the rows it saved."""
    gappy = [1.0, None, None, 2.0, None] * 20
    frame = pd.DataFrame({"label": ["a", "b"] * 50, "x": range(100), "gappy": gappy})
    cleaned, report = conftest.clean_table(frame, "label", max_missing_fraction=0.9)
    assert len(cleaned) == 100 and "gappy" not in cleaned.columns
    line = "drop the columns that cost the most rows: -1 columns (gappy); gappy saved 60 rows"
    assert line in map(str, report)
    assert removed_too_many(report, len(frame), max_removed_share=0.5) == []


def test_the_record_counts_the_column_names_stripped_of_spaces():
    """Column names " size" and "label " read as size and label; the cleanup record says two changed."""
    frame = pd.DataFrame({" size": range(30), "label ": ["a", "b", "c"] * 10, "colour": ["red"] * 30})
    cleaned, report = conftest.clean_table(frame, "label")
    assert list(cleaned.columns)[:2] == ["size", "label"]
    assert (report[0].name, report[0].note) == ("strip column names", "2 renamed")


def test_text_values_lose_the_spaces_around_them_and_spaces_alone_are_missing():
    """A CSV written `39, Private` reads ' Private': cleanup makes it Private (the word the API, the app and a
    submission would send), target included; a cell of spaces is a gap; the step's note names the columns."""
    frame = pd.DataFrame(
        {"label": [" a", "b "] * 15, "work": [" Private", "State-gov ", "  "] * 10, "x": range(30)}
    )
    cleaned, report = conftest.clean_table(frame, "label")
    assert set(cleaned["label"]) == {"a", "b"} and set(cleaned["work"]) == {"Private", "State-gov"}
    assert len(cleaned) == 20  # the ten cells of spaces were gaps: their rows dropped
    assert ("strip spaces around text values", "2 column(s): label, work") in [
        (step.name, step.note) for step in report
    ]


def test_labels_with_spaces_around_them_are_compared_as_cleanup_wrote_them():
    """Kept and removed rows of the same classes, written ' a' and ' b', raise no warning of unlike rows."""
    before = pd.DataFrame({"label": [" a", " b"] * 30, "x": [None if i % 3 == 1 else i for i in range(60)]})
    after, _ = conftest.clean_table(before, "label")
    settings = {"target": "label", "task": "classification", "max_target_shift": 0.25}
    assert len(after) == 40 and classification.kept_unlike_removed(before, after, settings) == ""


def test_text_already_without_spaces_and_mixed_columns_are_left_as_they_are():
    """Only all-text columns are stripped, and a table with nothing to strip gets no note."""
    mixed = pd.Series([" 1", 2, " three"] * 10, dtype=object)
    frame = pd.DataFrame({"label": ["a", "b", "c"] * 10, "mixed": mixed, "x": range(30)})
    cleaned, report = conftest.clean_table(frame, "label", drop_duplicates=False)
    assert cleaned["mixed"].tolist() == mixed.tolist()
    assert ("strip spaces around text values", "") in [(step.name, step.note) for step in report]


def test_cleanup_keeps_dates_and_numbers_as_they_are():
    """Only text columns are read as numbers: a date column stays dates, a number column numbers."""
    days = pd.date_range("2024-01-01", periods=30)
    frame = pd.DataFrame({"label": ["a", "b"] * 15, "day": days, "x": range(30)})
    cleaned, _ = conftest.clean_table(frame, "label")
    assert cleaned["day"].equals(frame["day"]) and cleaned["x"].equals(frame["x"])


def test_dates_written_as_text_are_read_as_dates_and_split_into_the_parts_that_vary():
    """A competition's `2011-01-20 13:00:00` text is dates: cleanup adds the parts that vary (here the
    day, weekday and hour; one month of one year), names them, and makes a stray value missing (its row
    dropped)."""
    hours = pd.date_range("2011-01-20", periods=60, freq="h").strftime("%Y-%m-%d %H:%M:%S").tolist()
    frame = pd.DataFrame({"datetime": hours[:-1] + ["soon"], "label": ["busy", "quiet"] * 30})
    cleaned, report = conftest.clean_table(frame, "label")
    assert list(cleaned.columns) == ["datetime", "datetime_day", "datetime_weekday", "datetime_hour", "label"]
    assert pd.api.types.is_datetime64_any_dtype(cleaned["datetime"]) and len(cleaned) == 59
    assert cleaned["datetime_hour"].tolist()[:3] == [0, 1, 2] and cleaned["datetime_day"].iloc[-1] == 22
    note = "datetime: day, weekday, hour, 1 non-date value(s) made missing"
    assert ("read dates and split them into parts", note) in [(step.name, step.note) for step in report]


def test_dates_in_isos_basic_form_are_dates_too():
    """King County's house sales write `20141013T000000`: its year, month, day and weekday are the parts
    that vary (every sale at midnight: no hour)."""
    days = pd.date_range("2014-05-02", periods=40, freq="10D").strftime("%Y%m%dT000000").tolist()
    frame = pd.DataFrame({"date": days, "label": ["cheap", "dear"] * 20})
    cleaned, _ = conftest.clean_table(frame, "label")
    parts = ["date_year", "date_month", "date_day", "date_weekday"]
    assert list(cleaned.columns) == ["date", *parts, "label"]
    assert cleaned.loc[0, parts].tolist() == [2014, 5, 2, 4]  # a Friday


def test_prices_and_percentages_written_as_text_are_numbers_and_lists_are_not():
    """`$1,292.08`, `€ 12.50`, `-£3` and `45%` (a scraped listing's price and share) are numbers, and the
    note names their columns; `1,5` and `1,2,3` (a decimal comma, a list) are no thousands separators."""
    frame = pd.DataFrame(
        {
            "price": ["$1,292.08", "€ 12.50", "-£3", "$1,000,000"] * 10,
            "share": ["45%", "3%", "100%", "0.5%"] * 10,
            "codes": ["1,5", "1,2,3", "2,5", "7"] * 10,
            "label": ["a", "b"] * 20,
        }
    )
    cleaned, report = conftest.clean_table(frame, "label", drop_duplicates=False)
    assert cleaned["price"].tolist()[:4] == [1292.08, 12.5, -3.0, 1_000_000.0]
    assert cleaned["share"].tolist()[:4] == [45.0, 3.0, 100.0, 0.5]
    assert cleaned["codes"].equals(frame["codes"])
    note = "price, share: read without currency signs, thousands separators or percent signs"
    assert note in dict((step.name, step.note) for step in report)["read numbers stored as text"]


def test_spreadsheet_dates_are_read_in_the_order_their_values_show():
    """`10/13/2014 3:26 AM` (a US spreadsheet: 13 can only be the day), Excel's `10/13/14 3:26` and
    `13.10.2014` (day first) are the same day: each gives its month, day and weekday (the parts that vary),
    the first two also its hour."""
    days = pd.date_range("2014-10-10", periods=30)
    hours = [day + pd.Timedelta(hours=row % 24, minutes=26) for row, day in enumerate(days)]
    frame = pd.DataFrame(
        {
            "us": [f"{h.month}/{h.day}/{h.year} {h.strftime('%I:%M %p')}" for h in hours],
            "excel": [f"{h.month}/{h.day}/{h.strftime('%y')} {h.hour}:{h.minute}" for h in hours],
            "eu": days.strftime("%d.%m.%Y"),
            "label": ["a", "b"] * 15,
        }
    )
    cleaned, _ = conftest.clean_table(frame, "label")
    assert cleaned["us"].tolist() == cleaned["excel"].tolist() == hours
    assert cleaned["eu"].tolist() == days.tolist()
    parts = ["us_month", "us_day", "us_hour", "eu_month", "eu_day"]
    assert cleaned.loc[15, parts].tolist() == [10, 25, 15, 10, 25]


def test_spreadsheet_dates_whose_order_no_value_shows_stay_text_and_the_note_says_why():
    """`03/04/2014` is the 3rd of April or the 4th of March: with no number above 12 the column is left as
    text (a category), and cleanup's note says why."""
    written = [f"0{month}/0{day}/2014" for month in range(1, 6) for day in range(1, 7)]
    frame = pd.DataFrame({"when": written, "label": ["a", "b"] * 15})
    cleaned, report = conftest.clean_table(frame, "label")
    assert cleaned.equals(frame)
    note = "when: dates whose day and month order the values do not show, kept as text"
    assert ("read dates and split them into parts", note) in [(step.name, step.note) for step in report]


def test_text_that_is_not_whole_dates_stays_text():
    """Months, years and codes that merely start like dates are not dates: nothing is added or changed."""
    frame = pd.DataFrame(
        {"label": ["a", "b"] * 15, "month": ["2024-01", "2024-02", "May"] * 10, "code": ["2024-01-01x"] * 30}
    )
    cleaned, report = conftest.clean_table(frame, "label", drop_duplicates=False)
    assert list(cleaned.columns) == ["label", "month", "code"] and cleaned.equals(frame)
    assert ("read dates and split them into parts", "") in [(step.name, step.note) for step in report]


def test_drop_duplicates_false_keeps_repeated_rows():
    """The team can keep repeated rows that are real observations."""
    frame = pd.DataFrame({"label": ["a", "b"] * 50, "colour": ["red", "blue"] * 50})
    cleaned, report = conftest.clean_table(frame, "label", drop_duplicates=False)
    assert len(cleaned) == 100 and removed_too_many(report, len(frame), 0.5) == []


def test_too_few_rows_with_nothing_removed_blames_the_data_not_a_step():
    """When the source itself is small, no cleanup step is blamed for rows it never removed."""
    frame = pd.DataFrame({"label": ["a", "b"] * 5, "x": range(10)})
    cleaned, report = conftest.clean_table(frame, "label")
    with pytest.raises(StepError, match="^the data has 10 rows, fewer than"):
        check_enough_rows(cleaned, report, min_rows=20)


def test_data_with_only_the_target_column_is_a_clear_error():
    """A model needs a column to predict from; cleanup says so before blaming duplicates."""
    with pytest.raises(StepError, match="the data has only the target column 'label'"):
        conftest.clean_table(pd.DataFrame({"label": ["a", "b"] * 20}), "label")


def house_like(rows: int = 400) -> pd.DataFrame:
    """A house table where missing means "none" in two text columns: no fireplace (47% of houses) and
    no alley (18%), plus a few scattered gaps; houses without a fireplace are cheaper."""
    rng = np.random.default_rng(1)
    fireplace = np.where(rng.random(rows) < 0.47, None, rng.choice(["Gd", "TA"], rows))
    alley = np.where(rng.random(rows) < 0.18, None, rng.choice(["Grvl", "Pave"], rows))
    area = rng.uniform(50, 300, rows).round()
    area[rng.choice(rows, 6, replace=False)] = np.nan
    fireplace_premium = np.where(pd.isna(fireplace), 0, 60000)
    price = np.nan_to_num(area, nan=150) * 1000 + fireplace_premium + rng.normal(0, 10000, rows)
    return pd.DataFrame({"area": area, "FireplaceQu": fireplace, "Alley": alley, "price": price.round()})


def regression_cleanup(frame: pd.DataFrame, **clean_settings) -> tuple[pd.DataFrame, list]:
    settings = {
        "task": "regression",
        "target": "price",
        "max_missing_fraction": 0.5,
        "drop_duplicates": True,
        "max_removed_share": 0.5,
        **clean_settings,
    }
    return clean.clean(frame, settings)


def test_default_cleanup_keeps_most_rows_when_two_columns_cause_the_loss():
    """Two text columns missing in 47% and 18% of rows would cost over half the rows: default cleanup
    drops both columns instead, keeps >= 85% of the rows, and names each with the rows it saved."""
    frame = house_like()
    cleaned, report = regression_cleanup(frame)
    assert len(cleaned) >= 0.85 * len(frame)
    [line] = [str(step) for step in report if step.name == "drop the columns that cost the most rows"]
    assert line.startswith(
        "drop the columns that cost the most rows: -2 columns (FireplaceQu, Alley); FireplaceQu saved "
    )
    assert 'missing_as_value = ["FireplaceQu", "Alley"]' in line


def test_missing_as_value_keeps_a_text_columns_gaps_as_a_category():
    """`[clean] missing_as_value = ["FireplaceQu"]` keeps the column, its gaps a value of their own, and
    the rows that lacked it (only the rows missing another value go)."""
    frame = house_like()
    cleaned, _ = regression_cleanup(frame, missing_as_value=["FireplaceQu"])
    assert len(cleaned) == len(frame.drop(columns="FireplaceQu").dropna())
    kept_without = frame.loc[cleaned.index, "FireplaceQu"].isna().sum()
    assert (cleaned["FireplaceQu"] == "(missing)").sum() == kept_without > 0


def test_missing_as_value_true_keeps_every_text_column():
    """`missing_as_value = true` keeps the gaps of every text column (never of a number)."""
    cleaned, _ = regression_cleanup(house_like(), missing_as_value=True)
    assert {"FireplaceQu", "Alley"} <= set(cleaned.columns) and not cleaned.isna().any().any()


def test_missing_as_value_naming_a_number_column_is_a_clear_error():
    """A missing number stands for no value: naming one is refused, with why."""
    with pytest.raises(StepError, match="missing_as_value names 'area', a column of numbers"):
        regression_cleanup(house_like(), missing_as_value=["area"])


def test_kept_rows_whose_target_differs_from_the_removed_are_warned_about():
    """Dropping the houses without a fireplace (all cheaper) keeps a biased few: the warning gives the
    kept and removed means and the setting that measures it."""
    frame = house_like()
    settings = {"task": "regression", "target": "price", "max_target_shift": 0.25}
    kept = frame.dropna()
    warning = regression.kept_unlike_removed(frame, kept, settings)
    assert warning.startswith(
        f"the {len(kept)} rows kept are unlike the {len(frame) - len(kept)} removed: the kept rows' mean is "
    )
    assert "max_target_shift = 0.25" in warning


def test_rows_removed_at_random_raise_no_warning():
    """Rows removed regardless of the target (every third one) leave its mean and median alike."""
    frame = house_like()
    settings = {"task": "regression", "target": "price", "max_target_shift": 0.25}
    assert regression.kept_unlike_removed(frame, frame.iloc[::3], settings) == ""


def test_class_shares_of_kept_and_removed_rows_are_compared():
    """A class that is 80% of the kept rows but 20% of the removed ones is named in the warning."""
    labels = ["a"] * 40 + ["b"] * 10 + ["a"] * 10 + ["b"] * 30 + ["c"] * 10
    frame = pd.DataFrame({"label": labels, "x": range(100)})
    settings = {"task": "classification", "target": "label", "max_target_shift": 0.25}
    warning = classification.kept_unlike_removed(frame, frame.iloc[:50], settings)
    assert "class 'a' is 80% of the kept rows but 20% of the removed ones" in warning
