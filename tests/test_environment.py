"""The Python environment is part of the DAG: a newcomer's first command builds it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from baked import run, succeed

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def newcomer_baseline(cookies_session) -> tuple[Path, str, dict[str, str | None]]:
    """A fresh project after a newcomer's first `invoke baseline`, with only invoke and uv installed.

    It runs as on Docker images and CI runners, where PYTHONDONTWRITEBYTECODE=1 stops Python
    from caching bytecode as it imports.
    """
    project = cookies_session.bake(extra_context={"project_name": "First Steps"}).project_path
    tools = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    newcomer = {"PYTHON": None, "PATH": tools, "PYTHONDONTWRITEBYTECODE": "1"}
    output = succeed([sys.executable, "-m", "invoke", "baseline"], project, **newcomer)
    return project, output, newcomer


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


def test_the_steps_cache_the_bytecode_of_their_dependencies(newcomer_baseline):
    """After the first `invoke baseline`, the .venv holds the compiled dependencies the steps imported,
    even under PYTHONDONTWRITEBYTECODE=1, so no later step compiles pandas or scikit-learn again."""
    project, _, _ = newcomer_baseline
    site = venv_prints(project, "import sysconfig; print(sysconfig.get_path('purelib'))", project)
    for package in ("pandas", "sklearn"):
        compiled = list((Path(site) / package).glob("__pycache__/*.pyc"))
        assert compiled, f"no bytecode for {package} in {site}"
