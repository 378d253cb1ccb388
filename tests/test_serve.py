"""The JSON API (issue 10) in baked projects of every task: their own API tests, `invoke serve`, and fuzzing.

The fuzzing is property-based, from the API's own OpenAPI document (schemathesis): every request it
generates goes over HTTP to a real uvicorn server of a built project, and none may get a server error.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from baked import baked, succeed
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from servers import free_port

STARTUP_SECONDS = 60
# Per endpoint, a few seconds each. Tried on a server without the int64 bounds on integer columns, 30 examples
# missed its crash on a too-large integer and 100 found it.
FUZZ_EXAMPLES = 100


@pytest.fixture(scope="session")
def built_regressor(cookies_session) -> Path:
    """A regression project (the penguins' body mass), fully built once with `make`."""
    project = baked(cookies_session, project_name="Body Mass", task="regression")
    succeed(["make"], project)
    return project


def started(command: list[str], project: Path, log: Path, port: str | None = None) -> tuple[subprocess.Popen, str]:
    """`command` (which serves the API of `project` on `port`, by default the last word of the command)
    running and answering /health.

    Its output goes to `log`: a pipe nobody reads while it runs would fill with the access log and stall it.
    """
    port = port or command[-1]
    # PYTHON: make uses this test environment rather than building the project's .venv
    environment = {**os.environ, "PYTHON": sys.executable, "PYTHONPATH": str(project / "src")}
    # its own process group: invoke runs make, which runs the server, and stopping must reach all three
    with open(log, "w") as output:
        server = subprocess.Popen(
            command, cwd=project, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, f"the API stopped:\n{log.read_text()}"
        try:
            httpx.get(f"{url}/health", timeout=1).raise_for_status()
            return server, url
        except httpx.TransportError:
            time.sleep(0.2)
    stop(server)
    raise AssertionError(f"the API did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")


def stop(server: subprocess.Popen) -> None:
    """Stop the server and what started it."""
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def serve_command(project: Path) -> list[str]:
    module = next((project / "src").iterdir()).name
    return [sys.executable, "-m", f"{module}.serve", "--port", str(free_port())]


@pytest.mark.parametrize("built", ["built_project", "built_regressor", "built_recommender"])
def test_the_baked_projects_api_tests_pass_for_every_task(built, request):
    """Each task's own tests/test_serve.py (a real server over HTTP) runs in full and passes."""
    project = request.getfixturevalue(built)
    output = succeed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_serve.py"], project)
    assert " passed" in output and "skipped" not in output and "failed" not in output, output


def test_invoke_serve_builds_what_is_missing_and_serves_on_loopback(built_project, tmp_path):
    """`invoke serve --port P` (make serve) answers on 127.0.0.1 by default, the leaderboard's best by default."""
    command = [sys.executable, "-m", "invoke", "serve", "--port", str(free_port())]
    log = tmp_path / "serve.log"
    server, url = started(command, built_project, log)
    try:
        assert httpx.get(f"{url}/health").json()["default_model"] == "knn"
    finally:
        stop(server)
    assert f"--host 127.0.0.1 --port {command[-1]}" in log.read_text()


def test_make_serve_max_body_sets_the_request_body_limit(built_project, tmp_path):
    """`make serve MAX_BODY=2k` refuses a 3 KB body with 413 and still answers a small request."""
    port = str(free_port())
    command = ["make", "serve", f"PORT={port}", "MAX_BODY=2k"]
    server, url = started(command, built_project, tmp_path / "serve.log", port)
    try:
        row = {"island": "Biscoe", "bill_length_mm": 47.5}
        assert httpx.post(f"{url}/predict", json={"rows": [row]}, timeout=30).status_code == 200
        assert httpx.post(f"{url}/predict", json={"rows": [row] * 60}, timeout=30).status_code == 413
    finally:
        stop(server)


def test_make_help_and_the_readme_list_the_serve_target(built_project):
    """`make serve` is in `make help` and in the README's commands table, like every other target."""
    assert "serve" in succeed(["make", "help"], built_project)
    assert "| `invoke serve` | `make serve` |" in (built_project / "README.md").read_text()


@pytest.fixture(scope="module", params=["built_project", "built_regressor", "built_recommender"])
def api_schema(request, tmp_path_factory) -> Iterator[schemathesis.BaseSchema]:
    """The OpenAPI document of a running API of each task, as schemathesis reads it."""
    project = request.getfixturevalue(request.param)
    log = tmp_path_factory.mktemp("fuzzed") / "serve.log"
    server, url = started(serve_command(project), project, log)
    try:
        yield schemathesis.openapi.from_url(f"{url}/openapi.json")
    finally:
        stop(server)


def test_no_generated_request_gets_a_server_error(api_schema):
    """Any request built from the API's own schema gets an answer that is not a 5xx and matches that schema.

    Each operation gets its own property-based run (schemathesis's pytest loader does not run on this
    pytest, so hypothesis drives its strategies directly).
    """
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 3

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        def answers_without_a_server_error(case):
            case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])

        answers_without_a_server_error()
