"""The exploration notebook runs top to bottom in a baked project, so it cannot rot."""

import nbformat
from nbclient import NotebookClient


def test_the_explore_notebook_executes_without_errors(built_project, monkeypatch):
    """Every cell of notebooks/01-explore.ipynb runs with the project's own package and data."""
    monkeypatch.setenv("PYTHONPATH", str(built_project / "src"))  # the kernel imports the package from src/
    monkeypatch.delenv("MPLBACKEND", raising=False)  # importing streamlit (test_demo) sets it to Agg: no plots
    notebook = nbformat.read(built_project / "notebooks" / "01-explore.ipynb", as_version=4)
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": built_project / "notebooks"}}
    ).execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    text = "".join(output.get("text", "") for output in outputs)
    assert "kept 333 of 344 rows" in text
    assert sum("image/png" in output.get("data", {}) for output in outputs) >= 2  # the plots were drawn
