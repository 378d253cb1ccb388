"""The demo app shows the leaderboard and every model's prediction for a row entered in its form."""

import os
import re
import subprocess
import sys

import joblib
import pandas as pd
import pytest
from baked import MODELS, succeed
from browser import open_page, page_text, wait_for_port
from servers import free_port
from streamlit.testing.v1 import AppTest


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


def test_the_served_app_renders_the_leaderboard_in_a_real_browser(built_project, tmp_path):
    """Served on loopback and loaded in headless Chromium, the page shows the leaderboard with every model."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(built_project / "src")}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
        cwd=built_project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, server)
        with open_page(f"http://127.0.0.1:{port}/", tmp_path / "profile") as page:
            text = page_text(page, "Lift over random")
    finally:
        server.terminate()
        server.wait(timeout=30)
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
