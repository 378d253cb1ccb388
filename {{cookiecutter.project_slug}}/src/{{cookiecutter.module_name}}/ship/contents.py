"""What ships: the package modules the demo and the API import, the built files they read, and no secret."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

from ..errors import StepError
from ..models.registry import TASKS
from ..step_files import imported_files

PACKAGE = Path(__file__).resolve().parents[1]
NAME = PACKAGE.name
# The API's module, run as `python -m <package>.serve` (a module or a package of modules).
SERVE = "serve"
# A file over this size is refused by GitHub (and most git hosts) without Git LFS.
LARGEST_FILE_MB = 100
# A URL carrying a password, as database URLs do: user:password@host (a ${NAME} reference is no password).
PASSWORD_IN_URL = re.compile(rb"[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@\"']+:(?!\$\{)[^\s/@\"']+@")
# .env values this short (a port, a flag) may appear anywhere by chance; they are not secrets.
SHORTEST_SECRET = 6
# Loads the saved models in a fresh interpreter and lists the package modules their classes live in.
PICKLED_MODULES = """
import json, sys, joblib
for path in sys.argv[2:]:
    joblib.load(path)
print(json.dumps(sorted(m for m in sys.modules if m == sys.argv[1] or m.startswith(sys.argv[1] + "."))))
"""


def module_files(dotted: str) -> set[Path]:
    """The files Python runs for `dotted` (a module of the package): its own, and every package's
    `__init__.py` above it; for a package, its `__init__.py` and the `__main__.py` that `-m` runs."""
    parts = dotted.split(".")[1:]
    base = PACKAGE.joinpath(*parts)
    module = base.with_suffix(".py")
    own = [module] if module.is_file() else [base / "__init__.py", base / "__main__.py"]
    parents = [PACKAGE.joinpath(*parts[:depth], "__init__.py") for depth in range(len(parts))]
    return {path for path in [*own, *parents] if path.is_file()}


def app_imports(app: Path) -> set[str]:
    """The package modules app.py imports by name (it is outside the package, so never relatively);
    `from <package> import results` names a module too."""
    found = set()
    for node in ast.walk(ast.parse(app.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found |= {name for name in names if name == NAME or name.startswith(NAME + ".")}
    return found


def pickled_modules(models: list[Path]) -> set[str]:
    """The package modules the saved models' classes live in (unpickling imports them)."""
    loaded = subprocess.run(
        [sys.executable, "-c", PICKLED_MODULES, NAME, *map(str, models)], capture_output=True, text=True
    )
    if loaded.returncode != 0:
        raise StepError(f"a model in {models[0].parent} does not load: run `make` to rebuild it, then ship")
    return set(json.loads(loaded.stdout))


def package_files(modules: set[str], task: str) -> set[Path]:
    """Every package file that running `modules` imports, transitively (config.py reads the imports).

    The tasks package imports the task's own module by name, so that is added as a step's code is."""
    files = {path for module in modules for start in module_files(module) for path in imported_files(start)}
    if PACKAGE / "tasks" / "__init__.py" in files:
        files |= imported_files(PACKAGE / "tasks" / f"{task}.py")
    if PACKAGE / "serve" / "__main__.py" in files:  # the API imports its family's routes module by name
        files |= imported_files(PACKAGE / "serve" / f"{TASKS[task].name}_routes.py")
    return files


def secrets(env: Path) -> dict[str, str]:
    """The values .env sets (NAME=value lines), long enough to be secrets, by name."""
    if not env.is_file():
        return {}
    found = {}
    for line in env.read_text(encoding="utf-8").splitlines():
        name, equals, value = line.strip().removeprefix("export ").partition("=")
        value = value.strip().strip("'\"")
        if equals and not name.startswith("#") and len(value) >= SHORTEST_SECRET:
            found[name.strip()] = value
    return found


def leaks(files: list[Path], values: dict[str, str]) -> str | None:
    """What the first file that holds a secret holds (the .env name, never the value), or None."""
    for path in files:
        content = path.read_bytes()
        for name, value in values.items():
            if value.encode() in content:
                return f"{path} holds the value of {name} from .env"
        if PASSWORD_IN_URL.search(content):
            return f"{path} holds a URL with a password in it"
    return None


def size_mb(path: Path) -> float:
    return path.stat().st_size / 1024**2


def readable(size: int) -> str:
    """A size in bytes as people read it: 812 B, 12.3 kB, 5.6 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024**2:
        return f"{size / 1024:.1f} kB"
    return f"{size / 1024**2:.1f} MB"


def listing(root: Path, files: list[Path]) -> str:
    """The bundle's files with their sizes, largest first, and the total."""
    ordered = sorted(files, key=lambda path: path.stat().st_size, reverse=True)
    rows = [f"{readable(path.stat().st_size):>9}  {path.relative_to(root)}" for path in ordered]
    rows.append(f"{readable(sum(path.stat().st_size for path in files)):>9}  in {len(files)} files")
    return "\n".join(rows)


def too_large(root: Path, files: list[Path]) -> list[str]:
    """A warning for each file a git host refuses, and what to do about it."""
    return [
        f"warning: {path.relative_to(root)} is {size_mb(path):.0f} MB, over the {LARGEST_FILE_MB} MB a git "
        "host takes in one file: track it with Git LFS (`git lfs track` it in the deploy repository), "
        "or shrink the model (fewer neighbours, a sample of the training rows)"
        for path in files
        if size_mb(path) > LARGEST_FILE_MB
    ]
