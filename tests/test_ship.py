"""`invoke ship`: the demo and the API leave the team's machine as one folder, and run from a copy of it
the way a hosting platform runs them, with only what its requirements.txt installs."""

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from baked import MODELS, run, succeed
from browser import open_page, page_text, wait_for_port
from servers import free_port

FAMILIES = ["table", "recommendation"]
# Tools of the team's machine, never of a server: tests, lint, notebooks, mutation tests, Spark.
DEV_TOOLS = {"pytest", "ruff", "mutmut", "jupyter", "notebook", "pyspark", "hypothesis", "invoke"}
# What a deployed folder must never hold: the secrets, the raw snapshot and its record.
NEVER_SHIPPED = [".env", "data/raw", "snapshot.json", "snapshot.parquet", ".settings"]


def module_of(project: Path) -> str:
    return project.name.replace("-", "_")


@pytest.fixture(scope="module", params=FAMILIES)
def shipped(request, tmp_path_factory) -> dict:
    """A built project of the family (a private copy), with secrets in its .env, after `invoke ship`."""
    built = request.getfixturevalue("built_project" if request.param == "table" else "built_recommender")
    project = tmp_path_factory.mktemp(request.param) / built.name
    shutil.copytree(built, project)
    env = {"API_TOKEN": f"tok-{secrets.token_hex(12)}", "DB_PASSWORD": secrets.token_hex(12)}
    env["DATABASE_URL"] = f"postgresql://team:{env['DB_PASSWORD']}@db.example.org:5432/hack"
    (project / ".env").write_text("".join(f"{name}={value}\n" for name, value in env.items()))
    output = succeed([sys.executable, "-m", "invoke", "ship"], project)
    return {"family": request.param, "project": project, "ship": project / "ship", "env": env, "output": output}


