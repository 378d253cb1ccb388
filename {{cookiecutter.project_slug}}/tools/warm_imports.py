"""What the warm server (warm_server.py) imports before it forks steps, and on a new environment the
process that compiles those libraries' bytecode beside it.

The server imports EVERY_STEP's libraries first, then the rest between requests. Where the environment is
new (no bytecode cached yet), `compile_in_background` starts a second process (`warm_server.py
--compile`, which runs `compile_all`) that imports the rest first, so their bytecode is written on the
other core while the server serves the data steps; the server then imports each as soon as the compiler
has passed it, reading bytecode only.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import os
import sys

# The compiler runs as the server's script, so whatever ends the servers of a project ends it too.
SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "warm_server.py")
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
# What every step imports (each reads and writes Parquet): a step waits for these rather than importing them
# beside the server, which on a new environment would compile their bytecode twice at once.
EVERY_STEP = 4


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


def compile_in_background() -> int | None:
    """On a new environment (no bytecode cached yet), import the libraries past EVERY_STEP in a second
    process: it compiles and caches their bytecode on the other core while this one imports the first few
    and serves the data steps, and writes a line as it has imported each, which this one then imports
    reading only bytecode. The pipe it writes to, or None when the bytecode is there already. (A bare
    process: a Popen object would be collected, and complain, in every step forked from here.)"""
    try:
        spec = importlib.util.find_spec("sklearn")  # finds the package without importing it
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None or os.path.exists(importlib.util.cache_from_source(spec.origin)):
        return None
    progress, output = os.pipe()
    os.posix_spawn(sys.executable, [sys.executable, SERVER, "--compile"], os.environ,
                   file_actions=[(os.POSIX_SPAWN_DUP2, output, 1)])  # fmt: skip
    os.close(output)
    return progress


def compile_all() -> None:
    """The background compiler: import the libraries past EVERY_STEP, a line written for each."""
    os.nice(10)  # it uses a core that is free: the server's own imports and the steps go first
    for name in PRELOAD[EVERY_STEP:]:
        preload(name)
        print(flush=True)
