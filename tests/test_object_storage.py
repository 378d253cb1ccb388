"""Data in a bucket: `s3://` sources and the team bucket (`invoke push` / `invoke pull`).

A real S3-compatible server (moto's server mode, the one s3fs and pandas test against) runs on
127.0.0.1, and the baked project reads it with the real s3fs client. The project's steps get their
credentials from its .env only: the environment's AWS variables are removed for every run.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import select
import socket
import struct
import subprocess
import sys
import termios
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy
import pandas as pd
import pytest
import s3fs
from baked import baked, run, succeed
from moto.server import ThreadedMotoServer
from servers import SAMPLE, free_port

SAMPLE_ROWS = 344
SECRET = "s3cr3t-Do-Not-Show-9f2c"
# No credential reaches a step but from the project's .env; no instance metadata lookup slows a failure.
NO_AWS = {
    "AWS_ACCESS_KEY_ID": None,
    "AWS_SECRET_ACCESS_KEY": None,
    "AWS_SESSION_TOKEN": None,
    "AWS_PROFILE": None,
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    "AWS_CONFIG_FILE": "/nonexistent",
    "AWS_EC2_METADATA_DISABLED": "true",
}


class S3:
    """moto on 127.0.0.1 and an s3fs client for it; each test takes a bucket of its own."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.client = s3fs.S3FileSystem(endpoint_url=endpoint, key="test", secret="test", skip_instance_cache=True)

    def bucket(self) -> str:
        name = f"bucket-{uuid.uuid4().hex[:12]}"
        self.client.mkdir(name)
        return name

    def put(self, key: str, content: bytes) -> None:
        self.client.pipe_file(key, content)
        self.client.invalidate_cache()


@pytest.fixture(scope="session")
def s3() -> Iterator[S3]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield S3(f"http://{host}:{port}")
    server.stop()


@pytest.fixture(scope="session")
def denying_endpoint() -> Iterator[str]:
    """A second moto that checks credentials: any key it was never given is refused (403)."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env={**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait()


@pytest.fixture(scope="session")
def silent_endpoint() -> Iterator[str]:
    """A server that takes connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def use_bucket(project: Path, endpoint: str, source: str, remote: str = "", **settings: object) -> None:
    """[data] source (and [storage] remote) in a bucket at `endpoint`, named in .env with the credentials."""
    config = project / "config.toml"
    lines = [f'source = "{source}"', 'storage_options = { endpoint_url = "${S3_ENDPOINT}" }']
    lines += [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    text = config.read_text().replace('source = "data/sample/penguins.csv"', "\n".join(lines))
    if remote:
        text += f'\n[storage]\nremote = "{remote}"\nstorage_options = {{ endpoint_url = "${{S3_ENDPOINT}}" }}\n'
    config.write_text(text)
    credentials = f"AWS_ACCESS_KEY_ID=AKIATESTING\nAWS_SECRET_ACCESS_KEY={SECRET}\n"
    (project / ".env").write_text(f"S3_ENDPOINT={endpoint}\n{credentials}")


def make(project: Path, *targets: str, **env: str | None) -> str:
    return succeed(["make", *targets], project, **{**NO_AWS, **env})


def invoke(project: Path, *command: str) -> str:
    return succeed([sys.executable, "-m", "invoke", *command], project, **NO_AWS)


def snapshot_info(project: Path) -> dict:
    return json.loads((project / "data" / "raw" / "snapshot.json").read_text())


def raw_state(project: Path) -> dict:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (project / "data" / "raw").iterdir()}


def penguins() -> pd.DataFrame:
    return pd.read_csv(SAMPLE)


def test_a_csv_object_runs_the_pipeline_to_a_score(project, s3):
    """`source = "s3://bucket/key.csv"` snapshots the object and the baseline scores on it."""
    bucket = s3.bucket()
    s3.put(f"{bucket}/penguins.csv", SAMPLE.read_bytes())
    use_bucket(project, s3.endpoint, f"s3://{bucket}/penguins.csv")
    output = invoke(project, "baseline")
    assert snapshot_info(project)["rows"] == SAMPLE_ROWS
    assert "accuracy" in output


def test_a_glob_over_many_parquet_objects_becomes_one_snapshot_in_key_order(project, s3):
    """A glob reads every matching object (many at once) and stacks them in key order; others are left out."""
    bucket = s3.bucket()
    frame = penguins()
    for part in range(12):
        s3.put(f"{bucket}/plays/part-{part:02d}.parquet", frame.iloc[part * 30 : (part + 1) * 30].to_parquet())
    s3.put(f"{bucket}/plays/notes.txt", b"not data")
    use_bucket(project, s3.endpoint, f"s3://{bucket}/plays/part-*.parquet")
    make(project, "data")
    snapshot = pd.read_parquet(project / "data" / "raw" / "snapshot.parquet")
    pd.testing.assert_frame_equal(snapshot, frame.iloc[:360].reset_index(drop=True), check_dtype=False)
    assert [item["key"] for item in snapshot_info(project)["objects"]] == [
        f"{bucket}/plays/part-{part:02d}.parquet" for part in range(12)
    ]


