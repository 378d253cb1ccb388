"""The snapshot reads every kind of source the same way, and a failure never costs the last good snapshot."""

import json
import os
import re
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.module_name }}.config import main as config_main
from {{ cookiecutter.module_name }}.config import stage_settings
from {{ cookiecutter.module_name }}.data import describe_snapshot, main, read
from {{ cookiecutter.module_name }}.errors import StepError
from {{ cookiecutter.module_name }}.sources import DataSettings, local_files, query_files
from {{ cookiecutter.module_name }}.sources.credentials import environment, expand, mask, with_source

ROWS = pd.DataFrame(
    {"id": [1, 2, 3, 4], "colour": ["red", "blue", "red", None], "size": [1.5, 2.0, None, 4.0]}
)

WRITERS = {
    "rows.csv": lambda frame, path: frame.to_csv(path, index=False),
    "rows.tsv": lambda frame, path: frame.to_csv(path, sep="\t", index=False),
    "rows.parquet": lambda frame, path: frame.to_parquet(path, index=False),
    "rows.json": lambda frame, path: frame.to_json(path, orient="records"),
    "rows.jsonl": lambda frame, path: frame.to_json(path, orient="records", lines=True),
    "rows.xlsx": lambda frame, path: frame.to_excel(path, index=False),
}


def read_source(source, **settings) -> pd.DataFrame:
    return read(DataSettings(source=str(source), **settings), {})


def assert_same_rows(frame: pd.DataFrame, expected: pd.DataFrame = ROWS) -> None:
    assert list(frame.columns) == list(expected.columns)
    assert frame["id"].tolist() == expected["id"].tolist()
    assert frame["colour"].isna().tolist() == expected["colour"].isna().tolist()


@pytest.mark.parametrize("name", list(WRITERS))
def test_every_file_format_reads_to_the_same_rows(tmp_path, name):
    WRITERS[name](ROWS, tmp_path / name)
    assert_same_rows(read_source(tmp_path / name))


def test_the_format_setting_overrides_the_extension(tmp_path):
    ROWS.to_csv(tmp_path / "export.txt", index=False)
    assert_same_rows(read_source(tmp_path / "export.txt", format="csv"))


def test_an_unknown_extension_says_which_formats_work(tmp_path):
    (tmp_path / "notes.md").write_text("# not data\n")
    with pytest.raises(StepError, match=r"cannot tell the format of .*notes\.md.*set \[data\] format"):
        read_source(tmp_path / "notes.md")


@pytest.mark.parametrize(
    ("name", "fmt"), [("rows.parquet", "parquet"), ("rows.xlsx", "excel"), ("rows.json", "json")]
)
def test_a_file_that_is_not_what_its_name_says_is_a_clear_error(tmp_path, name, fmt):
    ROWS.to_csv(tmp_path / name, index=False)
    with pytest.raises(StepError, match=rf"cannot read '.*{name}' as {fmt}: .*check the file or \[data\]"):
        read_source(tmp_path / name)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(StepError, match=r"nope\.csv' does not exist"):
        read_source(tmp_path / "nope.csv")


def test_a_glob_stacks_the_rows_of_every_matching_file(tmp_path):
    ROWS.iloc[:2].to_csv(tmp_path / "part-1.csv", index=False)
    ROWS.iloc[2:].to_csv(tmp_path / "part-2.csv", index=False)
    assert_same_rows(read_source(tmp_path / "part-*.csv"))


def test_a_glob_refuses_files_of_different_kinds_or_columns(tmp_path):
    ROWS.to_csv(tmp_path / "part-1.csv", index=False)
    ROWS.to_parquet(tmp_path / "part-2.parquet", index=False)
    with pytest.raises(StepError, match=r"different kinds \(csv, parquet\)"):
        read_source(tmp_path / "part-*")
    ROWS.drop(columns="size").to_csv(tmp_path / "part-3.csv", index=False)
    with pytest.raises(StepError, match="missing: size"):
        read_source(tmp_path / "part-*.csv")


def test_a_glob_that_matches_nothing_says_so(tmp_path):
    with pytest.raises(StepError, match="no file matches"):
        read_source(tmp_path / "*.csv")


def test_json_records_are_found_under_records_path(tmp_path):
    document = {"meta": {"count": 4}, "data": {"items": json.loads(ROWS.to_json(orient="records"))}}
    (tmp_path / "api.json").write_text(json.dumps(document))
    assert_same_rows(read_source(tmp_path / "api.json", records_path="data.items"))
    with pytest.raises(StepError, match=r"is an object \(keys: meta, data\).*set \[data\] records_path"):
        read_source(tmp_path / "api.json")
    with pytest.raises(StepError, match=r"has no 'rows' under 'data' \(keys there: items\)"):
        read_source(tmp_path / "api.json", records_path="data.rows")


