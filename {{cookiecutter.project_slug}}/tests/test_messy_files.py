"""CSV files as downloaded: another encoding, lines that are not rows, a browser's HTML at the end, no
header row."""

from pathlib import Path

import pytest

from {{ cookiecutter.module_name }}.data import load
from {{ cookiecutter.module_name }}.errors import StepError
from {{ cookiecutter.module_name }}.sources import DataSettings
from {{ cookiecutter.module_name }}.sources.formats import parse
from {{ cookiecutter.module_name }}.sources.text import TextOptions

ROWS = b"name,town,age\nAda,Paris,36\nJos\xe9,Le\xf3n,41\nMia,Oslo,29\n"
# What a browser leaves at the end of a saved page: HTML, with a byte that is not UTF-8.
PAGE = b"<html><body>\xb4 saved from the site</body></html>\n"


def read(content: bytes, tmp_path: Path, **options: str):
    path = tmp_path / "people.csv"
    path.write_bytes(content)
    return parse(path, "csv", "'people.csv'", text=TextOptions(**options))


def test_a_byte_that_is_not_utf8_is_reported_by_line_number_and_bytes_not_by_the_line(tmp_path):
    """The error names the line (3) and shows the bad byte escaped, never the rest of the line."""
    with pytest.raises(StepError) as error:
        read(ROWS, tmp_path)
    message = str(error.value)
    assert "line 3 has bytes that are not utf-8: b'\\xe9'" in message
    assert "[data] encoding" in message and "Jos" not in message and "41" not in message


def test_encoding_reads_a_latin1_file(tmp_path):
    """`[data] encoding = "latin-1"` reads the accented names as they were written."""
    frame = read(ROWS, tmp_path, encoding="latin-1")
    assert frame["name"].tolist() == ["Ada", "José", "Mia"] and frame["town"].iloc[1] == "León"


def test_trailing_html_is_reported_as_such_with_the_setting_that_skips_it(tmp_path):
    """A page's HTML saved after the rows (decodable or not) is named as HTML at its line number."""
    with pytest.raises(StepError, match=r"line 5, at the end, is HTML, not a row of the table .*bad_lines"):
        read(ROWS + b"<html><body>saved</body></html>\n", tmp_path, encoding="latin-1")


def test_skipping_bad_lines_leaves_out_the_html_and_the_undecodable_lines_and_says_which(tmp_path, capsys):
    """With bad_lines = "skip" (UTF-8), the Latin-1 row and the page are left out, and their line numbers
    printed; the good rows are all read."""
    frame = read(ROWS + PAGE, tmp_path, bad_lines="skip")
    assert frame["name"].tolist() == ["Ada", "Mia"]
    out = capsys.readouterr().out
    assert "skipped 2 line(s) of 'people.csv' that are not rows of the table" in out and "lines 3, 5" in out


def test_a_latin1_file_with_a_trailing_page_reads_with_encoding_and_skip(tmp_path, capsys):
    """Both settings together read every row of the downloaded file, and name the one line skipped."""
    frame = read(ROWS + PAGE, tmp_path, encoding="latin-1", bad_lines="skip")
    assert len(frame) == 3 and "skipped 1 line(s)" in capsys.readouterr().out


# What follows the page when a browser saves it as an archive (Titanic's test.csv as shared in a
# public repository): binary data whose last line decodes as UTF-8, NUL bytes and all.
ARCHIVE_TAIL = b"\x00\x00\x00\x00\x00\x00\x00\x00p|\n"
IDS = b"PassengerId,Pclass,Sex\n892,3,male\n893,3,female\n"


def test_a_line_of_nul_bytes_is_named_as_binary_data_and_never_becomes_a_row(tmp_path):
    """A line holding NUL bytes decodes, but it is no text: named at its line number, not read as a row
    whose id is that junk."""
    with pytest.raises(StepError, match=r"line 4 holds NUL bytes.*binary data.*bad_lines = \"skip\""):
        read(IDS + ARCHIVE_TAIL, tmp_path)


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
def test_skipping_leaves_out_the_nul_line_and_the_ids_stay_whole_numbers(tmp_path, capsys, encoding):
    """With bad_lines = "skip", the submission's rows are the file's rows: no extra row, ids as integers;
    the page before the binary line is named at its own line (undecodable in UTF-8, HTML in Latin-1)."""
    frame = read(IDS + PAGE + ARCHIVE_TAIL, tmp_path, bad_lines="skip", encoding=encoding)
    assert frame["PassengerId"].tolist() == [892, 893] and frame["PassengerId"].dtype == "int64"
    assert "skipped 2 line(s)" in (out := capsys.readouterr().out) and "lines 4, 5" in out


