"""The import graph of a baked package, read with `ast` (nothing of the package is imported or run).

A module's floor is the length of the longest chain of the package's own imports that starts at it,
lazy imports inside functions and `TYPE_CHECKING` imports included: a module that imports nothing of
the package is on floor 1, and a package's `__init__` is a module like any other (counted when it is
imported by name, as `from . import X` or `from .sources import X` do).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path


def module_names(package: Path) -> dict[str, Path]:
    """Every module of `package` (a folder) by its dotted name, "hackathon_ml.sources" for an `__init__`."""
    names = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        names[".".join(parts).removesuffix(".__init__")] = path
    return names


def imported(module: str, path: Path, node: ast.Import | ast.ImportFrom, names: set[str]) -> set[str]:
    """The modules of the package that one import statement of `module` (its file `path`) loads by name:
    for `from .x import y`, x.y when y is a module, else x."""
    if isinstance(node, ast.Import):
        wanted = [alias.name for alias in node.names]
    elif node.level:  # relative: from the module's package, one level up per extra dot
        base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        target = ".".join([*base[: len(base) - node.level + 1], *filter(None, [node.module])])
        wanted = [f"{target}.{alias.name}" for alias in node.names]
    else:
        wanted = [f"{node.module}.{alias.name}" for alias in node.names]
    found = set()
    for name in wanted:
        while name and name not in names:  # an attribute of a module, or something outside the package
            name = name.rpartition(".")[0]
        found |= {name} if name else set()
    return found


def import_edges(package: Path) -> dict[str, set[str]]:
    """Each module of `package` -> the modules of the package it imports (itself excluded)."""
    names = module_names(package)
    edges = {}
    for module, path in names.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found |= imported(module, path, node, set(names))
        edges[module] = found - {module}
    return edges


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle found by a depth-first walk, each as the chain that closes it."""
    found, done = [], set()

    def walk(module: str, stack: list[str]) -> None:
        if module in stack:
            found.append([*stack[stack.index(module) :], module])
            return
        if module in done:
            return
        for other in sorted(edges[module]):
            walk(other, [*stack, module])
        done.add(module)

    for module in sorted(edges):
        walk(module, [])
    return found


def longest_chains(edges: dict[str, set[str]]) -> dict[str, list[str]]:
    """Each module -> its longest chain of imports (itself first); its floor is the chain's length.
    The graph must have no circles."""

    @cache
    def chain(module: str) -> tuple[str, ...]:
        below = max((chain(other) for other in sorted(edges[module])), key=len, default=())
        return (module, *below)

    return {module: list(chain(module)) for module in edges}
