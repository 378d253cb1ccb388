"""The demo app shows the leaderboard and every model's prediction for a row entered in its form."""

import asyncio
import itertools
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import joblib
import pandas as pd
import pytest
from baked import MODELS, succeed
from streamlit.testing.v1 import AppTest
from tornado.websocket import websocket_connect

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def app(built_project, monkeypatch) -> AppTest:
    """The project's app, run in this process with the project's package importable (as make does)."""
    monkeypatch.syspath_prepend(str(built_project / "src"))
    return AppTest.from_file(str(built_project / "app.py"), default_timeout=60)


def test_the_form_is_built_from_the_training_columns(app, built_project):
    """Numbers get a box bounded by the training range, text columns a dropdown of their values."""
    app.run()
    assert not app.exception
    train = pd.read_parquet(built_project / "data" / "processed" / "train.parquet")
    bill = app.number_input(key="bill_length_mm")
    assert (bill.min, bill.max) == (train["bill_length_mm"].min(), train["bill_length_mm"].max())
    assert set(app.selectbox(key="island").options) == set(train["island"])
    assert "species" not in [widget.key for widget in [*app.number_input, *app.selectbox]]


def test_submitting_a_row_shows_every_models_prediction(app, built_project):
    """The entered row goes to each saved model; the page shows what each of them predicts."""
    app.run()
    app.number_input(key="bill_length_mm").set_value(47.5)
    app.number_input(key="flipper_length_mm").set_value(217.0)
    app.selectbox(key="island").set_value("Biscoe")
    app.button[0].click().run()
    assert not app.exception
    shown = {metric.label: metric.value for metric in app.metric}
    assert set(shown) == set(MODELS)
    row = pd.DataFrame([{widget.key: widget.value for widget in [*app.number_input, *app.selectbox]}])
    train = pd.read_parquet(built_project / "data" / "processed" / "train.parquet")
    row = row[train.columns.drop("species")].astype(train.drop(columns="species").dtypes.to_dict())
    for model in MODELS:
        expected = joblib.load(built_project / "models" / f"{model}.joblib").predict(row)[0]
        assert shown[model] == str(expected), model
    assert shown["knn"] == "Gentoo"  # a long bill and long flippers on Biscoe


def test_without_models_the_app_says_which_command_builds_them(project, monkeypatch):
    """Before anything is built the page says to run `invoke all`, instead of a traceback."""
    succeed(["make", "clean"], project)
    monkeypatch.syspath_prepend(str(project / "src"))
    app = AppTest.from_file(str(project / "app.py")).run()
    assert not app.exception
    assert "invoke all" in app.error[0].value


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        assert process.poll() is None and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.2)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("REQUIRE_CHROMIUM"):
            pytest.fail("REQUIRE_CHROMIUM is set but chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")
    return found


async def page_text_once_it_shows(devtools: str, expected: str, seconds: float = 60) -> str:
    """The page's visible text, read over the DevTools protocol until it contains `expected`.

    Streamlit draws the page after loading it, over its own websocket, so the text
    is polled rather than dumped at the load event (as --dump-dom would).
    """
    connection = await websocket_connect(devtools)
    deadline = time.monotonic() + seconds
    for request in itertools.count(1):
        command = {
            "id": request,
            "method": "Runtime.evaluate",
            "params": {"expression": "document.body.innerText", "returnByValue": True},
        }
        await connection.write_message(json.dumps(command))
        reply = {}
        while reply.get("id") != request:
            reply = json.loads(await connection.read_message())
        text = reply["result"]["result"].get("value", "")
        if expected in text or time.monotonic() > deadline:
            connection.close()
            return text
        await asyncio.sleep(0.5)


def test_the_served_app_renders_the_leaderboard_in_a_real_browser(built_project, tmp_path):
    """Served on loopback and loaded in headless Chromium, the page shows the leaderboard with every model."""
    browser = chromium()
    port, devtools_port = free_port(), free_port()
    env = {**os.environ, "PYTHONPATH": str(built_project / "src")}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
        cwd=built_project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    viewer = None
    try:
        wait_for_port(port, server)
        viewer = subprocess.Popen(
            [
                browser,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={tmp_path / 'profile'}",
                f"--remote-debugging-port={devtools_port}",
                f"http://127.0.0.1:{port}/",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(devtools_port, viewer)
        with urllib.request.urlopen(f"http://127.0.0.1:{devtools_port}/json/list") as response:
            page = next(target for target in json.load(response) if target["type"] == "page")
        text = asyncio.run(page_text_once_it_shows(page["webSocketDebuggerUrl"], "Lift over random"))
    finally:
        for process in (viewer, server):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
    assert "Lift over random" in text, text
    leaderboard = text[text.index("Lift over random") :]
    for model in MODELS:
        assert f"\t{model}\t" in leaderboard, model


def test_a_project_without_the_app_still_builds_and_passes_its_tests(cookies):
    """demo_app=none leaves no app files, and the project's make, tests and lint all pass."""
    result = cookies.bake(extra_context={"demo_app": "none"})
    assert result.exit_code == 0, result.exception
    project = result.project_path
    assert not (project / "app.py").exists() and not (project / ".streamlit").exists()
    assert not re.search(r"^\s+demo\s", succeed(["make", "help"], project), re.MULTILINE)  # no demo target
    assert "streamlit" not in (project / "pyproject.toml").read_text()
    succeed(["make"], project)
    assert (project / "reports" / "REPORT.html").is_file()
    succeed(["make", "test"], project)
    succeed(["make", "lint"], project)
    result = subprocess.run([sys.executable, "-m", "invoke", "demo"], cwd=project, capture_output=True, text=True)
    assert result.returncode != 0 and "demo_app=none" in result.stderr