def test_a_utf16_file_with_its_encoding_set_is_read_whole(tmp_path):
    """UTF-16 text is half NUL bytes: with `encoding = "utf-16"` it is text like any other."""
    frame = read("PassengerId,Sex\n892,male\n".encode("utf-16"), tmp_path, encoding="utf-16")
    assert frame.to_dict("list") == {"PassengerId": [892], "Sex": ["male"]}


def test_messages_about_the_test_set_name_the_submit_section(tmp_path, capsys):
    """The test set is read by [submit]'s settings: its errors and notes name [submit], not [data]."""
    with pytest.raises(StepError, match=r"set \[submit\] encoding .* \[submit\] bad_lines"):
        read(ROWS, tmp_path, section="submit")
    read(ROWS + PAGE, tmp_path, bad_lines="skip", section="submit")
    assert '[submit] bad_lines = "skip"' in capsys.readouterr().out


def test_every_reader_names_the_submit_section_for_the_test_set(tmp_path, monkeypatch):
    """Beyond the text reader's: a [submit] JSON source's records_path, or a test set with no rows, is
    named as [submit]'s setting, which is the one to fix."""
    monkeypatch.chdir(tmp_path)
    Path("test.json").write_text('{"data": {"items": []}}')
    settings = {"source": "test.json", "records_path": "data.rows", "section": "submit"}
    with pytest.raises(StepError, match=r"fix \[submit\] records_path") as error:
        load(DataSettings.from_dict(settings))
    assert "[data]" not in str(error.value)
    with pytest.raises(StepError, match=r"gave no rows: check \[submit\] source"):
        load(DataSettings.from_dict({**settings, "records_path": "data.items"}))


def test_a_spreadsheets_blank_rows_are_left_out_and_counted_and_whole_numbers_stay_whole(tmp_path, capsys):
    """Lines of only separators (a spreadsheet's empty rows saved as CSV, here with the old Mac line ends
    some spreadsheets write) are no rows: left out and counted, and the ids beside them stay integers
    (read with the blanks, a column with a missing value is a column of floats)."""
    frame = read(b"user,item,rating\r1,10,4\r,,\r2,11,5\r,,\r,,\r", tmp_path)
    assert frame.to_dict("list") == {"user": [1, 2], "item": [10, 11], "rating": [4, 5]}
    assert frame["user"].dtype == "int64"
    assert "left out 3 empty row(s) of 'people.csv'" in capsys.readouterr().out


def test_blank_rows_beside_skipped_lines_are_left_out_too(tmp_path, capsys):
    """With a line skipped ([data] bad_lines = "skip"), the blank rows are still left out and counted."""
    frame = read(b"user,item\n1,10\n,\n2,11,12\n3,12\n", tmp_path, bad_lines="skip")
    assert frame["user"].tolist() == [1, 3] and frame["item"].tolist() == [10, 12]
    out = capsys.readouterr().out
    assert "skipped 1 line(s)" in out and "left out 1 empty row(s)" in out


def test_a_line_with_too_many_fields_is_named_and_skipped_on_request(tmp_path, capsys):
    """A row with an extra field stops the read at its line number; with skip it is left out and named."""
    broken = b"a,b\n1,2\n3,4,5\n6,7\n"
    with pytest.raises(StepError, match="line 3 has more fields than the header"):
        read(broken, tmp_path)
    assert read(broken, tmp_path, bad_lines="skip")["a"].tolist() == [1, 6]
    assert "line 3" in capsys.readouterr().out


