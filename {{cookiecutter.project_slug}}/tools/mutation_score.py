"""The mutation score of the last `make mutants`, per module and overall, from mutmut's results.

mutmut keeps one `<module>.py.meta` file per mutated module under mutants/, mapping each
mutant to the exit code of the tests that ran against it. A mutant is killed when a test
failed (or timed out, or the type check caught it); it counts against the tests when they
all passed or none ran it. Mutants not yet checked (an interrupted run) are left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from {{ cookiecutter.module_name }}.cli import run

CAUGHT = frozenset({"killed", "timeout", "caught by type check"})
MISSED = frozenset({"survived", "no tests", "suspicious", "segfault"})


@dataclass(frozen=True)
class Score:
    """How many of a module's checked mutants the tests killed."""

    module: str
    killed: int
    checked: int

    @property
    def percent(self) -> float:
        return 100 * self.killed / self.checked if self.checked else 0.0

    def __add__(self, other: Score) -> Score:
        return Score("overall", self.killed + other.killed, self.checked + other.checked)


def score(module: str, statuses: Iterable[str]) -> Score:
    """The score of one module from its mutants' statuses (mutmut's names for them)."""
    counted = [status for status in statuses if status in CAUGHT | MISSED]
    return Score(module, sum(status in CAUGHT for status in counted), len(counted))


def scores(mutants: Path) -> list[Score]:
    """Every mutated module's score under mutmut's `mutants` folder, by module path."""
    # mutmut's own table of exit codes; imported here so the package needs mutmut only for this command.
    from mutmut.stats import status_by_exit_code

    found = []
    for meta in sorted(mutants.rglob("*.py.meta")):
        exit_codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"].values()
        module = meta.relative_to(mutants).as_posix().removesuffix(".py.meta")
        found.append(score(module, (status_by_exit_code[code] for code in exit_codes)))
    return found


def table(found: list[Score]) -> str:
    """A plain-text table: one line per module with a checked mutant, then the overall score."""
    # `make mutants MUTANTS=...` checks some modules only: the others would read as 0% killed.
    found = [s for s in found if s.checked]
    overall = sum(found, Score("overall", 0, 0))
    width = max(len(s.module) for s in [*found, overall])
    return "\n".join(
        f"{s.module:<{width}}  {s.killed:>5} / {s.checked:<5} killed  {s.percent:5.1f}%"
        for s in [*found, overall]
    )


def main(mutants: Path) -> None:
    """Print the mutation score per module and overall from mutmut's results in MUTANTS (its folder)."""
    print(table(scores(mutants)))


if __name__ == "__main__":
    run(main)
