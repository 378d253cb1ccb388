"""Hostile servers and abusive queries (issue 28): secrets never follow a redirect, every input is bounded.

Every server here is real, on 127.0.0.1 (tests/servers.py): one that redirects to another port,
one that streams CSV for ever, a gzip bomb, one that sends a byte at a time, an endless pager.
Each case runs `make data` in a baked project and checks what the team sees (one line, no
traceback, data/raw/ untouched), how long it took and how much memory the step held at most.
"""

from __future__ import annotations

import http.client
import sqlite3
import sys
import time
import zlib
from pathlib import Path

import pytest
from baked import run, succeed
from servers import API_TOKEN, BOMB_BYTES, sample_api
from test_data_sources import fetch_fails, raw_state, snapshot_info, use_data

RAW = "data/raw/snapshot.parquet"
MEASURED = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:]).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, file=sys.stderr)
sys.exit(code)
"""


@pytest.fixture(scope="module")
def elsewhere():
    """A second server on another port: another origin, which must never see the team's headers."""
    with sample_api() as server:
        yield server


def measured_fetch_fails(project: Path, message: str) -> tuple[float, int]:
    """`make data` fails with `message` in one line, no traceback, data/raw/ untouched (as fetch_fails
    checks); returns the seconds it took and the most memory any of its processes held (MiB)."""
    before = raw_state(project)
    started = time.monotonic()
    result = run([sys.executable, "-c", MEASURED, "make", "data"], project)
    seconds = time.monotonic() - started
    *lines, peak = result.stderr.strip().splitlines()
    errors = [line for line in lines if not line.startswith("make: ***")]
    assert result.returncode != 0 and message in result.stderr, result.stderr
    assert len(errors) <= 2 and "Traceback" not in result.stderr, result.stderr
    assert raw_state(project) == before
    return seconds, int(peak)


# --- Secrets and redirects ----------------------------------------------------------------------


def test_a_redirect_to_another_origin_is_refused_and_the_headers_stay_home(project, api, elsewhere):
    """A source answering 302 to another server is refused by default: one line naming both URLs
    and the setting, and the other server never receives the configured headers."""
    (project / ".env").write_text(f"API_TOKEN={API_TOKEN}\n")
    target = f"{elsewhere.url}/penguins.csv"
    headers = {"Authorization": "Bearer ${API_TOKEN}", "X-Api-Key": "${API_TOKEN}"}
    use_data(project, source=f"{api.url}/away?to={target}", headers=headers)
    error = fetch_fails(project, f"redirects to another server ({target})")
    assert 'follow_redirects = "any"' in error and API_TOKEN not in error
    assert "/penguins.csv" not in elsewhere.headers_seen


def test_a_followed_redirect_sends_no_configured_header_and_the_snapshot_names_the_final_url(project, api, elsewhere):
    """With follow_redirects = "any" the data is fetched from the other server without any configured
    header (each may be a credential), and snapshot.json records where the data came from."""
    (project / ".env").write_text(f"API_TOKEN={API_TOKEN}\n")
    target = f"{elsewhere.url}/penguins.csv?key=s3cret"
    headers = {"Authorization": "Bearer ${API_TOKEN}", "X-Api-Key": "${API_TOKEN}", "X-Team": "blue"}
    use_data(project, source=f"{api.url}/away?to={target}", headers=headers, follow_redirects="any")
    succeed(["make", "data"], project)
    received = elsewhere.headers_seen["/penguins.csv"][-1]
    assert not {"Authorization", "X-Api-Key", "X-Team"} & set(received)
    assert api.headers_seen["/away"][-1]["X-Api-Key"] == API_TOKEN  # the first origin did get them
    info = snapshot_info(project)
    assert info["final_url"] == f"{elsewhere.url}/penguins.csv?key=***" and info["rows"] == 344


def test_a_redirect_within_the_origin_keeps_the_headers(project, api):
    """A redirect to another path of the same server is followed with the headers (the usual /v1 -> /v2)."""
    (project / ".env").write_text(f"API_TOKEN={API_TOKEN}\n")
    use_data(project, source=f"{api.url}/away?to=/api/private.csv", headers={"Authorization": "Bearer ${API_TOKEN}"})
    succeed(["make", "data"], project)
    assert snapshot_info(project)["final_url"] == f"{api.url}/api/private.csv"


# --- Size, time and page caps -------------------------------------------------------------------


def test_an_endless_stream_stops_at_max_bytes_in_bounded_memory(project, api):
    """A CSV that never ends stops once [data] max_bytes is passed, streamed to disk, not held in memory."""
    use_data(project, source=f"{api.url}/endless.csv", max_bytes=50_000_000)
    seconds, peak = measured_fetch_fails(project, "passed [data] max_bytes = 50,000,000 bytes")
    assert seconds < 60 and peak < 400, (seconds, peak)


def test_a_gzip_bomb_stops_at_max_bytes_counted_after_decompression(project, api):
    """About 1 MB on the wire that expands to 1 GiB stops at max_bytes of decompressed data, in bounded memory."""
    assert BOMB_BYTES > 20 * 50_000_000
    use_data(project, source=f"{api.url}/bomb.csv", max_bytes=50_000_000)
    seconds, peak = measured_fetch_fails(project, "(counted after decompression)")
    assert seconds < 60 and peak < 400, (seconds, peak)


