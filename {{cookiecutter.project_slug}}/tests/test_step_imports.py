"""What each step loads: a step imports the libraries it uses and no other, so a quick step stays quick.

Each step runs as make runs it (`python -m <package>.<step> ARGS`, in a fresh interpreter) on the
project's own config.toml and sample data, and reports at exit which heavy libraries it loaded. A stray
top-level import (a model library in the data steps, a chart library in training) fails here.
"""

import inspect
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import {{ cookiecutter.module_name }}
from {{ cookiecutter.module_name }} import figures
from {{ cookiecutter.module_name }}.files import read_toml
from {{ cookiecutter.module_name }}.models.registry import BASELINE, TASKS

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "{{ cookiecutter.module_name }}"
# The folder the package under test is imported from, for the steps run in a temporary folder.
SOURCE = str(Path({{ cookiecutter.module_name }}.__file__).resolve().parents[1])
HEAVY = ("sklearn", "scipy", "matplotlib", "pyspark", "implicit", "fastapi", "streamlit")
# Runs the step as `python -m` does, then writes what it loaded to the file named first.
RECORDER = """
import atexit, json, runpy, sys
record, module = sys.argv[1:3]
sys.argv = sys.argv[2:]
atexit.register(lambda: open(record, "w").write(json.dumps(sorted(sys.modules))))
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""
# What a dummy model needs of scikit-learn: its base classes, the dummy, the scorers and their helpers.
DUMMY_NEEDS = {"base", "callback", "dummy", "exceptions", "externals", "metrics", "preprocessing", "utils"}
# The figures step's arguments, by the names of its main's parameters (its settings are the leaderboard's).
FIGURES_ARGUMENTS = {
    "settings": ".settings/leaderboard.json",
    "metrics": "metrics.json",
    "output": "figures",
}


def run_step(folder: Path, step: str, *args: str) -> set[str]:
    """Run one step in a fresh interpreter in `folder`; the modules it had loaded when it exited."""
    record = folder / f"{step}-modules.json"
    command = [sys.executable, "-c", RECORDER, str(record), f"{PACKAGE}.{step}", *args]
    path = os.pathsep.join(filter(None, [SOURCE, os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return set(json.loads(record.read_text()))


def heavy(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules} & set(HEAVY)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> dict[str, set[str]]:
    """step -> the modules it loaded, for the data steps, the baseline's training and scoring, figures, the
    leaderboard and the report."""
    folder = tmp_path_factory.mktemp("imports")
    shutil.copy(ROOT / "config.toml", folder)
    shutil.copytree(ROOT / "data" / "sample", folder / "data" / "sample")
    (folder / "learning").mkdir()
    configured = run_step(folder, "config", "config.toml", ".settings")
    steps = {
        "data": (".settings/data.json", "raw.parquet"),
        "clean": (".settings/clean.json", "raw.parquet", "clean.parquet"),
        "split": (".settings/split.json", "clean.parquet", "train.parquet", "test.parquet", "features.json"),
        "train": (f".settings/{BASELINE}.json", "train.parquet", "model.joblib"),
        "evaluate": (
            ".settings/evaluate.json",
            "model.joblib",
            "train.parquet",
            "test.parquet",
            "clean.json",
            "predictions.parquet",
            "metrics.json",
        ),
        "figures": tuple(FIGURES_ARGUMENTS[name] for name in inspect.signature(figures.main).parameters),
        "model_figures": ("metrics.json", "figures/model.png"),  # the report shows it: the model is "model"
        "learning_figure": ("learning", "model", "figures/learning-curve.png"),
        "leaderboard": (".settings/leaderboard.json", "metrics.json", "leaderboard.md"),
        "report": (
            ".settings/leaderboard.json",
            "clean.json",
            "features.json",
            "learning",
            "metrics.json",
            "REPORT.md",
            "REPORT.html",
        ),
    }
    return {"config": configured} | {step: run_step(folder, step, *args) for step, args in steps.items()}


@pytest.mark.parametrize("step", ["data", "clean", "split"])
def test_the_data_steps_load_no_model_chart_engine_or_server_library(loaded, step):
    """Snapshot, cleanup and split need pandas alone: no scikit-learn, SciPy, matplotlib, Spark or web
    framework is loaded (with the default pandas engine)."""
    assert heavy(loaded[step]) == set()


@pytest.mark.parametrize("step", ["train", "evaluate"])
def test_the_baseline_loads_no_other_model(loaded, step):
    """Training and scoring the random baseline import none of the other models' modules and, of
    scikit-learn, only what a dummy and the scorers need."""
    family = TASKS[read_toml(ROOT / "config.toml")["task"]]
    others = {f"{PACKAGE}.models.{module}" for name, module in family.models.items() if name != BASELINE}
    assert others & loaded[step] == set()
    learners = {name.split(".")[1] for name in loaded[step] if name.startswith("sklearn.")}
    assert {name for name in learners if not name.startswith("_")} <= DUMMY_NEEDS
    assert heavy(loaded[step]) <= {"sklearn", "scipy"}


@pytest.mark.parametrize("step", ["figures", "model_figures", "learning_figure"])
def test_figures_draw_with_matplotlib_agg_alone(loaded, step):
    """The figures steps load matplotlib without pyplot or any interactive backend (Agg draws the PNGs),
    and no model library."""
    modules = loaded[step]
    assert heavy(modules) == {"matplotlib"}
    assert "matplotlib.pyplot" not in modules
    backends = {name for name in modules if name.startswith("matplotlib.backends.backend_")}
    assert backends == {"matplotlib.backends.backend_agg"}


@pytest.mark.parametrize("step", ["config", "leaderboard", "report"])
def test_the_steps_make_runs_cold_load_no_data_or_model_library(loaded, step):
    """The settings step (run by every make), the leaderboard and the report read TOML or JSON and write
    text: no pandas, numpy or heavier library is loaded. So the Makefile runs them cold (`$(LIGHT)`),
    which starts them faster than a fork of the warm server would; one such import would make them
    slower than warm (pandas alone: a no-op make 0.25 s slower)."""
    packages = {name.split(".")[0] for name in loaded[step]}
    assert heavy(loaded[step]) == set() and packages & {"pandas", "numpy", "pyarrow"} == set()
