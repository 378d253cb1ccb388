"""requirements.txt for the bundle: what its files import, pinned at the versions installed here."""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

from ..files import read_toml

# The extra of pyproject.toml that each server needs, and the package that runs it (imported by no file).
EXTRAS = {"demo": "demo", "api": "serve"}
RUNNERS = {"demo": "streamlit", "api": "uvicorn"}


def canonical(name: str) -> str:
    """A distribution's name as pip compares names (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_names(files: list[Path], package: str) -> set[str]:
    """The top-level names `files` import anywhere (a progress bar imports tqdm when it starts), besides
    the standard library and `package`."""
    names = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {package, "__future__"}


def declared(pyproject: Path, servers: list[str]) -> list[Requirement]:
    """What pyproject.toml declares for running: its dependencies and the servers' extras (not the
    pipeline's other extras: Spark, notebooks, dev tools), those that apply to this Python."""
    project = read_toml(pyproject)["project"]
    extras = project.get("optional-dependencies", {})
    lines = [*project.get("dependencies", []), *(line for s in servers for line in extras.get(EXTRAS[s], []))]
    requirements = [Requirement(line) for line in lines]
    return [r for r in requirements if r.marker is None or r.marker.evaluate()]


def direct(requirements: list[Requirement], imported: set[str], servers: list[str]) -> list[Requirement]:
    """The declared requirements whose packages the files import, and the servers' runners."""
    provided = metadata.packages_distributions()
    importing = {canonical(dist) for name in imported for dist in provided.get(name, [])}
    runners = {RUNNERS[server] for server in servers}
    return [r for r in requirements if canonical(r.name) in importing or r.name in runners]


def needed(dist: metadata.Distribution, extras: set[str]) -> Iterator[Requirement]:
    """What an installed distribution requires on this machine, with the `extras` asked of it."""
    for line in dist.requires or []:
        requirement = Requirement(line)
        marker = requirement.marker
        if marker is None or any(marker.evaluate({"extra": extra}) for extra in extras | {""}):
            yield requirement


def pinned(roots: list[Requirement]) -> dict[str, str]:
    """`roots` and everything they require, transitively, as installed: {name: version}."""
    versions: dict[str, str] = {}
    asked: dict[str, set[str]] = {}
    todo = list(roots)
    while todo:
        requirement = todo.pop()
        key = canonical(requirement.name)
        extras = set(requirement.extras)
        if key in asked and extras <= asked[key]:
            continue
        try:
            dist = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            continue  # an optional part that this environment does without, as the project does
        asked[key] = asked.get(key, set()) | extras
        versions[dist.metadata["Name"]] = dist.version
        todo += needed(dist, asked[key])
    return versions


def requirements_txt(files: list[Path], package: str, servers: list[str], pyproject: Path) -> str:
    """The pinned requirements of `files` and of the servers that run them, the declared ones first."""
    roots = direct(declared(pyproject, servers), imported_names(files, package), servers)
    versions = pinned(roots)
    wanted = {canonical(root.name) for root in roots}
    first = sorted((n for n in versions if canonical(n) in wanted), key=str.lower)
    rest = sorted((n for n in versions if canonical(n) not in wanted), key=str.lower)
    lines = [
        "# Written by `invoke ship`: what the demo and the API import, at the versions the project was built",
        "# and scored with (saved models load only with the versions that saved them).",
        *(f"{name}=={versions[name]}" for name in first),
        "# ... and what those need, as installed in the project's environment",
        *(f"{name}=={versions[name]}" for name in rest),
    ]
    return "\n".join(lines) + "\n"