def test_a_trickling_body_stops_at_the_timeout_for_the_whole_response(project, api):
    """A server sending a byte now and then never trips a per-read timeout; [data] timeout bounds it all."""
    use_data(project, source=f"{api.url}/trickle.csv", timeout=2)
    started = time.monotonic()
    fetch_fails(project, "took longer than [data] timeout = 2 s in all")
    assert time.monotonic() - started < 20


def test_an_endless_pager_stops_at_max_pages(project, api):
    """A next link that always points to a new page stops at [data] max_pages, with one line."""
    use_data(project, source=f"{api.url}/api/endless", records_path="results", next_path="next", max_pages=25)
    fetch_fails(project, "has more than [data] max_pages = 25 pages")
    assert api.hits["/api/endless"] >= 25


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"max_bytes": 0}, "[data] max_bytes must be a whole number, 1 or more"),
        ({"max_pages": 2.5}, "[data] max_pages must be a whole number"),
        ({"follow_redirects": "all"}, "[data] follow_redirects must be 'same-origin' or 'any'"),
    ],
)
def test_a_bad_limit_is_one_line(project, api, setting, message):
    use_data(project, source=f"{api.url}/penguins.csv", **setting)
    fetch_fails(project, message)


# --- Queries read, and what they read is tracked ------------------------------------------------


def test_a_file_joined_in_a_query_is_watched_by_make(project):
    """The README's JOIN of data/external/extra.csv: editing that file makes the snapshot stale."""
    extra = project / "data" / "external" / "extra.csv"
    extra.parent.mkdir(parents=True, exist_ok=True)
    extra.write_text("species,extra\nAdelie,1\nChinstrap,2\nGentoo,3\n")
    query = "SELECT s.*, e.extra FROM source s JOIN 'data/external/extra.csv' e USING (species)"
    use_data(project, source="data/sample/penguins.csv", query=query)
    succeed(["make", "data"], project)
    assert run(["make", "-q", RAW], project).returncode == 0
    time.sleep(0.01)
    extra.write_text("species,extra\nAdelie,10\nChinstrap,20\nGentoo,30\n")
    assert run(["make", "-q", RAW], project).returncode == 1
    assert "extra" in snapshot_info(project)["column_names"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("COPY (SELECT 1 AS a) TO '/tmp/i28-copied.csv'", "[data] query must be one SELECT statement"),
        ("SELECT * FROM read_csv('/etc/passwd', sep=':')", "[data] query may read files in the project's folder"),
        ("SELECT * FROM source; SELECT 1", "[data] query must be one SELECT statement"),
    ],
)
def test_a_duckdb_query_cannot_write_or_read_outside_the_project(project, query, message):
    """A query that writes a file or reads outside the project is one line, and nothing is written."""
    use_data(project, source="data/sample/penguins.csv", query=query)
    fetch_fails(project, message)
    assert not Path("/tmp/i28-copied.csv").exists()


@pytest.mark.parametrize("query", ["VACUUM INTO 'data/external/copy.db'", "ATTACH 'data/external/new.db' AS x"])
def test_a_sqlite_query_cannot_create_files(project, query):
    """SQLite is opened read-only and a query is one SELECT: VACUUM INTO and ATTACH are one line, no file."""
    database = project / "data" / "external" / "app.db"
    database.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE t (a)")
    use_data(project, source="sqlite:///data/external/app.db", query=query)
    fetch_fails(project, "[data] query must be one SELECT statement")
    assert sorted(p.name for p in database.parent.iterdir()) == ["app.db"]


# --- Settings that say what they mean --------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("max_missing_fraction = 0.5", "max_missing_fractoin = 0.1", "did you mean max_missing_fraction?"),
        ("[evaluate]", "[evaluate]\ntest_size = 0.2", "[evaluate] test_size is not a setting"),
        ("test_size = 0.2", 'test_size = "a fifth"', "[features] test_size must be a number, not text"),
    ],
)
def test_a_typo_in_config_toml_stops_make_with_one_line(project, old, new, message):
    """An unknown key or a wrong type stops make before any step, naming the key and the fix."""
    config = project / "config.toml"
    config.write_text(config.read_text().replace(old, new, 1))
    result = run(["make"], project)
    assert result.returncode != 0 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "a fifth" not in result.stderr


def test_the_bomb_is_small_on_the_wire_and_gzip(api):
    """The fixture itself: what the server sends is about a thousandth of what it expands to."""
    connection = http.client.HTTPConnection("127.0.0.1", api.server_address[1], timeout=60)
    connection.request("GET", "/bomb.csv", headers={"Accept-Encoding": "gzip"})
    answer = connection.getresponse()
    wire = answer.read()  # http.client does not decompress
    connection.close()
    assert answer.getheader("Content-Encoding") == "gzip" and len(wire) < BOMB_BYTES / 500
    assert len(zlib.decompressobj(31).decompress(wire, 1_000_000)) == 1_000_000