def test_query_runs_duckdb_sql_over_the_file_as_the_table_source(tmp_path):
    ROWS.to_csv(tmp_path / "rows.csv", index=False)
    query = "SELECT colour, count(*) AS n FROM source WHERE colour LIKE 'r%' GROUP BY colour"
    frame = read_source(tmp_path / "rows.csv", query=query)
    assert frame.to_dict("records") == [{"colour": "red", "n": 2}]


def test_a_bad_duckdb_query_names_the_problem(tmp_path):
    ROWS.to_csv(tmp_path / "rows.csv", index=False)
    with pytest.raises(StepError, match=r"\[data\] query failed: .*sourc.*the data is the table `source`"):
        read_source(tmp_path / "rows.csv", query="SELECT * FROM sourc")


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    with sqlite3.connect(tmp_path / "app.db") as connection:
        ROWS.to_sql("things", connection, index=False)
    return f"sqlite:///{tmp_path / 'app.db'}"


def test_a_sqlite_database_is_read_with_a_query(sqlite_url):
    # % and :30 are SQL here, not placeholders for values
    query = "SELECT * FROM things WHERE colour LIKE 'r%' OR '12:30' = 'never' ORDER BY id"
    frame = read_source(sqlite_url, query=query)
    assert frame["id"].tolist() == [1, 3]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (None, r"is a database: set \[data\] query too"),
        ("SELECT * FRM things", r"\[data\] query failed on sqlite:.*syntax error; fix the SQL"),
        ("SELECT * FROM sales", r"no such table: sales"),
        ("SELEC * FROM things", r"\[data\] query must be one SELECT statement"),
    ],
)
def test_database_query_problems_are_clear(sqlite_url, query, message):
    with pytest.raises(StepError, match=message):
        read_source(sqlite_url, query=query)


@pytest.mark.parametrize(
    "query",
    [
        "VACUUM INTO '{folder}/copy.db'",
        "ATTACH '{folder}/new.db' AS other",
        "PRAGMA table_info(things)",
        "WITH rows AS (SELECT 9 AS id) INSERT INTO things (id) SELECT id FROM rows",
    ],
)
def test_a_database_query_cannot_write(sqlite_url, tmp_path, query):
    """A query only reads: a statement that writes or makes a file is refused in one line, and no file
    appears (SQLite is opened read-only too)."""
    before = sorted(tmp_path.iterdir())
    with pytest.raises(StepError, match=r"query must be one SELECT|readonly database"):
        read_source(sqlite_url, query=query.format(folder=tmp_path))
    assert sorted(tmp_path.iterdir()) == before
    assert len(read_source(sqlite_url, query="SELECT * FROM things")) == len(ROWS)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("COPY (SELECT 1) TO 'written.csv'", "cannot write or change anything; this is COPY"),
        ("SELECT 1 AS a; SELECT 2 AS a", "cannot write or change anything; this is 2 statements"),
        ("SELECT * FROM read_csv('/etc/hostname')", "may read files in the project's folder only"),
        ("SET lock_configuration = false", "cannot write or change anything; this is SET"),
    ],
)
def test_a_duckdb_query_only_reads_the_projects_files(tmp_path, monkeypatch, query, message):
    """DuckDB runs one SELECT that may read files under the project's folder, and nothing else."""
    monkeypatch.chdir(tmp_path)
    ROWS.to_csv("rows.csv", index=False)
    with pytest.raises(StepError, match=re.escape(message)):
        read_source(tmp_path / "rows.csv", query=query)
    assert not (tmp_path / "written.csv").exists()


def test_a_duckdb_query_joins_a_file_of_the_project(tmp_path, monkeypatch):
    """The README's JOIN of another file in the project works."""
    monkeypatch.chdir(tmp_path)
    ROWS.to_csv("rows.csv", index=False)
    ROWS[["id"]].assign(extra=1).to_csv("extra.csv", index=False)
    query = "SELECT s.*, e.extra FROM source s JOIN 'extra.csv' e USING (id)"
    assert read_source(tmp_path / "rows.csv", query=query)["extra"].tolist() == [1] * len(ROWS)


def test_a_missing_sqlite_file_is_an_error_not_a_new_empty_database(tmp_path):
    with pytest.raises(StepError, match="no SQLite database at"):
        read_source(f"sqlite:///{tmp_path / 'missing.db'}", query="SELECT 1")
    assert not (tmp_path / "missing.db").exists()