def test_a_json_object_is_read_from_records_path(project, s3):
    """A JSON document in a bucket reads as one from a file: the records under `records_path`."""
    bucket = s3.bucket()
    document = {"data": {"items": penguins().to_dict(orient="records")}}
    s3.put(f"{bucket}/penguins.json", json.dumps(document).encode())
    use_bucket(project, s3.endpoint, f"s3://{bucket}/penguins.json", records_path="data.items")
    make(project, "data")
    assert snapshot_info(project)["rows"] == SAMPLE_ROWS


def test_a_query_runs_over_the_objects(project, s3):
    """`query` is DuckDB SQL over the objects as the table `source`, as over files."""
    bucket = s3.bucket()
    s3.put(f"{bucket}/penguins.csv", SAMPLE.read_bytes())
    query = "SELECT * FROM source WHERE island = 'Biscoe'"
    use_bucket(project, s3.endpoint, f"s3://{bucket}/penguins.csv", query=query)
    make(project, "data")
    assert snapshot_info(project)["rows"] == (penguins()["island"] == "Biscoe").sum()


def test_credentials_come_from_dotenv_and_are_never_shown_or_written(project, s3, denying_endpoint):
    """The secret key in .env reaches the store, and no output or file but .env holds it, even on failure."""
    bucket = s3.bucket()
    s3.put(f"{bucket}/penguins.csv", SAMPLE.read_bytes())
    use_bucket(project, s3.endpoint, f"s3://{bucket}/penguins.csv", remote=f"s3://{bucket}/team")
    outputs = [make(project, "data"), make(project, "push")]
    (project / ".env").write_text((project / ".env").read_text().replace(s3.endpoint, denying_endpoint))
    failed = run(["make", "fetch"], project, **NO_AWS)
    assert failed.returncode != 0
    outputs += [failed.stdout, failed.stderr]
    assert not [text for text in outputs if SECRET in text]
    files = [p for p in project.rglob("*") if p.is_file() and p.name != ".env" and ".venv" not in p.parts]
    assert not [p for p in files if SECRET.encode() in p.read_bytes()]
    remote = [key for key in s3.client.find(f"{bucket}/team") if SECRET.encode() in s3.client.cat_file(key)]
    assert not remote


# Each failure: the source, what .env says, and the words of the one-line error.
FAILURES = {
    "no such bucket": ("s3://no-such-bucket-here/penguins.csv", {}, "no such bucket"),
    "no such key": ("s3://{bucket}/missing.csv", {}, "no such object: 's3://{bucket}/missing.csv'"),
    "a glob matching nothing": ("s3://{bucket}/*.parquet", {}, "no object matches [data] source"),
    "access denied": ("s3://{bucket}/penguins.csv", {"endpoint": "denying"}, "access denied to"),
    "no credentials": ("s3://{bucket}/penguins.csv", {"credentials": False}, "no credentials to read"),
    "a wrong endpoint": ("s3://{bucket}/penguins.csv", {"endpoint": "closed"}, "cannot connect to the storage"),
    "a timeout": ("s3://{bucket}/penguins.csv", {"endpoint": "silent"}, "did not answer within 1 s"),
}


@pytest.mark.parametrize("case", list(FAILURES))
def test_a_failed_fetch_from_a_bucket_is_one_line_and_keeps_the_snapshot(
    project, s3, denying_endpoint, silent_endpoint, case
):
    """Each way a bucket fails stops `make fetch` with one line (the fix in it), no traceback, and
    data/raw/ exactly as it was."""
    bucket = s3.bucket()
    s3.put(f"{bucket}/penguins.csv", SAMPLE.read_bytes())
    source, env, message = FAILURES[case]
    endpoints = {"denying": denying_endpoint, "silent": silent_endpoint, "closed": f"http://127.0.0.1:{free_port()}"}
    use_bucket(
        project, endpoints.get(env.get("endpoint"), s3.endpoint), source.format(bucket=bucket), timeout=1, retries=0
    )
    if env.get("credentials") is False:
        (project / ".env").write_text(f"S3_ENDPOINT={s3.endpoint}\n")
    before = raw_state(project)
    result = run(["make", "data"], project, **NO_AWS)
    errors = [line for line in result.stderr.splitlines() if not line.startswith("make: ***")]
    assert result.returncode != 0
    assert message.format(bucket=bucket) in result.stderr, result.stderr
    assert len(errors) == 1 and "Traceback" not in result.stderr, result.stderr
    assert raw_state(project) == before


