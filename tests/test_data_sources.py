"""[data] source reaches files, SQL, databases and HTTP APIs, and a failed fetch costs nothing.

Every source here is real: files in the baked project, SQLite and DuckDB in
process, PostgreSQL and an HTTP API on 127.0.0.1. Each failure must stop `make`
with a line or two that names the source (secrets masked) and a fix, with no
traceback, and leave data/raw/ exactly as it was.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from baked import DOWNSTREAM_OF_CLEAN, planned_outputs, run, succeed
from servers import API_TOKEN, SLOW_SECONDS, free_port

SAMPLE_ROWS = 344
RAW = "data/raw/snapshot.parquet"


def toml_value(value: object) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {json.dumps(item)}" for key, item in value.items()) + " }"
    return json.dumps(value)  # a JSON string or number is also a TOML one


def use_data(project: Path, **settings: object) -> None:
    """Replace `[data] source` in the project's config.toml with `settings`."""
    config = project / "config.toml"
    lines = "\n".join(f"{key} = {toml_value(value)}" for key, value in settings.items())
    config.write_text(config.read_text().replace('source = "data/sample/penguins.csv"', lines))


def snapshot_info(project: Path) -> dict:
    return json.loads((project / "data" / "raw" / "snapshot.json").read_text())


def raw_state(project: Path) -> dict:
    """Every file in data/raw/ with its bytes and modification time."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (project / "data" / "raw").iterdir()}


def fetch_fails(project: Path, message: str, **env: str) -> str:
    """Run `make data`; check it fails with `message` in a line or two, and data/raw/ is untouched."""
    before = raw_state(project)
    result = run(["make", "data"], project, **env)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if not line.startswith("make: ***")]
    assert message in result.stderr, result.stderr
    assert len(errors) <= 2 and "Traceback" not in result.stderr, result.stderr
    assert raw_state(project) == before
    return result.stderr


def write_sqlite(path: Path, table: str, frame: pd.DataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as connection:
        frame.to_sql(table, connection, index=False, if_exists="replace")


# --- Files and SQL over files ---------------------------------------------------------------


def test_a_glob_of_files_becomes_one_snapshot(project):
    """`source = "data/external/part-*.csv"` stacks the parts; a new part re-snapshots on the next make."""
    sample = pd.read_csv(project / "data" / "sample" / "penguins.csv")
    (project / "data" / "external").mkdir()
    sample.iloc[:200].to_csv(project / "data" / "external" / "part-1.csv", index=False)
    use_data(project, source="data/external/part-*.csv")
    succeed(["make", "data"], project)
    assert snapshot_info(project)["rows"] == 200
    sample.iloc[200:].to_csv(project / "data" / "external" / "part-2.csv", index=False)
    succeed(["make", "data"], project)
    assert snapshot_info(project)["rows"] == SAMPLE_ROWS


def test_a_duckdb_query_shapes_the_data_before_the_pipeline(project):
    """`[data] query` runs SQL over the file as the table `source`, and the pipeline trains on the result."""
    use_data(project, source="data/sample/penguins.csv", query="SELECT * FROM source WHERE island != 'Torgersen'")
    output = succeed([sys.executable, "-m", "invoke", "baseline"], project)
    assert snapshot_info(project)["rows"] == SAMPLE_ROWS - 52
    assert "random: balanced_accuracy = " in output


def test_a_sqlite_database_is_read_with_a_query_and_watched_by_make(project):
    """A SQLite file needs nothing installed; make re-snapshots when the database file changes."""
    database = project / "data" / "external" / "app.db"
    write_sqlite(database, "penguins", pd.read_csv(project / "data" / "sample" / "penguins.csv"))
    use_data(project, source="sqlite:///data/external/app.db", query="SELECT * FROM penguins WHERE year >= 2008")
    succeed(["make", "data"], project)
    assert snapshot_info(project)["rows"] == SAMPLE_ROWS - 110
    assert RAW not in planned_outputs(project)
    time.sleep(0.01)
    database.touch()
    assert RAW in planned_outputs(project)


def test_changing_the_query_retakes_the_snapshot(project):
    """Every [data] setting but the target belongs to the snapshot: a new query re-fetches."""
    config = project / "config.toml"
    config.write_text(
        config.read_text().replace(
            'source = "data/sample/penguins.csv"',
            'source = "data/sample/penguins.csv"\nquery = "SELECT * FROM source LIMIT 300"',
        )
    )
    assert planned_outputs(project) == DOWNSTREAM_OF_CLEAN | {RAW}


# --- HTTP APIs ------------------------------------------------------------------------------


def test_an_http_csv_source_runs_the_pipeline_to_a_score(project, api):
    """An http:// URL returning CSV is snapshotted, and `invoke baseline` scores on it."""
    use_data(project, source=f"{api.url}/penguins.csv")
    output = succeed([sys.executable, "-m", "invoke", "baseline"], project)
    assert "random: balanced_accuracy = " in output
    info = snapshot_info(project)
    assert (info["rows"], info["columns"], info["source"]) == (SAMPLE_ROWS, 8, f"{api.url}/penguins.csv")
    assert len(info["sha256"]) == 64 and info["taken_at"]


