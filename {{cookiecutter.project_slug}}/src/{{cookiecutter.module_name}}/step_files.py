"""Which files of this package a step runs: its module and what that imports, for make's CODE_<step>.

Editing a module rebuilds exactly the steps that run it (config.py writes the lists into
settings.mk); `make ship` bundles the files the API runs the same way. Standard library only.
"""

from __future__ import annotations

import ast
import functools
import os
from collections.abc import Iterator
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


@functools.cache
def direct_imports(module: Path) -> list[Path]:
    """The files of this package that `module` imports itself (read once however many steps run it).

    The package imports its own modules relatively (`from .x import y`), so reading those
    statements finds them all; a package's `__init__.py` runs whenever one of its modules does.
    """
    found = []
    for node in statements(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
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


def statements(tree: ast.Module) -> Iterator[ast.AST]:
    """Every statement in `tree`, in functions and blocks too (where a step imports lazily).

    An import is a statement: skipping the expressions, ast.walk's bulk, reads a module three times faster.
    """
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        yield node
        for block in ("body", "orelse", "finalbody", "handlers", "cases"):
            todo += getattr(node, block, [])


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