def test_fetch_says_unchanged_without_downloading_and_retakes_a_changed_object(project, s3):
    """`invoke fetch` lists the objects: the same ETags and sizes keep the snapshot as it is (make then
    rebuilds nothing); a changed object gives a new snapshot."""
    bucket = s3.bucket()
    s3.put(f"{bucket}/penguins.csv", SAMPLE.read_bytes())
    use_bucket(project, s3.endpoint, f"s3://{bucket}/penguins.csv")
    make(project)
    before = raw_state(project)
    assert "unchanged" in invoke(project, "fetch")
    assert raw_state(project) == before
    assert run(["make", "-q"], project, **NO_AWS).returncode == 0
    s3.put(f"{bucket}/penguins.csv", penguins().head(300).to_csv(index=False).encode())
    invoke(project, "fetch")
    assert snapshot_info(project)["rows"] == 300
    assert snapshot_info(project)["objects"][0]["etag"] == s3.client.info(f"{bucket}/penguins.csv")["ETag"].strip('"')


def test_the_bar_of_downloaded_bytes_shows_on_a_terminal(project, s3):
    """Run on a terminal, the data step draws a bar of the bytes it downloads."""
    bucket = s3.bucket()
    s3.put(f"{bucket}/penguins.csv", SAMPLE.read_bytes())
    use_bucket(project, s3.endpoint, f"s3://{bucket}/penguins.csv")
    make(project, ".settings/settings.mk")
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))  # a window 100 wide
    environment = {k: v for k, v in os.environ.items() if k not in NO_AWS} | {"AWS_EC2_METADATA_DISABLED": "true"}
    step = subprocess.Popen(
        [sys.executable, "-m", "penguin_party.data", ".settings/data.json", "data/raw/snapshot.parquet"],
        cwd=project,
        stdout=terminal,
        stderr=terminal,
        env={**environment, "PYTHONPATH": str(project / "src")},
    )
    os.close(terminal)
    shown = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 60)
        try:
            chunk = os.read(controller, 4096) if ready else b""
        except OSError:  # the step ended and closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    assert step.wait(timeout=60) == 0, shown
    assert b"downloading 1 object(s)" in shown and b"100%" in shown


def test_a_200_mb_object_streams_to_disk_and_memory_stays_well_under_twice_its_size(project, s3):
    """A 200 MB CSV object is streamed to disk, never held whole in memory: the data step's peak memory
    (Python, the table and its parse included) stays under 1.75 times the object, and no bar is drawn
    off a terminal. The step runs cold (WARM=0): forked from the warm server, its peak resident set would
    also count the libraries the server had preloaded by then, shared with it, which varies with timing."""
    bucket = s3.bucket()
    text = io.StringIO()  # random numbers: neither the object nor its Parquet snapshot compresses much
    rows = numpy.random.default_rng(0).random((2_900_000, 4))
    numpy.savetxt(text, rows, fmt="%.15f", delimiter=",", header="x1,x2,x3,y", comments="")
    content = text.getvalue().encode()
    del text, rows
    assert len(content) > 195 * 2**20
    with s3.client.open(f"{bucket}/big.csv", "wb") as file:
        file.write(content)
    use_bucket(project, s3.endpoint, f"s3://{bucket}/big.csv")
    (project / "reports" / "build-log.jsonl").unlink(missing_ok=True)
    result = run(["make", "data", "WARM=0"], project, **NO_AWS)
    assert result.returncode == 0, result.stderr
    step = json.loads((project / "reports" / "build-log.jsonl").read_text().splitlines()[-1])
    assert step["step"] == "data"
    assert step["peak_rss_mb"] * 2**20 < 1.75 * len(content)
    assert snapshot_info(project)["rows"] == content.count(b"\n") - 1
    assert "downloading" not in result.stderr


def test_a_teammate_pulls_the_pushed_snapshot_and_make_has_nothing_to_do(cookies, project, s3):
    """`invoke push --models` from one project and `invoke pull --models` into a fresh one: the
    snapshot arrives byte for byte, read-only, and `make -q` there says everything is up to date,
    without the source being read."""
    bucket = s3.bucket()
    s3.put(f"{bucket}/penguins.csv", SAMPLE.read_bytes())
    use_bucket(project, s3.endpoint, f"s3://{bucket}/penguins.csv", remote=f"s3://{bucket}/team")
    make(project)
    invoke(project, "push", "--models")
    teammate = baked(cookies, project_name="Penguin Party")
    (teammate / "config.toml").write_text((project / "config.toml").read_text())
    (teammate / ".env").write_text((project / ".env").read_text())
    s3.client.rm(f"{bucket}/penguins.csv")  # the teammate never reads the source
    invoke(teammate, "pull", "--models")
    for name in ("snapshot.parquet", "snapshot.json"):
        pulled = teammate / "data" / "raw" / name
        assert pulled.read_bytes() == (project / "data" / "raw" / name).read_bytes()
        assert not os.access(pulled, os.W_OK) or os.geteuid() == 0
        assert pulled.stat().st_mode & 0o222 == 0
    assert run(["make", "-q"], teammate, **NO_AWS).returncode == 0