def test_an_unknown_kind_of_database_is_named_without_its_password():
    with pytest.raises(StepError, match=r"unknown kind of database 'nosuchdb'") as error:
        read_source("nosuchdb://user:hunter2@localhost/db", query="SELECT 1")
    assert "hunter2" not in str(error.value)


def test_placeholders_are_filled_from_the_variables_and_a_missing_one_says_where_to_set_it():
    assert expand("sqlite:///${DB_FILE}", {"DB_FILE": "app.db"}, "source") == "sqlite:///app.db"
    with pytest.raises(
        StepError, match=r"uses \$\{DATABASE_URL\}, which is not set: add DATABASE_URL=.* \.env"
    ):
        expand("${DATABASE_URL}", {}, "source")


def test_the_environment_overrides_dotenv(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("API_TOKEN=from-file\nDB_FILE=app.db\n")
    monkeypatch.setenv("API_TOKEN", "from-environment")
    variables = environment(tmp_path / ".env")
    assert variables["API_TOKEN"] == "from-environment" and variables["DB_FILE"] == "app.db"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("postgresql://ana:s3cret@db:5432/shop", "postgresql://***@db:5432/shop"),
        ("postgresql://ana:s3/cr/et@db:5432/shop", "postgresql://***@db:5432/shop"),
        ("postgresql://ana:s3c@r@et@db/shop", "postgresql://***@db/shop"),
        ("mysql://ana:p?ss#w@db/shop", "mysql://***@db/shop"),
        ("https://tok-3f9a@api.example.org/v1/rows.csv", "https://***@api.example.org/v1/rows.csv"),
        ("https://${API_TOKEN}@api.example.org/v1", "https://***@api.example.org/v1"),
        (
            "https://api.example.org/v1?api_key=s3cret&page=2",
            "https://api.example.org/v1?api_key=***&page=***",
        ),
        ("https://api.example.org/v1?jwt=eyJhbGc.eyJzdWI.SflKx", "https://api.example.org/v1?jwt=***"),
        ("https://api.example.org/v1?access=s3cret#rows", "https://api.example.org/v1?access=***#rows"),
        ("https://api.example.org/v1?key=${API_KEY}", "https://api.example.org/v1?key=***"),
        (
            "cannot GET 'https://api.example.org/v1?sig=s3cret': Max retries with url: /v1?sig=s3cret",
            "cannot GET 'https://api.example.org/v1?sig=***': Max retries with url: /v1?sig=***",
        ),
        (
            "SELECT * FROM read_csv('https://ana:s3cret@host/rows.csv?sv=s3cret') WHERE a = 'x'",
            "SELECT * FROM read_csv('https://***@host/rows.csv?sv=***') WHERE a = 'x'",
        ),
        ("data/external/sales.csv", "data/external/sales.csv"),
        ("sqlite:///data/external/app.db", "sqlite:///data/external/app.db"),
    ],
)
def test_mask_hides_every_user_info_and_query_value_but_keeps_the_rest(text, shown):
    """Passwords with / or @, tokens as user names, and every query value, whatever its name."""
    assert mask(text) == shown


def test_the_snapshot_metadata_stores_no_secret_from_a_url(tmp_path):
    """A token written literally in [data] source or in a DuckDB query is masked in snapshot.json."""
    source = "https://ana:s3cret@example.org/rows.csv?access=s3cret"
    settings = DataSettings(source=source, query=f"SELECT * FROM read_csv('{source}')")
    (tmp_path / "snapshot.parquet").write_bytes(b"rows")
    metadata = describe_snapshot(ROWS, settings, tmp_path / "snapshot.parquet")
    assert "s3cret" not in json.dumps(metadata)
    assert metadata["source"] == "https://***@example.org/rows.csv?access=***"
    assert metadata["query"] == "SELECT * FROM read_csv('https://***@example.org/rows.csv?access=***')"


def test_a_setting_that_does_not_exist_is_named():
    with pytest.raises(StepError, match=r"\[data\] querry is not a setting"):
        DataSettings.from_dict({"source": "x.csv", "querry": "SELECT 1"})
    with pytest.raises(StepError, match=r"\[data\] timeout must be a number of seconds"):
        DataSettings.from_dict({"source": "x.csv", "timeout": "soon"})


def test_the_data_stage_gets_every_data_setting_but_the_target():
    config = {"task": "classification", "data": {"source": "x.csv", "target": "y", "query": "SELECT 1"}}
    assert stage_settings(config)["data"] == {"source": "x.csv", "query": "SELECT 1"}


@pytest.mark.parametrize(
    ("source", "watched"),
    [
        ("data/external/sales-*.csv", "data/external/sales-*.csv"),
        ("sqlite:///data/external/app.db", "data/external/app.db"),
        ("https://example.org/penguins.csv", ""),
        ("${DATABASE_URL}", ""),
    ],
)
def test_make_watches_only_local_files(source, watched):
    assert local_files(source) == watched


