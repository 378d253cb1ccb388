"""Helpers to run a baked project's own tools (make, invoke, pytest) for real."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[1]
# The steps that make runs are `python -m <module>.<step> ... OUTPUT` (with [data] engine = "spark", the
# data steps are `<module>.spark.snapshot`, `.spark.cleanup` and `.spark.holdout`).
STEP = re.compile(
    r"-m \w+\.(spark\.snapshot|spark\.cleanup|spark\.holdout|data|clean|split|train|evaluate|leaderboard"
    r"|learning|figures|model_figures|learning_figure|report) .* (\S+)$"
)
# The models a default project trains, in the order of its config.toml.
MODELS = ("random", "rules", "knn")


def run(command: list[str], project: Path, **env: str | None) -> subprocess.CompletedProcess:
    """Run `command` in `project`, by default with this test environment as the project's Python.

    Keyword arguments set environment variables; None removes one.
    """
    environment = {**os.environ, "PYTHON": sys.executable}
    for name, value in env.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return subprocess.run(command, cwd=project, env=environment, capture_output=True, text=True)


def succeed(command: list[str], project: Path, **env: str | None) -> str:
    """Run `command` and return its output; fail the test with that output if it fails."""
    result = run(command, project, **env)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def baked(cookies, **answers: str) -> Path:
    """A project baked with `answers` (the rest default): its folder, or the bake's own error."""
    result = cookies.bake(extra_context=answers)
    assert result.exit_code == 0, result.exception
    return result.project_path


def planned_outputs(project: Path) -> set[str]:
    """The files the next `make` would (re)build, from `make -n`."""
    outputs = set()
    for line in succeed(["make", "-n"], project).splitlines():
        match = STEP.search(line)
        if match:
            outputs.add(match.group(2))
    return outputs


# What any change to a model's results redraws and rewrites (the figures step's last argument is its folder;
# the report step's, the HTML page it writes after REPORT.md).
REPORTING = {"reports/figures", "reports/REPORT.html"}
# What a new learning curve redraws besides (its own step).
LEARNING_FIGURE = "reports/figures/learning-curve.png"


def model_figure(model: str) -> str:
    """What a model's new scores redraw besides (its own step, which also draws its validation curve)."""
    return f"reports/figures/{model}.png"


DOWNSTREAM_OF_CLEAN = {
    "data/interim/clean.parquet",
    "data/processed/features.json",  # the split's command line ends with its features record
    *(f"models/{m}.joblib" for m in MODELS),
    *(f"reports/metrics/{m}.json" for m in MODELS),
    "reports/leaderboard.md",
    *(f"reports/learning/{m}.json" for m in MODELS),
    *(model_figure(m) for m in MODELS),
    LEARNING_FIGURE,
    *REPORTING,
}


def warm_processes(under: Path) -> dict[int, int]:
    """Every process running the warm step server's script (tools/warm_server.py) of the projects under
    `under` (servers and the steps they fork): process id -> parent's."""
    found = {}
    for process in Path("/proc").iterdir():
        try:
            arguments = (process / "cmdline").read_bytes().split(b"\0")
            parent = int((process / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):  # not a process, or it just ended
            continue
        script = arguments[1].decode(errors="replace") if len(arguments) > 1 else ""
        if script.endswith("tools/warm_server.py") and Path(script).is_relative_to(under):
            found[int(process.name)] = parent
    return found


def warm_servers(under: Path) -> list[int]:
    """The process ids of the warm step servers of the projects under `under`: those of `warm_processes`
    whose parent is not one (a server's forks, the steps, share its script)."""
    found = warm_processes(under)
    return sorted(pid for pid, parent in found.items() if parent not in found)


def end_warm_processes(under: Path, wait: float = 10.0) -> None:
    """End every `warm_processes` of the projects under `under`, and wait (at most `wait` seconds) until
    they are gone: a server still importing writes bytecode into a .venv that is being deleted."""
    found = warm_processes(under)
    for pid in found:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + wait
    while warm_processes(under) and time.monotonic() < deadline:
        time.sleep(0.05)
