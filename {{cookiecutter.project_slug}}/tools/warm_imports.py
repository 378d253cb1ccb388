"""What the steps import: the warm server (warm_server.py) imports it before it forks steps, and the
Python environment's build caches its bytecode (`python tools/warm_imports.py`, run by the Makefile once
.venv is installed), so no step and no server compiles a library.

The server imports EVERY_STEP's libraries first, then the rest between requests.
"""

from __future__ import annotations

import importlib
import io
import subprocess
import sys

# What the steps import, by package, in the order the steps need it: the data steps first (what is
# not installed is skipped). Also what the libraries import only once in use, which every step reading
# Parquet, showing progress or handing scikit-learn a DataFrame would import again (30 ms of such a step):
# pyarrow.dataset, pandas' Arrow types, tqdm, narwhals' pandas support (inner modules: skipped if they move);
# and the standard library's modules the steps' own code imports.
PRELOAD = (
    "numpy",
    "pandas",
    "pyarrow",
    "pyarrow.parquet",
    "pyarrow.dataset",
    "pandas.core.arrays.arrow.extension_types",
    "resource",
    "tomllib",
    "joblib",
    "tqdm",
    "sklearn.dummy",
    "sklearn.metrics",
    "scipy.sparse",
    "implicit",
    "sparse_dot_topn",
    "scipy.stats",
    "sklearn.base",
    "narwhals.stable.v2",
    "narwhals._pandas_like.dataframe",
    "narwhals._pandas_like.namespace",
    "sklearn.compose",
    "sklearn.impute",
    "sklearn.model_selection",
    "sklearn.neighbors",
    "sklearn.pipeline",
    "sklearn.preprocessing",
    "sklearn.tree",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
)
# What every step imports (each reads and writes Parquet): the server imports these before it serves a step.
EVERY_STEP = 4
# scikit-learn and SciPy are about half of the bytecode to compile: a second process compiles them.
COMPILED_APART = ("sklearn", "scipy")


def preload(name: str) -> None:
    """Import `name` (matplotlib set to draw off-screen first, as the figures step draws), if installed."""
    try:
        if name.startswith("matplotlib"):
            import matplotlib

            matplotlib.use("Agg")
        importlib.import_module(name)
    except ImportError:
        return
    if name == "matplotlib.backends.backend_agg":
        draw_once()


def draw_once() -> None:
    """Draw one small figure to PNG in memory, as the figures steps draw theirs: what matplotlib sets up on
    first use (the font files it opens, the parser of a log axis's tick labels, Pillow, which writes the PNG)
    is set up here once, not in each figures step (30-50 ms of each). It changes no setting: the steps draw
    byte for byte what they draw cold."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(2, 2), layout="constrained")
    axes = figure.subplots()
    axes.plot([1, 10, 100], [1, 2, 3], marker="o", label="warm")
    axes.set(xscale="log", title="warm", xlabel="x", ylabel="y")
    axes.legend()
    figure.savefig(io.BytesIO(), format="png", dpi=110)


def compile_bytecode() -> None:
    """Cache the bytecode of everything PRELOAD imports, on two cores: import it, in this process and in a
    second one that takes COMPILED_APART's libraries. Importing compiles only the modules the steps use,
    in under half the time uv takes to compile the whole environment (--compile-bytecode). Where
    PYTHONDONTWRITEBYTECODE is set (Docker images, CI), it is overruled: that is this command's purpose."""
    apart = [name for name in PRELOAD if name.partition(".")[0] in COMPILED_APART]
    second = subprocess.Popen([sys.executable, __file__, *apart])
    for name in PRELOAD:
        if name not in apart:
            preload(name)
    if second.wait() != 0:
        sys.exit(second.returncode)


if __name__ == "__main__":
    sys.dont_write_bytecode = False
    if sys.argv[1:]:  # the second process: import the libraries named
        for name in sys.argv[1:]:
            preload(name)
    else:
        compile_bytecode()
