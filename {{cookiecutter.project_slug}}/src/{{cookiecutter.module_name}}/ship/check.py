"""Run this folder the way a hosting platform does, then ask it what the project's own models answered.

    python check.py [--workdir DIR]

In a fresh copy of this folder (dated as a fresh clone may date it: data newest): a fresh virtual
environment, `pip install -r requirements.txt`, then each start command with PORT set (the Procfile's
web line, then `sh start.sh <the other>`). The demo must serve its page and draw the leaderboard with
every model; the API must answer /health, /models, and the question in check.json with the answer the
project's own model gave. Standard library only (written into ship/ by `invoke ship`).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import venv
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
STARTUP_SECONDS = 180  # a cold start on a small machine: importing pandas, scikit-learn, loading models
# The worst order a checkout can date files in: training data newest, then models, then their scores.
CLONE_ORDER = ("reports/metrics", "models", "data/processed")
# Streamlit draws the page over a websocket; AppTest runs app.py as a browser session would and keeps
# what it drew, so the page's content is checked with only what requirements.txt installed.
RENDER = """
import sys
from streamlit.testing.v1 import AppTest
app = AppTest.from_file("app.py", default_timeout=120).run()
problems = [str(element.value) for element in [*app.exception, *app.error]]
if problems:
    sys.exit("the demo page shows an error: " + problems[0][:300])
text = "\\n".join(str(element.value) for element in app.markdown)
missing = [model for model in sys.argv[1:] if model not in text]
if missing:
    sys.exit("the demo page's leaderboard misses " + ", ".join(missing))