@pytest.fixture(scope="module")
def platform(shipped, tmp_path_factory) -> dict:
    """ship/ copied somewhere new, then `python check.py` there: a fresh copy, a fresh virtual environment
    with only requirements.txt (pip as this machine configures it, its cache warm), each start command."""
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "ship"
    shutil.copytree(shipped["ship"], elsewhere)
    workdir = tmp_path_factory.mktemp("platform")
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    started = time.monotonic()
    checked = subprocess.run(
        [sys.executable, "check.py", "--workdir", str(workdir)],
        cwd=elsewhere,
        env=environment,
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    load = os.getloadavg()[0]
    print(f"\n{shipped['family']}: check.py {seconds:.0f} s, load average {load:.1f}\n{checked.stdout}")
    return {**shipped, "checked": checked, "app": workdir / "app", "bin": workdir / "venv" / "bin"}


def serve(command: list[str], folder: Path, env: dict[str, str]) -> subprocess.Popen:
    """`command` started in `folder` in its own process group (stop() ends it and what it started)."""
    return subprocess.Popen(
        command,
        cwd=folder,
        env={**os.environ, **env},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, 15)
    process.wait(timeout=30)


def get(url: str, body: dict | None = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def platform_env(platform: dict, port: int) -> dict[str, str]:
    """What a platform gives its start command: PORT, and its environment's python first on PATH."""
    return {"PORT": str(port), "PATH": f"{platform['bin']}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": ""}


def test_ship_lists_every_file_it_writes_with_its_size(shipped):
    """The build prints each file of the bundle with its size, the models among them, and the total."""
    for model in MODELS:
        assert re.search(rf"\d+(\.\d)? (B|kB|MB)  models/{model}\.joblib", shipped["output"]), model
    assert re.search(r"in \d+ files", shipped["output"])


def test_no_secret_of_the_env_file_is_in_the_bundle(shipped):
    """No .env value (a token, a database password or URL) is in any shipped file, nor .env, the raw data
    or the snapshot's record."""
    files = [path for path in shipped["ship"].rglob("*") if path.is_file()]
    for path in files:
        content = path.read_bytes()
        for name, value in shipped["env"].items():
            assert value.encode() not in content, f"{name} in {path}"
    shipped_names = {str(path.relative_to(shipped["ship"])) for path in files}
    for secret in NEVER_SHIPPED:
        assert not any(secret in name for name in shipped_names), secret


def test_requirements_are_pinned_and_hold_no_dev_or_pipeline_only_tool(shipped):
    """Every requirement is pinned (==) at the version installed in the project's environment, and none is a
    tool of the team's machine (pytest, ruff, mutmut, jupyter, pyspark...)."""
    lines = [
        line
        for line in (shipped["ship"] / "requirements.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    names = {line.split("==")[0].lower() for line in lines}
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+==\S+", line) for line in lines), lines
    assert not names & DEV_TOOLS, names & DEV_TOOLS
    assert {"streamlit", "fastapi", "uvicorn", "scikit-learn", "pandas"} <= names


def without_times(answer):
    """An API answer without the model files' modification times: a fresh clone dates every file anew,
    so the served files are compared by name and SHA-256."""
    if isinstance(answer, dict):
        return {key: without_times(value) for key, value in answer.items() if key != "modified"}
    if isinstance(answer, list):
        return [without_times(value) for value in answer]
    return answer


@pytest.mark.slow
def test_the_copied_bundle_installs_and_answers_as_the_project_did(platform):
    """check.py, in a fresh copy with only requirements.txt installed: the demo serves and draws the
    leaderboard, the API answers /health, /models and a prediction (or recommendation) as the project's
    own model did when shipped."""
    checked = platform["checked"]
    assert checked.returncode == 0, checked.stderr + checked.stdout
    assert "fresh environment" in checked.stdout and "as the project did" in checked.stdout


@pytest.mark.slow
def test_the_shipped_api_answers_exactly_as_the_projects_own_api(platform):
    """Started by the platform's command in the copy, the API gives the same /health, /models and answer to
    the recorded question as `python -m <module>.serve` over the project itself."""
    assert platform["checked"].returncode == 0, platform["checked"].stderr
    probe = json.loads((platform["app"] / "check.json").read_text())["probe"]
    ours, theirs = free_port(), free_port()
    module = module_of(platform["project"])
    project_api = serve(
        [sys.executable, "-m", f"{module}.serve", "--port", str(ours)],
        platform["project"],
        {"PYTHONPATH": str(platform["project"] / "src")},
    )
    shipped_api = serve(["sh", "start.sh", "api"], platform["app"], platform_env(platform, theirs))
    try:
        wait_for_port(ours, project_api, seconds=120)
        wait_for_port(theirs, shipped_api, seconds=120)
        for path, body in [("/health", None), ("/models", None), (probe["path"], probe["body"])]:
            shipped, own = (without_times(get(f"http://127.0.0.1:{port}{path}", body)) for port in (theirs, ours))
            assert shipped == own, path
    finally:
        stop(project_api)
        stop(shipped_api)


@pytest.mark.slow
def test_the_demo_page_shows_the_leaderboard_and_a_form_or_a_users_picks_in_chromium(platform, tmp_path):
    """Started by the Procfile's web command in the copy and loaded in headless Chromium, the page shows the
    leaderboard with every model, then the prediction form (tables) or the busiest user's recommendations."""
    assert platform["checked"].returncode == 0, platform["checked"].stderr
    port = free_port()
    web = (platform["app"] / "Procfile").read_text().split("web:", 1)[1].strip()
    server = serve(["sh", "-c", web], platform["app"], platform_env(platform, port))
    probe = json.loads((platform["app"] / "check.json").read_text())["probe"]
    if platform["family"] == "table":
        expected = ["Predict", *probe["body"]["rows"][0]]
    else:
        user = probe["path"].split("/")[2].split("?")[0]
        # the lists themselves are tables drawn on a canvas: the API test compares their items
        expected = [f"{user} had", *(f"\n{model}\n" for model in MODELS)]
    try:
        wait_for_port(port, server, seconds=120)
        with open_page(f"http://127.0.0.1:{port}/", tmp_path / "profile") as page:
            # The page draws as the script runs: wait for each part in turn (the title says "Predicting" early).
            for part in ["Lift over random", *expected]:
                text = page_text(page, part, seconds=120)
    finally:
        stop(server)
    leaderboard = text[text.index("Lift over random") :]
    for model in MODELS:
        assert f"\t{model}\t" in leaderboard, model
    for shown in expected:
        assert shown in text, (shown, text)


def test_a_stale_model_is_refused_in_one_line(shipped):
    """When a model is older than the data it was trained on (make would rebuild it), `invoke ship` refuses
    with one line naming the file and the command that rebuilds it, and leaves ship/ as it was."""
    project = shipped["project"]
    train = project / "data" / "processed" / "train.parquet"
    before = (shipped["ship"] / "check.json").stat().st_mtime_ns
    old = train.stat()
    os.utime(train, (time.time() + 60, time.time() + 60))
    try:
        refused = run([sys.executable, "-m", "invoke", "ship"], project)
    finally:
        os.utime(train, ns=(old.st_atime_ns, old.st_mtime_ns))
    said = [line for line in (refused.stdout + refused.stderr).splitlines() if line.startswith("error:")]
    assert refused.returncode != 0
    assert len(said) == 1 and "out of date" in said[0] and "invoke all" in said[0], refused.stdout + refused.stderr
    assert (shipped["ship"] / "check.json").stat().st_mtime_ns == before


def test_a_secret_in_a_file_that_would_ship_is_refused_without_echoing_it(shipped):
    """A .env value written into shipped code (here app.py) stops `invoke ship` with one line that names the
    file and the .env variable, never the value; ship/ stays as it was."""
    project = shipped["project"]
    app = project / "app.py"
    original = app.read_text()
    before = (shipped["ship"] / "check.json").stat().st_mtime_ns
    app.write_text(original + f'\nTOKEN = "{shipped["env"]["API_TOKEN"]}"\n')
    try:
        refused = run([sys.executable, "-m", "invoke", "ship"], project)
    finally:
        app.write_text(original)
    said = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert "app.py holds the value of API_TOKEN from .env" in said, said
    assert all(value not in said for value in shipped["env"].values())
    assert (shipped["ship"] / "check.json").stat().st_mtime_ns == before
