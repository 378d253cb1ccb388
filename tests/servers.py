"""Real servers for the data-source tests: a local HTTP API and a throwaway PostgreSQL.

Nothing here imitates the code under test: the baked project talks to these over
real sockets, exactly as it would talk to a team's API or database.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
from baked import TEMPLATE

SAMPLE = TEMPLATE / "{{cookiecutter.project_slug}}" / "data" / "sample" / "penguins.csv"
API_TOKEN = "tok-3f9a-not-a-real-secret"
PAGE_SIZE = 150
SLOW_SECONDS = 20
BOMB_BYTES = 1 << 30  # what /bomb.csv expands to: 1 GiB from about 1 MB on the wire
TRICKLE_SECONDS = 0.2  # /trickle.csv sends one byte this often, for ever


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (right now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SampleAPI(ThreadingHTTPServer):
    """The penguins sample served as CSV, JSON and paginated JSON, plus the ways servers fail.

    `hits` counts the requests per path, so tests can see retries and pages.
    """

    daemon_threads = True  # a handler still sleeping in /slow.csv must not hold up the end of the tests

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SampleHandler)
        self.hits: Counter[str] = Counter()
        self.headers_seen: dict[str, list[dict[str, str]]] = {}  # path -> the headers of each request
        self.bomb_lock = threading.Lock()
        self.bomb: bytes | None = None
        self.csv = SAMPLE.read_bytes()
        self.records = json.loads(pd.read_csv(SAMPLE).to_json(orient="records"))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def gzip_bomb(self) -> bytes:
        """A gzip stream of a CSV that expands to BOMB_BYTES (made once, on first use)."""
        with self.bomb_lock:
            if self.bomb is None:
                packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip container
                block = b"0\n" * (1 << 19)  # 1 MiB
                parts = [packer.compress(b"x\n")]
                parts += [packer.compress(block) for _ in range(BOMB_BYTES // len(block))]
                self.bomb = b"".join([*parts, packer.flush()])
            return self.bomb

    def handle_error(self, request, client_address) -> None:
        """A client that gave up on /slow.csv closes its socket: that is expected, not worth a traceback."""


class SampleHandler(BaseHTTPRequestHandler):
    server: SampleAPI

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        url = urlsplit(self.path)
        self.server.hits[url.path] += 1
        self.server.headers_seen.setdefault(url.path, []).append(dict(self.headers))
        hits = self.server.hits[url.path]
        if self.hostile(url.path, parse_qs(url.query)):
            return
        if url.path == "/penguins.csv":
            self.send(200, self.server.csv, "text/csv")
        elif url.path == "/empty.csv":
            self.send(200, self.server.csv.splitlines(keepends=True)[0], "text/csv")
        elif url.path == "/api/penguins":
            self.send_json({"count": len(self.server.records), "data": {"items": self.server.records}})
        elif url.path == "/api/pages":
            page = int(parse_qs(url.query).get("page", ["1"])[0])
            rows = self.server.records[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
            more = page * PAGE_SIZE < len(self.server.records)
            self.send_json({"results": rows, "next": f"/api/pages?page={page + 1}" if more else None})
        elif url.path == "/api/private.csv":
            if self.headers.get("Authorization") == f"Bearer {API_TOKEN}":
                self.send(200, self.server.csv, "text/csv")
            else:
                self.send(401, b"token required", "text/plain")
        elif url.path == "/flaky.csv" and hits == 1:
            self.send(503, b"busy", "text/plain")
        elif url.path == "/flaky.csv":
            self.send(200, self.server.csv, "text/csv")
        elif url.path == "/broken.csv":
            self.send(500, b"internal error", "text/plain")
        elif url.path == "/slow.csv":
            time.sleep(SLOW_SECONDS)
            self.send(200, self.server.csv, "text/csv")
        else:
            self.send(404, b"not found", "text/plain")

    def hostile(self, path: str, query: dict[str, list[str]]) -> bool:
        """The answers of a hostile or broken server; False for any other path."""
        if path == "/away":  # a redirect to wherever ?to= says (another port: another origin)
            self.send_response(302)
            self.send_header("Location", query["to"][0])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/endless.csv":  # CSV rows for ever, until the client hangs up
            self.stream(b"a,b\n", b"1,2\n" * 16384, pause=0)
        elif path == "/trickle.csv":  # a byte at a time, for ever
            self.stream(b"a,b\n", b"1", pause=TRICKLE_SECONDS)
        elif path == "/bomb.csv":
            bomb = self.server.gzip_bomb()
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(bomb)))
            self.end_headers()
            self.wfile.write(bomb)
        elif path == "/api/endless":  # every page links to a new next page
            page = int(query.get("page", ["1"])[0])
            self.send_json({"results": self.server.records[:1], "next": f"/api/endless?page={page + 1}"})
        else:
            return False
        return True

    def stream(self, head: bytes, body: bytes, pause: float) -> None:
        """Send `head`, then `body` again and again (pausing `pause` s) until the client hangs up."""
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.end_headers()  # no Content-Length: the body ends when the connection closes
        try:
            self.wfile.write(head)
            while True:
                self.wfile.write(body)
                self.wfile.flush()
                time.sleep(pause)
        except OSError:  # the client hung up: that is the point
            self.close_connection = True

    def send_json(self, document: object) -> None:
        self.send(200, json.dumps(document).encode(), "application/json")

    def send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's signature)
        """Keep the test output quiet."""


@contextmanager
def sample_api() -> Iterator[SampleAPI]:
    server = SampleAPI()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class Postgres:
    """A running PostgreSQL server with the penguins sample in the table `penguins`."""

    port: int
    user: str
    password: str
    database: str

    def url(self, password: str | None = None) -> str:
        secret = self.password if password is None else password
        return f"postgresql://{self.user}:{secret}@127.0.0.1:{self.port}/{self.database}"


HOW_TO_ENABLE = (
    "PostgreSQL's server programs (initdb, pg_ctl) are not installed: install them "
    "(`sudo apt install postgresql`, or `brew install postgresql`) to run these tests; "
    ".ci/run does, and sets REQUIRE_POSTGRES=1 so that they cannot be skipped there"
)


def postgres_programs() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, or where Debian and Ubuntu put them."""
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).resolve().parent
    installed = glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")
    if not installed:
        return None
    newest = max(installed, key=lambda path: int(Path(path).parts[-3]))
    return Path(newest).parent


