"""Progress bars show on a terminal and nowhere else: logs, CI and tests stay quiet."""

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pandas as pd
import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture
def snapshot_command(tmp_path) -> list[str]:
    """The data step reading a CSV file, as make runs it (without the build log)."""
    source = tmp_path / "rows.csv"
    pd.DataFrame({"size": range(1000), "label": ["a", "b"] * 500}).to_csv(source, index=False)
    settings = tmp_path / "data.json"
    settings.write_text(json.dumps({"source": str(source)}))
    module = "{{ cookiecutter.module_name }}.data"
    return [sys.executable, "-m", module, str(settings), str(tmp_path / "snapshot.parquet")]


def step_environment() -> dict[str, str]:
    environment = {**os.environ, "PYTHONPATH": str(SRC)}
    environment.pop("BUILD_LOG", None)
    return environment


def test_no_progress_bar_when_output_is_not_a_terminal(snapshot_command):
    """Run with its output in a pipe (a log, CI), a step prints its lines and no bar."""
    result = subprocess.run(snapshot_command, capture_output=True, text=True, env=step_environment())
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "%|" not in result.stdout


def run_on_a_terminal(command: list[str], held_back: bool) -> tuple[int, str]:
    """Run `command` with a terminal as its stderr, or (`held_back`) named only in MAKE_TERMERR
    as make does while --output-sync collects the step's output; what the terminal showed."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # rows, columns
    environment = step_environment()
    if held_back:
        environment["MAKE_TERMERR"] = os.ttyname(follower)
    stderr = subprocess.PIPE if held_back else follower
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=stderr, env=environment)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal's other end is closed: everything has been read
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return result.returncode, shown.decode()


@pytest.mark.parametrize("held_back", [False, True], ids=["stderr", "make --output-sync"])
def test_a_progress_bar_when_output_is_a_terminal(snapshot_command, held_back):
    """On a terminal, reading a file shows a bar of the bytes read, also while make holds output back."""
    returncode, shown = run_on_a_terminal(snapshot_command, held_back)
    assert returncode == 0
    assert "reading rows.csv: 100%|" in shown
