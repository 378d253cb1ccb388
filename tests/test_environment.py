"""The Python environment is part of the DAG: a newcomer's first command builds it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from baked import run, succeed

pytestmark = pytest.mark.slow


def newcomer() -> dict[str, str | None]:
    """A newcomer's environment with only invoke and uv installed, as on Docker images and CI runners, where
    PYTHONDONTWRITEBYTECODE=1 stops Python from caching bytecode as it imports."""
    tools = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    return {"PYTHON": None, "PATH": tools, "PYTHONDONTWRITEBYTECODE": "1"}


@pytest.fixture(scope="module")
def newcomer_baseline(cookies_session) -> tuple[Path, str, dict[str, str | None]]:
    """A fresh project after a newcomer's first `invoke baseline`."""
    project = cookies_session.bake(extra_context={"project_name": "First Steps"}).project_path
    output = succeed([sys.executable, "-m", "invoke", "baseline"], project, **newcomer())
    return project, output, newcomer()


def venv_prints(project: Path, code: str, cwd: Path) -> str:
    """What the project's .venv Python prints running `code` in `cwd`."""
    python = project / ".venv" / "bin" / "python"
    return subprocess.run([python, "-c", code], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


def test_first_invoke_baseline_builds_the_venv_with_uv(newcomer_baseline):
    """With only invoke and uv installed, `invoke baseline` builds .venv from pyproject.toml and scores."""
    project, output, newcomer = newcomer_baseline
    assert "uv pip install" in output
    assert (project / ".venv" / "bin" / "python").is_file()
    assert "random: balanced_accuracy = " in output
    assert run(["make", "-q", "baseline"], project, **newcomer).returncode == 0


def test_the_venv_imports_the_project_from_its_source_folder(newcomer_baseline, tmp_path):
    """The project is installed into .venv in editable mode (by uv's own build backend): its Python imports
    the package from src/ wherever it runs, as a notebook's kernel does, and sees an edit at once."""
    project, _, _ = newcomer_baseline
    imported = venv_prints(project, "import first_steps; print(first_steps.__file__)", tmp_path)
    assert Path(imported) == project / "src" / "first_steps" / "__init__.py"


@pytest.mark.parametrize(
    ("task", "modules"),
    [
        ("classification", ("pandas/__init__", "scipy/stats/_stats_py", "sklearn/tree/_classes", "matplotlib/figure")),
        (
            "recommendation",
            (
                "pandas/__init__",
                "scipy/sparse/_csr",
                "implicit/nearest_neighbours",
                "implicit/cpu/als",
                "sparse_dot_topn/api",
            ),
        ),
    ],
)
def test_a_new_venv_holds_the_bytecode_of_the_libraries_the_steps_import(cookies_session, task, modules):
    """Building .venv caches the bytecode of the libraries the family's steps import (pandas, SciPy,
    scikit-learn, matplotlib; implicit and sparse_dot_topn for the recommenders), even under
    PYTHONDONTWRITEBYTECODE=1 and before any step runs: no step compiles them."""
    project = cookies_session.bake(extra_context={"project_name": f"Compiled {task}", "task": task}).project_path
    succeed(["make", ".venv/.installed", "WARM=0"], project, **newcomer())  # WARM=0: no server imports them
    site = Path(venv_prints(project, "import sysconfig; print(sysconfig.get_path('purelib'))", project))
    for module in modules:
        folder, name = (site / module).parent, (site / module).name
        assert list(folder.glob(f"__pycache__/{name}.*.pyc")), f"no bytecode for {module}"


def test_the_steps_cache_the_bytecode_of_the_project(newcomer_baseline):
    """After the first `invoke baseline`, the project's own modules the steps ran are compiled, even under
    PYTHONDONTWRITEBYTECODE=1, so no later step compiles them again."""
    project, _, _ = newcomer_baseline
    for module in ("data", "clean", "train"):
        compiled = list((project / "src" / "first_steps").glob(f"__pycache__/{module}.*.pyc"))
        assert compiled, f"no bytecode for {module}"
