"""What the pre-gen hook defines, read without baking, and where its refused module names come from.

The hook must stand alone (cookiecutter runs a rendered copy of it), so it keeps its list of
refused module names itself. That list is the top-level modules of everything a generated project
installs or builds with, for every Python and platform it supports, plus the project's own folder
and file names. This environment must have all of those installed (requirements-dev.txt does);
a distribution needed only on another platform or Python, and so missing here, counts by its name.

`python tests/hook_constants.py` bakes a default project and rewrites the list in the hook.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import textwrap
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from cookiecutter.main import cookiecutter
from jinja2 import Environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

TEMPLATE = Path(__file__).resolve().parents[1]
PRE_GEN_HOOK = TEMPLATE / "hooks" / "pre_gen_project.py"
TAKEN_BLOCK = re.compile(r'(TAKEN_NAMES = frozenset\("""\n)(.*?)(""".split\(\)\))', re.DOTALL)
MODULE = re.compile(r"[a-z_][a-z0-9_]*")

PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")
PLATFORMS = {"linux": ("Linux", "posix"), "darwin": ("Darwin", "posix"), "win32": ("Windows", "nt")}
# The marker variables that differ between the places a generated project may be installed.
ENVIRONMENTS = [
    {
        "python_version": python,
        "python_full_version": f"{python}.0",
        "sys_platform": platform,
        "platform_system": system,
        "os_name": os_name,
    }
    for python in PYTHONS
    for platform, (system, os_name) in PLATFORMS.items()
]


def pre_gen_hook() -> dict:
    """The pre-gen hook's names (constants and functions), as if imported: rendered with no answers, not run."""
    source = Environment().from_string(PRE_GEN_HOOK.read_text(encoding="utf-8")).render(cookiecutter={})
    namespace = {"__name__": "pre_gen_project"}
    exec(compile(source, str(PRE_GEN_HOOK), "exec"), namespace)
    return namespace


def project_requirements(pyproject: dict) -> list[str]:
    """Every requirement a generated project may install: dependencies, each extra, the build backend."""
    project = pyproject["project"]
    extras = project.get("optional-dependencies", {}).values()
    return [
        *project["dependencies"],
        *(line for extra in extras for line in extra),
        *pyproject["build-system"]["requires"],
    ]


def applies(requirement: Requirement, extras: Iterable[str]) -> bool:
    """Whether `requirement` is installed on some supported Python and platform with `extras` asked for."""
    if requirement.marker is None:
        return True
    return any(
        requirement.marker.evaluate({**environment, "extra": extra})
        for environment in ENVIRONMENTS
        for extra in [*extras, ""]
    )


def closure(requirements: Iterable[str]) -> dict[str, bool]:
    """Every distribution `requirements` pull in (canonical name -> whether it is installed here)."""
    extras_asked: dict[str, set[str]] = {}
    installed: dict[str, bool] = {}
    queue = [Requirement(line) for line in requirements]
    queue = [requirement for requirement in queue if applies(requirement, [])]
    while queue:
        requirement = queue.pop()
        name = canonicalize_name(requirement.name)
        if name in extras_asked and requirement.extras <= extras_asked[name]:
            continue
        extras = extras_asked.setdefault(name, set())
        extras |= requirement.extras
        try:
            requires = metadata.distribution(name).requires or []
        except metadata.PackageNotFoundError:
            installed[name] = False
            continue
        installed[name] = True
        queue += [needed for needed in map(Requirement, requires) if applies(needed, extras)]
    return installed


def top_level_modules(distributions: dict[str, bool]) -> set[str]:
    """The top-level modules of the distributions; for one not installed here, its own name."""
    by_distribution = defaultdict(set)
    for module, names in metadata.packages_distributions().items():
        for name in names:
            by_distribution[canonicalize_name(name)].add(module)
    modules = set()
    for name, here in distributions.items():
        modules |= by_distribution[name] if here else {name.replace("-", "_")}
    return modules


def own_names(project: Path) -> set[str]:
    """The names the project's own folders and files take on sys.path: its root (python -m, invoke)
    and tests/ (pytest imports test files and conftest.py as top-level modules)."""
    names = set()
    for folder in (project, project / "tests"):
        for path in folder.iterdir():
            if path.is_dir() and not path.name.startswith("."):
                names.add(path.name)
            elif path.suffix == ".py":
                names.add(path.stem)
    return names


def taken_names(project: Path) -> set[str]:
    """Every module name the baked `project`'s package would shadow or be shadowed by."""
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    names = top_level_modules(closure(project_requirements(pyproject))) | own_names(project)
    return {name for name in names if MODULE.fullmatch(name)}


def with_taken_names(hook_source: str, names: set[str]) -> str:
    """The hook's source with `names` as its TAKEN_NAMES, sorted and wrapped."""
    block = textwrap.fill(" ".join(sorted(names)), width=100) + "\n"
    return TAKEN_BLOCK.sub(lambda match: match[1] + block + match[3], hook_source)


def main() -> None:
    """Bake a project of each task (demo app and all) and rewrite the hook's TAKEN_NAMES from them."""
    tasks = json.loads((TEMPLATE / "cookiecutter.json").read_text(encoding="utf-8"))["task"]
    names: set[str] = set()
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder, "config.yaml")
        config.write_text(f"replay_dir: {Path(folder, 'replay')}\n", encoding="utf-8")
        for task in tasks:
            project = cookiecutter(
                str(TEMPLATE),
                no_input=True,
                output_dir=Path(folder, task),
                config_file=str(config),
                extra_context={"task": task},
            )
            names |= taken_names(Path(project))
    PRE_GEN_HOOK.write_text(with_taken_names(PRE_GEN_HOOK.read_text(encoding="utf-8"), names), encoding="utf-8")
    print(f"{PRE_GEN_HOOK.relative_to(TEMPLATE)}: TAKEN_NAMES now holds {len(names)} names", file=sys.stderr)


if __name__ == "__main__":
    main()
