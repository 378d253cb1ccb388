"""Which files of this package a step runs: its module and what that imports, for make's CODE_<step>.

Editing a module rebuilds exactly the steps that run it (config.py writes the lists into
settings.mk); `make ship` bundles the files the API runs the same way. Standard library only.
"""

from __future__ import annotations

import ast
import functools
import os
import re
from pathlib import Path

from .tasks.step_parts import step_module

PACKAGE = Path(__file__).resolve().parent
# What runs the data steps ([data] engine): pandas in this process, or Spark jobs (where a family allows it)
# Each engine's module for each data step: make runs the chosen one (STEP_<step> in settings.mk), so the
# steps themselves hold no engine branch.
ENGINE_STEPS = {
    "pandas": {"data": "data", "clean": "clean", "split": "split"},
    "spark": {"data": "spark.snapshot", "clean": "spark.cleanup", "split": "spark.holdout"},
}
ENGINES = tuple(ENGINE_STEPS)
# Files that shape what a step prints, never what it builds: editing them rebuilds nothing.
MESSAGES_ONLY = {"__init__.py", "cli.py", "errors.py", "progress.py"}


def imported_files(module: Path) -> set[Path]:
    """The files of this package that `module` runs: itself and what it imports, transitively."""
    found: set[Path] = set()
    todo = [module]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo += direct_imports(current)
    return found


# A relative import statement, whole: on one line, over a parenthesised list or over lines joined by
# backslashes, anywhere in a module (in functions and blocks too, where a step imports lazily).
RELATIVE_IMPORT = re.compile(r"^[ \t]*(from[ \t]+\.[^\n(\\]*(?:\([^)]*\)|\\\n[^\n]*)*[^\n]*)", re.MULTILINE)


@functools.cache
def direct_imports(module: Path) -> list[Path]:
    """The files of this package that `module` imports itself (read once however many steps run it).

    The package imports its own modules relatively (`from .x import y`), so reading those
    statements finds them all; a package's `__init__.py` runs whenever one of its modules does.
    """
    found = []
    for node in relative_imports(module.read_text(encoding="utf-8")):
        base = module.parent.joinpath(*[".."] * (node.level - 1), *(node.module or "").split("."))
        base = base.resolve()
        names = [base / f"{alias.name}.py" for alias in node.names]
        names += [base / alias.name / "__init__.py" for alias in node.names]
        found += [p for p in [base.with_suffix(".py"), base / "__init__.py", *names] if p.is_file()]
        subpackages = [
            parent for parent in base.parents if parent != PACKAGE and parent.is_relative_to(PACKAGE)
        ]
        found += [parent / "__init__.py" for parent in subpackages]
    return found


def relative_imports(text: str) -> list[ast.ImportFrom]:
    """The relative import statements of a module's `text`. Only those statements are parsed, a tenth of the
    time a whole module takes (the config step reads every module on each config.toml edit); a line of a
    string that reads as one counts too, which at worst rebuilds a step more. A statement that does not
    parse alone (a comment holding a bracket) has the whole module parsed instead."""
    try:
        trees = [ast.parse(match.group(1)) for match in RELATIVE_IMPORT.finditer(text)]
        return [node for tree in trees for node in tree.body if isinstance(node, ast.ImportFrom)]
    except SyntaxError:
        return [node for node in ast.walk(ast.parse(text)) if isinstance(node, ast.ImportFrom) and node.level]


def module_file(module: str) -> Path:
    """The file of `module`, dotted and relative to this package ("models.knn")."""
    return PACKAGE.joinpath(*module.split(".")).with_suffix(".py")


def step_code(step: str, task: str) -> list[str]:
    """The files (relative to the project) that running `step` reads, in its task.

    A step that uses the tasks package imports the task's module by name (or, for the model_figures
    and submit steps, the task's part that only they run), so that is added.
    """
    files = imported_files(module_file(step))
    if PACKAGE / "tasks" / "__init__.py" in files:
        files |= imported_files(module_file(f"tasks.{step_module(task, step)}"))
    return sorted(os.path.relpath(p) for p in files if p.parent != PACKAGE or p.name not in MESSAGES_ONLY)