@contextmanager
def postgres_server(programs: Path) -> Iterator[Postgres]:
    """Start PostgreSQL on 127.0.0.1 in a temporary folder; stop it and delete the folder afterwards.

    PostgreSQL refuses to run as root, so as root it runs as the `postgres` user
    that the Debian package creates.
    """
    server = Postgres(port=free_port(), user="hackathon", password="pw-7c1e-not-a-real-secret", database="postgres")
    workdir = Path(tempfile.mkdtemp(prefix="hackathon-postgres-"))
    data, log, password_file = workdir / "data", workdir / "log", workdir / "password"
    password_file.write_text(server.password + "\n")
    as_owner: list[str] = []
    if os.geteuid() == 0:
        try:
            shutil.chown(workdir, "postgres")
            shutil.chown(password_file, "postgres")
        except LookupError:
            raise RuntimeError("as root, PostgreSQL must run as the user postgres, which does not exist") from None
        as_owner = ["runuser", "-u", "postgres", "--"]
    pg_ctl = [*as_owner, str(programs / "pg_ctl"), f"--pgdata={data}"]
    try:
        subprocess.run(
            [*as_owner, str(programs / "initdb"), f"--pgdata={data}", f"--username={server.user}",
             f"--pwfile={password_file}", "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        options = f"-h 127.0.0.1 -p {server.port} -k {workdir} -F"
        started = subprocess.run(
            [*pg_ctl, f"--log={log}", f"--options={options}", "--wait", "--timeout=60", "start"],
            capture_output=True, text=True,
        )  # fmt: skip
        if started.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not start: {started.stderr}\n{log.read_text() if log.exists() else ''}")
        yield server
    finally:
        subprocess.run([*pg_ctl, "--mode=immediate", "stop"], capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)
