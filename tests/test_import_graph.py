"""A baked package's import graph stays shallow and one-way, in each task family (read with `ast`).

A newcomer follows a step down to what it uses in a few hops: leaves (errors, files, the registry),
domain modules built on them, and on top the entry points (the steps, the API, `invoke ship`,
`invoke sprint`). The floors are counted as tests/import_graph.py says.
"""

import pytest
from import_graph import circles, import_edges, longest_chains

# The most floors a baked package may have, by task family (regression bakes the table family too):
# leaves, domain modules on them, and entry points on top (the steps, the API's routes, `invoke recommend`,
# and the models, which models/__init__.py imports by the name the registry gives).
MAX_FLOORS = {"classification": 4, "recommendation": 4}


@pytest.fixture(scope="module", params=sorted(MAX_FLOORS))
def family(request, cookies_session):
    """The package of a project baked for one task family, and that family."""
    project = cookies_session.bake(extra_context={"task": request.param}).project_path
    return project / "src" / "hackathon_ml", request.param


def steps(edges: dict[str, set[str]], package: str) -> set[str]:
    """The modules make and invoke run as commands: those importing the command runner, cli.py."""
    return {module for module, imported in edges.items() if f"{package}.cli" in imported}


def test_no_module_imports_itself_back(family):
    """No import circle: each module can be read and changed before the modules that use it."""
    package, _ = family
    assert circles(import_edges(package)) == []


def test_the_longest_import_chain_is_within_the_familys_floors(family):
    """From any module, the longest chain of the package's own imports (lazy ones included) has at
    most the family's floors."""
    package, task = family
    deepest = max(longest_chains(import_edges(package)).values(), key=len)
    assert len(deepest) <= MAX_FLOORS[task], " -> ".join(deepest)


def test_no_step_imports_another_step(family):
    """A step never imports another step: what two steps share lives in a module of its own, so
    editing one step reruns that step alone."""
    package, _ = family
    edges = import_edges(package)
    commands = steps(edges, package.name)
    assert {module: sorted(edges[module] & commands) for module in commands if edges[module] & commands} == {}