def test_json_records_are_read_from_records_path(project, api):
    """A JSON API that wraps its list (`{"data": {"items": [...]}}`) is read with records_path."""
    use_data(project, source=f"{api.url}/api/penguins", records_path="data.items")
    succeed(["make", "data"], project)
    assert snapshot_info(project)["rows"] == SAMPLE_ROWS
    assert "species" in snapshot_info(project)["column_names"]


def test_paginated_json_is_fetched_page_by_page(project, api):
    """With next_path, every page is fetched by following each page's (relative) next link."""
    pages_before = api.hits["/api/pages"]
    use_data(project, source=f"{api.url}/api/pages", records_path="results", next_path="next")
    succeed(["make", "data"], project)
    assert snapshot_info(project)["rows"] == SAMPLE_ROWS
    assert api.hits["/api/pages"] - pages_before == 3


def test_a_server_error_is_retried(project, api):
    """A 503 followed by a good answer still gives a snapshot: 5xx answers are retried."""
    use_data(project, source=f"{api.url}/flaky.csv")
    succeed(["make", "data"], project)
    assert snapshot_info(project)["rows"] == SAMPLE_ROWS
    assert api.hits["/flaky.csv"] == 2


def test_an_api_token_comes_from_dotenv_and_is_never_written_down(project, api):
    """`headers` can use ${API_TOKEN} from .env; the token reaches the server but no file or output."""
    (project / ".env").write_text(f"API_TOKEN={API_TOKEN}\n")
    use_data(project, source=f"{api.url}/api/private.csv", headers={"Authorization": "Bearer ${API_TOKEN}"})
    output = succeed(["make", "data"], project)
    assert snapshot_info(project)["rows"] == SAMPLE_ROWS
    written = [p for folder in (".settings", "data/raw") for p in (project / folder).iterdir()]
    assert not [p for p in written if API_TOKEN.encode() in p.read_bytes()]
    assert API_TOKEN not in output


def test_make_does_not_refetch_a_remote_source_but_invoke_fetch_does(project, api):
    """Make cannot see a remote change: a second make fetches nothing; `invoke fetch` fetches again."""
    use_data(project, source=f"{api.url}/penguins.csv")
    succeed(["make"], project)
    fetched = api.hits["/penguins.csv"]
    assert planned_outputs(project) == set()
    output = succeed([sys.executable, "-m", "invoke", "fetch"], project)
    assert api.hits["/penguins.csv"] == fetched + 1
    assert f"snapshot: {SAMPLE_ROWS} rows, 8 columns from {api.url}/penguins.csv" in output
    assert planned_outputs(project) == DOWNSTREAM_OF_CLEAN


# --- PostgreSQL -----------------------------------------------------------------------------


def test_postgres_query_runs_the_pipeline_to_a_score_without_storing_the_password(project, postgres):
    """`source = "${DATABASE_URL}"` (in .env) and a query: `invoke baseline` scores; the password stays in .env."""
    (project / ".env").write_text(f"DATABASE_URL={postgres.url()}\n")
    use_data(project, source="${DATABASE_URL}", query='SELECT * FROM penguins WHERE "year" >= 2008')
    output = succeed([sys.executable, "-m", "invoke", "baseline"], project)
    assert "random: balanced_accuracy = " in output
    assert snapshot_info(project)["rows"] == SAMPLE_ROWS - 110
    written = [p for folder in (".settings", "data/raw") for p in (project / folder).iterdir()]
    assert not [p for p in written if postgres.password.encode() in p.read_bytes()]
    assert postgres.password not in output


def test_postgres_with_a_wrong_password_says_so_and_masks_it(project, postgres):
    use_data(project, source=postgres.url(password="wrong-horse"), query="SELECT * FROM penguins")
    error = fetch_fails(project, 'password authentication failed for user "hackathon"')
    assert f"postgresql://***@127.0.0.1:{postgres.port}/postgres" in error
    assert "wrong-horse" not in error


def test_postgres_query_with_a_syntax_error_names_it(project, postgres):
    use_data(project, source=postgres.url(), query="SELECT * FROM WHERE")
    error = fetch_fails(project, "[data] query failed on postgresql://***@")
    assert 'syntax error at or near "WHERE"' in error and postgres.password not in error