def test_a_push_never_silently_replaces_a_teammates_newer_push(project, s3, tmp_path):
    """A push over files a teammate pushed since this copy last pulled is refused, saying how to get them
    and how to force; --force replaces them."""
    bucket = s3.bucket()
    s3.put(f"{bucket}/penguins.csv", SAMPLE.read_bytes())
    use_bucket(project, s3.endpoint, f"s3://{bucket}/penguins.csv", remote=f"s3://{bucket}/team")
    make(project, "data")
    invoke(project, "push")
    pushed = s3.client.cat_file(f"{bucket}/team/data/raw/snapshot.parquet")
    teammate = tmp_path / "teammate"
    subprocess.run(["cp", "-a", str(project), str(teammate)], check=True)
    (teammate / ".remote.json").unlink()
    s3.put(f"{bucket}/penguins.csv", penguins().head(200).to_csv(index=False).encode())
    make(teammate, "fetch")
    refused = run([sys.executable, "-m", "invoke", "push"], teammate, **NO_AWS)
    assert refused.returncode != 0
    assert "newer" in refused.stderr and "invoke pull" in refused.stderr and "--force" in refused.stderr
    assert s3.client.cat_file(f"{bucket}/team/data/raw/snapshot.parquet") == pushed
    invoke(teammate, "push", "--force")
    assert s3.client.cat_file(f"{bucket}/team/data/raw/snapshot.parquet") != pushed


def test_a_pull_that_fails_its_checksum_leaves_the_local_snapshot_alone(project, s3):
    """A remote file whose bytes do not match the pushed manifest is refused, and nothing local changes."""
    bucket = s3.bucket()
    s3.put(f"{bucket}/penguins.csv", SAMPLE.read_bytes())
    use_bucket(project, s3.endpoint, f"s3://{bucket}/penguins.csv", remote=f"s3://{bucket}/team")
    make(project, "data")
    invoke(project, "push")
    s3.put(f"{bucket}/team/data/raw/snapshot.parquet", b"not the pushed bytes")
    os.chmod(project / "data" / "raw" / "snapshot.parquet", 0o644)
    (project / "data" / "raw" / "snapshot.parquet").write_bytes(b"local copy")
    before = raw_state(project)
    result = run(["make", "pull"], project, **NO_AWS)
    assert result.returncode != 0 and "checksum" in result.stderr, result.stderr
    assert raw_state(project) == before


def test_make_help_lists_push_and_pull(cookies):
    """The team bucket's targets are self-documented."""
    project = baked(cookies)
    helped = succeed(["make", "help"], project)
    assert "push" in helped and "pull" in helped and "[storage] remote" in helped


def test_spark_without_the_hadoop_aws_jars_says_which_to_add_in_one_line(cookies, s3):
    """`[data] engine = "spark"` reads s3:// as s3a:// with the bucket's endpoint and keys in Hadoop's settings;
    where hadoop-aws is not on Spark's classpath (as here: no Maven to fetch it from), the snapshot stops with
    one line naming the jar, and no snapshot is written."""
    project = baked(cookies, project_name="Play Log", task="recommendation")
    bucket = s3.bucket()
    interactions = project / "data" / "sample" / "interactions.csv"
    s3.put(f"{bucket}/interactions.csv", interactions.read_bytes())
    config = project / "config.toml"
    text = config.read_text().replace('# engine = "spark"            # snapshot', 'engine = "spark"  # snapshot')
    text = text.replace('master = "local[*]"', 'master = "local[1]"')
    text = text.replace(
        'source = "data/sample/interactions.csv"',
        f'source = "s3://{bucket}/interactions.csv"\nstorage_options = {{ endpoint_url = "${{S3_ENDPOINT}}" }}',
    )
    config.write_text(text)
    (project / ".env").write_text(
        f"S3_ENDPOINT={s3.endpoint}\nAWS_ACCESS_KEY_ID=AKIATESTING\nAWS_SECRET_ACCESS_KEY={SECRET}\n"
    )
    result = run(["make", "data"], project, **NO_AWS)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]  # Spark talks as it starts
    assert result.returncode != 0
    assert "Spark has no filesystem for s3a:// here" in result.stderr and "hadoop-aws" in result.stderr, result.stderr
    assert len(errors) == 1 and "Traceback" not in result.stderr, result.stderr
    assert SECRET not in result.stderr + result.stdout
    assert not (project / "data" / "raw" / "snapshot.parquet").exists()