def test_many_skipped_lines_show_the_first_few_numbers_and_the_count(tmp_path, capsys):
    """Twelve broken lines: the count is 12, the first five line numbers are shown, then how many more."""
    broken = b"a,b\n" + b"1,2\n3,4,5\n" * 12
    read(broken, tmp_path, bad_lines="skip")
    out = capsys.readouterr().out
    assert "skipped 12 line(s)" in out and "lines 3, 5, 7, 9, 11 and 7 more" in out


def test_a_file_without_a_header_row_has_every_line_a_row_named_by_columns(tmp_path):
    """`[data] columns` names the fields of a file that has no header row (the census-income table as
    published): its first line is a row like the others, not the column names."""
    frame = read(b"39,State-gov,77516\n50,Self-emp,83311\n", tmp_path, names=("age", "work", "weight"))
    assert frame.to_dict("list") == {
        "age": [39, 50],
        "work": ["State-gov", "Self-emp"],
        "weight": [77516, 83311],
    }


@pytest.mark.parametrize("names", [("age", "work"), ("age", "work", "weight", "income")])
def test_columns_naming_fewer_or_more_columns_than_the_fields_is_a_clear_error(tmp_path, names):
    """A name too few would shift every value into the wrong column, one too many leave a column empty."""
    message = f"columns names {len(names)} column\\(s\\) but the rows of .* have 3 fields"
    with pytest.raises(StepError, match=message):
        read(b"39,State-gov,77516\n50,Self-emp,83311\n", tmp_path, names=names)


def test_blank_rows_without_a_header_row_are_left_out_and_whole_numbers_stay_whole(tmp_path):
    """Blank lines are found at their own line numbers when no header comes first: the ids stay integers."""
    frame = read(b"1,10\n,\n2,11\n,\n", tmp_path, names=("user", "item"))
    assert frame.to_dict("list") == {"user": [1, 2], "item": [10, 11]} and frame["user"].dtype == "int64"


def test_columns_for_a_format_that_names_its_own_is_refused(tmp_path):
    """A Parquet file names its columns: `[data] columns` there is a mistake, said before anything is read."""
    with pytest.raises(StepError, match="parquet files name their own: remove it"):
        parse(tmp_path / "log.parquet", "parquet", "'log.parquet'", text=TextOptions(names=("user", "item")))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"encoding": "klingon"}, "encoding 'klingon' is not an encoding Python knows"),
        ({"bad_lines": "ignore"}, 'bad_lines must be "error" or "skip"'),
        ({"columns": "age, work"}, "columns must be a list of column names"),
        ({"columns": ["age", "age"]}, "columns names a column twice"),
    ],
)
def test_unknown_encodings_and_bad_lines_values_are_refused(values, message):
    """A typo in [data] encoding or bad_lines stops the snapshot with the accepted values."""
    with pytest.raises(StepError, match=message):
        DataSettings.from_dict({"source": "people.csv", **values})


def test_a_european_spreadsheets_csv_is_read_by_its_semicolons_and_decimal_commas(tmp_path, capsys):
    """Saved as CSV by a spreadsheet set to a European locale, fields are separated by semicolons and
    numbers written `1,5`: every column is read, the numbers as numbers, and a line says how."""
    frame = read(b"name;size;price\nAda;1,5;2\nMia;2,25;3\n", tmp_path)
    assert frame.to_dict("list") == {"name": ["Ada", "Mia"], "size": [1.5, 2.25], "price": [2, 3]}
    out = capsys.readouterr().out
    assert "separated by semicolons (its first line has no comma), with decimal commas" in out


def test_a_semicolon_csv_with_decimal_points_keeps_them_and_a_comma_csv_is_left_alone(tmp_path):
    """UCI's wine quality file separates by semicolons and writes 7.4; a comma-separated file whose values
    hold semicolons is comma-separated still."""
    wine = read(b'"fixed acidity";"quality"\n7.4;5\n7.8;6\n', tmp_path)
    assert wine.to_dict("list") == {"fixed acidity": [7.4, 7.8], "quality": [5, 6]}
    notes = read(b'name,notes\nAda,"a;b"\n', tmp_path)
    assert notes.to_dict("list") == {"name": ["Ada"], "notes": ["a;b"]}