def test_a_postgres_query_runs_in_a_read_only_session(project, postgres):
    """A data-modifying WITH passes the SELECT/WITH check, and the read-only session refuses it."""
    query = "WITH gone AS (DELETE FROM penguins RETURNING *) SELECT * FROM gone"
    use_data(project, source=postgres.url(), query=query)
    fetch_fails(project, "in a read-only transaction")
    config = project / "config.toml"
    config.write_text(config.read_text().replace(query, "SELECT * FROM penguins"))
    succeed(["make", "data"], project)
    assert snapshot_info(project)["rows"] == SAMPLE_ROWS  # nothing was deleted


# --- Failures: clear, quick, and the last good snapshot survives ------------------------------

# <api> is the local HTTP API, <closed> a port nothing listens on.
FAILURES = {
    "404": ({"source": "<api>/nothing-here.csv"}, "<api>/nothing-here.csv answered 404 Not Found: check the URL"),
    "500 after retries": (
        {"source": "<api>/broken.csv", "retries": 1},
        "<api>/broken.csv answered 500 Internal Server Error: the server is failing (after 2 tries)",
    ),
    "server down": (
        {"source": "http://127.0.0.1:<closed>/penguins.csv", "retries": 0},
        "cannot connect to http://127.0.0.1:<closed>/penguins.csv after 1 try",
    ),
    "JSON without the key": (
        {"source": "<api>/api/penguins", "records_path": "data.rows"},
        "has no 'rows' under 'data' (keys there: items): fix [data] records_path",
    ),
    "JSON object without records_path": (
        {"source": "<api>/api/penguins"},
        "is an object (keys: count, data), not a list of records: set [data] records_path",
    ),
    "empty result": ({"source": "<api>/empty.csv"}, "gave no rows: check [data] source"),
    "empty query result": (
        {"source": "data/sample/penguins.csv", "query": "SELECT * FROM source WHERE year > 3000"},
        "gave no rows: check [data] query",
    ),
    "missing file": ({"source": "data/external/nope.csv"}, "data source 'data/external/nope.csv' does not exist"),
    "unknown extension": ({"source": "data/sample/README.md"}, "cannot tell the format of 'data/sample/README.md'"),
    "DuckDB syntax error": (
        {"source": "data/sample/penguins.csv", "query": "SELEC * FROM source"},
        '[data] query failed: Parser Error: syntax error at or near "SELEC"',
    ),
    "database down": (
        {"source": "postgresql://hackathon:hunter2@127.0.0.1:<closed>/postgres", "query": "SELECT 1"},
        "cannot connect to postgresql://***@127.0.0.1:<closed>/postgres",
    ),
    "database without a query": ({"source": "sqlite:///data/sample/none.db"}, "set [data] query too"),
    "variable not set": (
        {"source": "${WAREHOUSE_URL}", "query": "SELECT 1"},
        "[data] source uses ${WAREHOUSE_URL}, which is not set: add WAREHOUSE_URL=... to .env",
    ),
    "misspelt setting": (
        {"source": "data/sample/penguins.csv", "querry": "SELECT 1"},
        "[data] querry is not a setting",
    ),
}


@pytest.mark.parametrize("case", list(FAILURES))
def test_a_failed_fetch_explains_itself_and_keeps_the_last_snapshot(project, api, case):
    """Each way a fetch goes wrong is one or two lines naming the source and a fix; data/raw/ is untouched."""
    settings, message = FAILURES[case]
    places = {"<api>": api.url, "<closed>": str(free_port())}

    def fill(value: object) -> object:
        for place, text in places.items():
            value = value.replace(place, text) if isinstance(value, str) else value
        return value

    use_data(project, **{key: fill(value) for key, value in settings.items()})
    error = fetch_fails(project, fill(message))
    assert "hunter2" not in error


def test_a_slow_server_fails_at_the_timeout_not_when_it_answers(project, api):
    """A server that does not answer within [data] timeout fails then, naming the timeout."""
    use_data(project, source=f"{api.url}/slow.csv", timeout=1)
    started = time.monotonic()
    fetch_fails(project, f"no answer from {api.url}/slow.csv within 1 s: check the URL, or raise [data] timeout")
    assert time.monotonic() - started < SLOW_SECONDS / 2


def test_a_500_is_retried_the_configured_number_of_times(project, api):
    use_data(project, source=f"{api.url}/broken.csv", retries=2)
    before = api.hits["/broken.csv"]
    fetch_fails(project, "(after 3 tries)")
    assert api.hits["/broken.csv"] - before == 3


def test_dotenv_is_ignored_by_git_and_its_example_is_not(cookies):
    """Secrets in .env can never be committed by accident; .env.example is there to be committed."""
    project = cookies.bake().project_path
    succeed(["git", "init", "-q"], project)
    (project / ".env").write_text("DATABASE_URL=postgresql://me:secret@db/shop\n")
    assert run(["git", "check-ignore", "-q", ".env"], project).returncode == 0
    assert run(["git", "check-ignore", "-q", ".env.example"], project).returncode == 1
