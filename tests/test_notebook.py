"""The exploration notebook runs top to bottom in a baked project, so it cannot rot."""

from pathlib import Path

import nbformat
from nbclient import NotebookClient


def executed_outputs(project: Path, monkeypatch) -> list:
    """Run every cell of the project's notebooks/01-explore.ipynb with its own package and data."""
    monkeypatch.setenv("PYTHONPATH", str(project / "src"))  # the kernel imports the package from src/
    monkeypatch.delenv("MPLBACKEND", raising=False)  # importing streamlit (test_demo) sets it to Agg: no plots
    notebook = nbformat.read(project / "notebooks" / "01-explore.ipynb", as_version=4)
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": project / "notebooks"}}
    ).execute()
    return [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]


def test_the_explore_notebook_executes_without_errors(built_project, monkeypatch):
    """Every cell of a table project's notebook runs; it shows cleanup's effect and draws its plots."""
    outputs = executed_outputs(built_project, monkeypatch)
    assert not [output for output in outputs if output.output_type == "error"]
    text = "".join(output.get("text", "") for output in outputs)
    assert "kept 333 of 344 rows" in text
    assert sum("image/png" in output.get("data", {}) for output in outputs) >= 2  # the plots were drawn


def test_the_recommendation_notebook_executes_without_errors(built_recommender, monkeypatch):
    """A recommendation project's notebook: interactions per user and item, sparsity and the long tail."""
    outputs = executed_outputs(built_recommender, monkeypatch)
    assert not [output for output in outputs if output.output_type == "error"]
    text = "".join(output.get("text", "") for output in outputs)
    assert "4000 users x 1500 items, 74088 interactions" in text
    assert "take half of all interactions" in text
    assert sum("image/png" in output.get("data", {}) for output in outputs) >= 2