"""


class CheckError(Exception):
    """What the platform would get wrong, in a line."""


def fresh_copy(workdir: Path) -> Path:
    """This folder copied into `workdir`, dated the worst way a fresh clone may date it."""
    folder = workdir / "app"
    shutil.copytree(HERE, folder, ignore=shutil.ignore_patterns(".venv", "__pycache__"))
    now = time.time()
    for age, part in enumerate(CLONE_ORDER):
        for path in (folder / part).rglob("*"):
            os.utime(path, (now - 100 * (len(CLONE_ORDER) - age), now - 100 * (len(CLONE_ORDER) - age)))
    return folder


def install(workdir: Path, folder: Path) -> tuple[Path, float]:
    """A fresh virtual environment with requirements.txt installed: its bin folder, the seconds pip took."""
    environment = workdir / "venv"
    venv.create(environment, with_pip=True)
    bin_folder = environment / ("Scripts" if os.name == "nt" else "bin")
    started = time.monotonic()
    pip = [str(bin_folder / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    installed = subprocess.run([*pip, "-r", "requirements.txt"], cwd=folder, capture_output=True, text=True)
    if installed.returncode != 0:
        raise CheckError(f"pip install -r requirements.txt failed:\n{installed.stderr[-2000:]}")
    return bin_folder, time.monotonic() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: str, folder: Path, bin_folder: Path, port: int) -> subprocess.Popen:
    """`command` run by a shell in `folder`, as a platform runs its start command: PORT set, the
    environment's python first on PATH."""
    env = {**os.environ, "PORT": str(port), "PATH": f"{bin_folder}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PYTHONPATH", None)
    return subprocess.Popen(
        ["sh", "-c", command],
        cwd=folder,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(process: subprocess.Popen) -> None:
    """Stop the started command and everything it started (its own process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def fetch(url: str, body: Any = None) -> Any:
    """The JSON (or text) answer to a GET, or to a POST of `body` as JSON."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        text = response.read().decode()
    return json.loads(text) if response.headers.get_content_type() == "application/json" else text


def wait_until_up(url: str, process: subprocess.Popen) -> None:
    """Wait for `url` to answer; a start command that exits or takes too long fails with its last words."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            fetch(url)
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop(process)
                said = process.stderr.read()[-1500:] if process.stderr else ""
                raise CheckError(f"the start command did not serve {url}:\n{said}") from None
            time.sleep(0.5)


def same(answer: Any, expected: Any) -> bool:
    """Equal, numbers to within float rounding."""
    if isinstance(expected, float) and isinstance(answer, (int, float)):
        return math.isclose(answer, expected, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(expected, list) and isinstance(answer, list):
        return len(answer) == len(expected) and all(map(same, answer, expected))
    return answer == expected


def check_demo(command: str, folder: Path, bin_folder: Path, record: dict[str, Any]) -> str:
    """The demo serves its page, and the page draws the leaderboard with every model."""
    port = free_port()
    server = start(command, folder, bin_folder, port)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/_stcore/health", server)
        page = fetch(f"http://127.0.0.1:{port}/")
        if '<div id="root">' not in page:
            raise CheckError(f"the demo's page at / is not Streamlit's: {page[:200]}")
    finally:
        stop(server)
    drawn = subprocess.run(
        [str(bin_folder / "python"), "-c", RENDER, *record["models"]],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    if drawn.returncode != 0:
        raise CheckError(drawn.stderr.strip().splitlines()[-1] if drawn.stderr.strip() else "the demo failed")
    return f"demo: `{command}` serves the page; it shows the leaderboard of {', '.join(record['models'])}"


def check_api(command: str, folder: Path, bin_folder: Path, record: dict[str, Any]) -> str:
    """The API answers /health, /models (every model, best first) and the probe as the project did."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start(command, folder, bin_folder, port)
    try:
        wait_until_up(f"{base}/health", server)
        health, ranked = fetch(f"{base}/health"), fetch(f"{base}/models")
        probe = record["probe"]
        answer = fetch(base + probe["path"], probe["body"])
    finally:
        stop(server)
    if health.get("status") != "ok":
        raise CheckError(f"/health answered {health}")
    if [entry["model"] for entry in ranked] != record["models"]:
        raise CheckError(f"/models lists {[entry['model'] for entry in ranked]}, not {record['models']}")
    if "items" in probe["expect"]:
        answer = {"items": [str(entry["item"]) for entry in answer["items"]]}
    for key, expected in probe["expect"].items():
        if not same(answer.get(key), expected):
            raise CheckError(
                f"{probe['path']} answered {key} = {answer.get(key)!r}, the project {expected!r}"
            )
    asked = f"{probe['method']} {probe['path']}"
    return f"api: `{command}` answers /health, /models and {asked} as the project did"


def commands(folder: Path, servers: list[str]) -> dict[str, str]:
    """Each server's start command: the Procfile's web line for the first, start.sh for the others."""
    web = next(line for line in (folder / "Procfile").read_text().splitlines() if line.startswith("web:"))
    return {
        servers[0]: web.removeprefix("web:").strip(),
        **{name: f"sh start.sh {name}" for name in servers[1:]},
    }


def check(workdir: Path) -> list[str]:
    """Every check, in order; the lines that say what passed."""
    folder = fresh_copy(workdir)
    record = json.loads((folder / "check.json").read_text())
    bin_folder, seconds = install(workdir, folder)
    said = [f"pip install -r requirements.txt into a fresh environment: {seconds:.1f} s"]
    checks = {"demo": check_demo, "api": check_api}
    for name, command in commands(folder, record["servers"]).items():
        said.append(checks[name](command, folder, bin_folder, record))
    return said


def main() -> None:
    parser = argparse.ArgumentParser(prog="python check.py", description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="build the copy and its environment here, and keep them")
    options = parser.parse_args()
    try:
        if options.workdir:
            options.workdir.mkdir(parents=True, exist_ok=True)
            said = check(options.workdir)
        else:
            with tempfile.TemporaryDirectory(prefix="ship-check-") as workdir:
                said = check(Path(workdir))
    except CheckError as failure:
        sys.exit(f"check failed: {failure}")
    print("\n".join(said))
    print("ship/ runs as a platform runs it.")


if __name__ == "__main__":
    main()
