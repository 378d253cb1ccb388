"""The Python environment is part of the DAG: a newcomer's first command builds it."""

import os
import sys
from pathlib import Path

import pytest
from baked import run, succeed

pytestmark = pytest.mark.slow


def test_first_invoke_baseline_builds_the_venv_with_uv(cookies):
    """With only invoke and uv installed, `invoke baseline` builds .venv from pyproject.toml and scores."""
    project = cookies.bake().project_path
    tools = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    newcomer = {"PYTHON": None, "PATH": tools}
    output = succeed([sys.executable, "-m", "invoke", "baseline"], project, **newcomer)
    assert "uv pip install" in output
    assert (project / ".venv" / "bin" / "python").is_file()
    assert "random: balanced_accuracy = " in output
    assert run(["make", "-q", "baseline"], project, **newcomer).returncode == 0