def snapshot_state(folder):
    return {path.name: (path.read_bytes(), path.stat().st_mtime_ns) for path in sorted(folder.iterdir())}


def test_main_writes_a_read_only_snapshot_and_its_metadata(tmp_path, sqlite_url):
    settings = tmp_path / "data.json"
    settings.write_text(json.dumps({"source": sqlite_url, "query": "SELECT * FROM things"}))
    main(settings, tmp_path / "raw" / "snapshot.parquet")
    assert_same_rows(pd.read_parquet(tmp_path / "raw" / "snapshot.parquet"))
    metadata = json.loads((tmp_path / "raw" / "snapshot.json").read_text())
    assert metadata["source"] == sqlite_url and metadata["query"] == "SELECT * FROM things"
    assert (metadata["rows"], metadata["columns"]) == (4, 3)
    assert len(metadata["sha256"]) == 64 and metadata["taken_at"]
    for written in ("snapshot.parquet", "snapshot.json"):
        assert (tmp_path / "raw" / written).stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) == 0


@pytest.mark.parametrize("query", ["SELECT * FROM things WHERE id > 99", "SELECT * FROM sales"])
def test_a_failed_fetch_leaves_the_previous_snapshot_and_metadata_untouched(tmp_path, sqlite_url, query):
    settings, raw = tmp_path / "data.json", tmp_path / "raw"
    settings.write_text(json.dumps({"source": sqlite_url, "query": "SELECT * FROM things"}))
    main(settings, raw / "snapshot.parquet")
    before = snapshot_state(raw)
    settings.write_text(json.dumps({"source": sqlite_url, "query": query}))
    with pytest.raises(StepError):
        main(settings, raw / "snapshot.parquet")
    assert snapshot_state(raw) == before


@contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """Make `folder` unwritable: read-only for a user, immutable for root (who ignores modes)."""
    folder.chmod(0o555)
    immutable = os.geteuid() == 0
    if immutable:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
    try:
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


def test_an_unwritable_raw_folder_says_what_to_do_and_keeps_the_snapshot(tmp_path, sqlite_url):
    """A read-only data/raw (or another user's) is one line saying how to fix it; the snapshot stays."""
    settings, raw = tmp_path / "data.json", tmp_path / "raw"
    settings.write_text(json.dumps({"source": sqlite_url, "query": "SELECT * FROM things"}))
    main(settings, raw / "snapshot.parquet")
    before = snapshot_state(raw)
    settings.write_text(json.dumps({"source": sqlite_url, "query": "SELECT * FROM things WHERE id > 1"}))
    with unwritable(raw), pytest.raises(StepError, match="read-only or belongs to another user; make it"):
        main(settings, raw / "snapshot.parquet")
    assert snapshot_state(raw) == before


def test_a_literal_secret_in_the_source_stays_out_of_the_settings_files(tmp_path):
    """A password or token written into [data] source is kept in config.toml only: the data stage's
    settings file holds it masked, and the data step reads the real source back from config.toml."""
    source = "https://reader:hunter2@example.org/rows.csv?token=abc123&format=csv"
    # this project's own config.toml (its task and columns), reading from that source
    configured = (Path(__file__).resolve().parents[1] / "config.toml").read_text(encoding="utf-8")
    sourced = re.sub(r"^source = .*$", f'source = "{source}"', configured, count=1, flags=re.MULTILINE)
    (tmp_path / "config.toml").write_text(sourced)
    config_main(tmp_path / "config.toml", tmp_path / "settings")
    written = (tmp_path / "settings" / "data.json").read_text()
    assert "hunter2" not in written and "abc123" not in written and "format=" in written
    assert with_source(json.loads(written), source)["source"] == source
    with pytest.raises(StepError, match="changed after make read it"):
        with_source(json.loads(written), source.replace("hunter2", "hunter3"))


def test_make_watches_the_local_files_a_query_names(tmp_path, monkeypatch):
    """Each quoted name in a DuckDB query that is a file (or a glob of files) here is one make watches;
    values, URLs and missing files are not."""
    monkeypatch.chdir(tmp_path)
    Path("extra.csv").write_text("id,extra\n1,2\n")
    Path("part-1.csv").write_text("id\n1\n")
    query = (
        "SELECT * FROM source JOIN 'extra.csv' USING (id) JOIN read_csv('part-*.csv') USING (id) "
        "WHERE colour = 'red' OR name = 'it''s' OR url = 'https://example.org/x.csv' OR f = 'gone.csv'"
    )
    assert query_files(query) == ["extra.csv", "part-*.csv"]
