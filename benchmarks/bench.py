"""Print how fast the template is on this machine. Figures only: nothing here passes or fails.

    python benchmarks/bench.py [--repeat 3]

Run it from the template's test environment (`pip install -r requirements-dev.txt`): the baked
projects use it through `make PYTHON=...`, so building a .venv is not part of these figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[1]
ENVIRONMENT = {**os.environ, "PYTHON": sys.executable}

# (what, goal in seconds on 2 cores)
GOALS = {
    "bake": None,
    "bake + first baseline score": 5.0,
    "invoke all, from a fresh bake": 15.0,
    "no-op make": 1.0,
}


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=ENVIRONMENT, check=True, capture_output=True)
    return time.perf_counter() - start


def bake(into: Path) -> tuple[float, Path]:
    seconds = timed([sys.executable, "-m", "cookiecutter", "--no-input", str(TEMPLATE), "-o", str(into)], into)
    return seconds, into / "hackathon-ml"


def one_round() -> dict[str, float]:
    invoke = [sys.executable, "-m", "invoke"]
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        bake_seconds, project = bake(Path(first))
        baseline_seconds = timed([*invoke, "baseline"], project)
        _, fresh = bake(Path(second))
        all_seconds = timed([*invoke, "all"], fresh)
        noop_seconds = timed(["make"], fresh)
    return {
        "bake": bake_seconds,
        "bake + first baseline score": bake_seconds + baseline_seconds,
        "invoke all, from a fresh bake": all_seconds,
        "no-op make": noop_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds to take the median of")
    repeat = parser.parse_args().repeat
    rounds: list[dict[str, float]] = [one_round() for _ in range(repeat)]
    print(f"median of {repeat} rounds, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    for name, goal in GOALS.items():
        median = statistics.median(r[name] for r in rounds)
        target = f"(goal: under {goal:g} s)" if goal else ""
        print(f"  {name:<32} {median:7.3f} s  {target}")


if __name__ == "__main__":
    main()
