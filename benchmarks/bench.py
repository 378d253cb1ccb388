"""Print how fast the template is for a newcomer on this machine, beside the goals. Nothing here passes or fails.

    python benchmarks/bench.py [--only SECTION ...] [--repeat 3] [--rows 1000000]

Projects are baked from this checkout into a temporary folder and built the way a newcomer builds
them: `invoke` and `make` with the project's own `.venv` (built by the Makefile with uv, never the
template's test environment), under PYTHONDONTWRITEBYTECODE=1 as on many Docker images and CI runners.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import synthetic

TEMPLATE = Path(__file__).resolve().parents[1]
INVOKE = [sys.executable, "-m", "invoke"]
BUILD_LOG = Path("reports/build-log.jsonl")
VENV = Path(".venv")
ENVIRONMENT_TARGET = ".venv/.installed"
LARGE_ROWS = 1_000_000
MB = 1024**2
# A new [models.knn] grid for the one-setting change (the template's is 1, 3, 5, 9, 15, 25).
CHANGED_KNN_GRID = "n_neighbors = [5, 11, 21]"
# The medium scale of the recommendation ladder, drawn by the sample's own generator.
MEDIUM_LOG = ["--users", "100000", "--items", "10000", "--interactions", "2500000"]

# The goals of issue 9 on 2 cores, by figure; a figure not named here is shown without one.
GOALS: dict[str, float] = {
    "bake + invoke baseline (.venv built)": 12,
    "invoke all on the sample (.venv present)": 8,
    "no-op make": 0.5,
    "large CSV: invoke all, CSV to report": 60,
    "large CSV: largest step peak RSS": 2048,
    "large CSV: rules training": 5,
    "large CSV: KNN evaluation": 8,
    "large CSV: [models.knn] change to leaderboard": 20,
    "medium log: invoke all, snapshot to report": 90,
    "medium log: item-KNN fit": 10,
    "medium log: scoring every test user, all models": 30,
    "medium log: largest step peak RSS": 2048,
}


@dataclass(frozen=True)
class Timing:
    """A command's wall time, and the CPU time it and its children used: on a shared machine the wall time
    grows with the load while the CPU time barely moves, so the two together tell a slow build from a busy one."""

    seconds: float
    cpu: float

    def __add__(self, other: Timing) -> Timing:
        return Timing(self.seconds + other.seconds, self.cpu + other.cpu)


def median_timing(timings: list[Timing]) -> Timing:
    return Timing(statistics.median(t.seconds for t in timings), statistics.median(t.cpu for t in timings))


@dataclass(frozen=True)
class Figure:
    """One measured figure, with the load average when it was taken (the machine may be shared)."""

    section: str
    name: str
    value: float
    unit: str
    load: float
    cpu: float | None = None
    goal: float | None = None
    note: str = ""

    @property
    def status(self) -> str:
        if self.goal is None:
            return self.note
        return "met" if self.value <= self.goal else "not met"


@dataclass(frozen=True)
class Step:
    """One line of a project's build log: a pipeline step make ran."""

    name: str
    seconds: float
    peak_rss_mb: int


@dataclass
class Bench:
    """What the sections share: the options, where to work, the figures, and the projects built so far."""

    workdir: Path
    environ: dict[str, str]
    repeat: int
    rows: int
    figures: list[Figure] = field(default_factory=list)
    section: str = ""
    venv_holder: Path | None = None  # the project whose .venv the other projects borrow
    sample_project: Path | None = None  # built by `invoke all` on the sample
    large_project: Path | None = None  # built by `make` on the large CSV

    def record(self, name: str, value: float | Timing, unit: str = "s", unjudged: str = "") -> None:
        """Keep a figure with its goal (none when `unjudged` says why the goal does not apply); show it now."""
        seconds, cpu = (value.seconds, value.cpu) if isinstance(value, Timing) else (value, None)
        goal = None if unjudged else GOALS.get(name)
        figure = Figure(self.section, name, seconds, unit, os.getloadavg()[0], cpu, goal, unjudged)
        self.figures.append(figure)
        cpu_note = f", {cpu:.1f} s CPU" if cpu is not None else ""
        say(f"  {name}: {shown(seconds, unit)}  (load {figure.load:.2f}{cpu_note})")

    def run(self, command: list[str], cwd: Path) -> Timing:
        """Run `command` as a newcomer would and time it. Stop with its output if it fails."""
        start, used = time.perf_counter(), children_cpu()
        done = subprocess.run(command, cwd=cwd, env=self.environ, capture_output=True, text=True)
        timing = Timing(time.perf_counter() - start, children_cpu() - used)
        if done.returncode != 0:
            sys.exit(f"`{' '.join(command)}` failed in {cwd}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        return timing

    def run_output(self, command: list[str], cwd: Path) -> str:
        """Run `command` as a newcomer would and return what it printed. Stop with its output if it fails."""
        done = subprocess.run(command, cwd=cwd, env=self.environ, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"`{' '.join(command)}` failed in {cwd}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        return done.stdout

    def bake(self, *answers: str) -> tuple[Timing, Path]:
        """Bake a project from this checkout (with `answers` such as "task=recommendation") into a new folder;
        return how long it took and the project."""
        into = Path(tempfile.mkdtemp(prefix="bake-", dir=self.workdir))
        bake = [sys.executable, "-m", "cookiecutter", "--no-input", "-o", str(into), str(TEMPLATE), *answers]
        timing = self.run(bake, into)
        (project,) = into.iterdir()
        return timing, project

    def environment_into(self, project: Path) -> None:
        """Give `project` a built .venv, untimed: build one the first time (this warms uv's cache), else move
        the last one in and let the Makefile reinstall the project into it (`make .venv/.installed`)."""
        if self.venv_holder is not None:
            shutil.move(self.venv_holder / VENV, project / VENV)
        self.run(["make", ENVIRONMENT_TARGET], project)
        self.venv_holder = project

    def built_sample_project(self) -> Path:
        if self.sample_project is None:
            _, self.sample_project = self.bake()
            self.environment_into(self.sample_project)
            self.run([*INVOKE, "all"], self.sample_project)
        return self.sample_project

    def built_large_project(self) -> Path:
        """The project on the large CSV, built by `invoke all` from scratch the first time (and timed then)."""
        if self.large_project is None:
            asked_by, self.section = self.section, "large"  # its figures are the large section's
            self.large_project = build_large_project(self)
            self.section = asked_by
        return self.large_project


def shown(value: float, unit: str) -> str:
    """A figure with the digits that matter: milliseconds for a no-op, tenths for minutes, whole MB."""
    digits = 0 if unit == "MB" else 3 if value < 1 else 1
    return f"{value:.{digits}f} {unit}"


def children_cpu() -> float:
    """CPU seconds (user and system) used so far by this process's finished children."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def say(line: str) -> None:
    print(line, flush=True)


def show_steps(steps: list[Step]) -> None:
    for step in steps:
        say(f"    {step.name:<20} {step.seconds:7.2f} s  {step.peak_rss_mb:6d} MB")


def newcomer_environment(tools: Path) -> dict[str, str]:
    """This process's environment without the template's test settings, with uv on PATH and no bytecode."""
    skipped = {"PYTHON", "VIRTUAL_ENV", "MAKEFLAGS", "MAKELEVEL"}
    environ = {name: value for name, value in os.environ.items() if name not in skipped}
    environ["PATH"] = os.pathsep.join([str(tools), environ.get("PATH", "")])
    environ["PYTHONDONTWRITEBYTECODE"] = "1"
    return environ


def uv_tools(into: Path) -> Path:
    """A folder in `into` holding only uv (the one from requirements-dev.txt unless uv is on PATH), to put on PATH."""
    uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    if not Path(uv).is_file():
        sys.exit("uv is not installed: pip install -r requirements-dev.txt")
    tools = into / "tools"
    tools.mkdir()
    (tools / "uv").symlink_to(uv)
    return tools


def build_log(project: Path) -> list[Step]:
    """The steps in the project's build log, labelled by model where a step runs once per model."""
    steps = []
    for line in (project / BUILD_LOG).read_text().splitlines():
        record = json.loads(line)
        models = [Path(arg).stem for arg in record["args"] if arg.endswith(".joblib")]
        name = " ".join([record["step"], *models])
        steps.append(Step(name, record["seconds"], record["peak_rss_mb"]))
    return steps


def set_setting(project: Path, line_start: str, line: str) -> None:
    """Replace the one line of the project's config.toml that starts with `line_start` by `line`."""
    config = project / "config.toml"
    text, count = re.subn(rf"^{re.escape(line_start)}.*$", line.replace("\\", r"\\"), config.read_text(), flags=re.M)
    if count != 1:
        sys.exit(f"expected one line starting with {line_start!r} in {config}, found {count}")
    config.write_text(text)


def median_of(bench: Bench, measure: Callable[[], Timing]) -> Timing:
    return median_timing([measure() for _ in range(bench.repeat)])


def unjudged(bench: Bench) -> str:
    """Why the large case's goals do not apply ("" when they do): they are for a million rows."""
    return "" if bench.rows == LARGE_ROWS else f"goal is for {LARGE_ROWS:,} rows"


# --- The sections: each measures one thing a newcomer does and records its figures ---------------


def first_score(bench: Bench) -> None:
    """Bake, then `invoke baseline`, which builds .venv with uv (its cache warmed by one untimed build)."""
    if bench.venv_holder is None:
        _, warm_up = bench.bake()
        bench.environment_into(warm_up)
    bakes, totals, steps = [], [], []
    for _ in range(bench.repeat):
        bake, project = bench.bake()
        bakes.append(bake)
        totals.append(bake + bench.run([*INVOKE, "baseline"], project))
        steps.append(sum(step.seconds for step in build_log(project)))
        shutil.rmtree(project.parent)
    bake, total, step_seconds = median_timing(bakes), median_timing(totals), statistics.median(steps)
    bench.record("bake", bake)
    bench.record("bake + invoke baseline (.venv built)", total)
    bench.record("  of which the steps (build log)", step_seconds)
    bench.record("  of which .venv, make, invoke", total.seconds - bake.seconds - step_seconds)


def invoke_all(bench: Bench) -> None:
    """`invoke all` in a fresh bake whose .venv is already built (moved in from the last project)."""

    def once() -> Timing:
        _, project = bench.bake()
        bench.environment_into(project)
        bench.sample_project = project
        return bench.run([*INVOKE, "all"], project)

    bench.record("invoke all on the sample (.venv present)", median_of(bench, once))


def no_op_make(bench: Bench) -> None:
    """`make` in a project where everything is built already."""
    project = bench.built_sample_project()
    bench.record("no-op make", median_of(bench, lambda: bench.run(["make"], project)))


def build_large_project(bench: Bench) -> Path:
    """Generate the seeded CSV, point a fresh bake (with .venv) at it, `invoke all` from scratch; record it all.

    `invoke` is what a team types: make with a job per core."""
    csv = bench.workdir / "large.csv"
    size = synthetic.write_csv(synthetic.tabular_classification(bench.rows), csv)
    say(f"  generated {csv}: {bench.rows:,} rows × 19 columns, {size / MB:.0f} MB")
    _, project = bench.bake()
    bench.environment_into(project)
    set_setting(project, "source =", f"source = {json.dumps(str(csv))}")
    set_setting(project, "target =", f"target = {json.dumps(synthetic.TARGET)}")
    timing = bench.run([*INVOKE, "all"], project)
    steps = build_log(project)
    show_steps(steps)
    bench.record("large CSV: invoke all, CSV to report", timing, unjudged=unjudged(bench))
    bench.record("  sum of the steps (build log)", sum(step.seconds for step in steps))
    bench.record("large CSV: largest step peak RSS", max(s.peak_rss_mb for s in steps), "MB", unjudged(bench))
    for name, step in (("rules training", "train rules"), ("KNN evaluation", "evaluate knn")):
        seconds = sum(s.seconds for s in steps if s.name == step)
        bench.record(f"large CSV: {name}", seconds, unjudged=unjudged(bench))
    return project


def large_csv(bench: Bench) -> None:
    """The large case: a seeded 1,000,000 × 19 CSV (by default) to the report with `invoke all`, step by step."""
    bench.built_large_project()


def knn_change(bench: Bench) -> None:
    """On the large project: change the [models.knn] grid, then `invoke leaderboard`."""
    project = bench.built_large_project()
    set_setting(project, "n_neighbors =", CHANGED_KNN_GRID)
    built_before = len(build_log(project))
    timing = bench.run([*INVOKE, "leaderboard"], project)
    show_steps(build_log(project)[built_before:])
    bench.record("large CSV: [models.knn] change to leaderboard", timing, unjudged=unjudged(bench))


# In the order they run; a new section is a function taking the Bench, added here.
def recommendation_medium(bench: Bench) -> None:
    """A medium interaction log (100,000 users x 10,000 items, about 2.5M interactions) from the sample's own
    generator, snapshotted, then `invoke all` to the report: each step's seconds and peak RSS."""
    _, project = bench.bake("task=recommendation")
    bench.environment_into(project)
    log = bench.workdir / "movies-medium"
    generator = [str(project / VENV / "bin" / "python"), "data/sample/make_movies.py", *MEDIUM_LOG]
    bench.run([*generator, "--output", str(log)], project)
    set_setting(project, "source =", f"source = {json.dumps(str(log / 'interactions.csv'))}")
    set_setting(project, "items =", f"items = {json.dumps(str(log / 'movies.csv'))}")
    bench.record("medium log: snapshot", bench.run(["make", "data"], project))
    timing = bench.run([*INVOKE, "all"], project)
    steps = build_log(project)
    show_steps(steps)
    bench.record("medium log: invoke all, snapshot to report", timing)
    bench.record("medium log: item-KNN fit", sum(s.seconds for s in steps if s.name == "train knn"))
    scoring = sum(s.seconds for s in steps if s.name.startswith("evaluate "))
    bench.record("medium log: scoring every test user, all models", scoring)
    bench.record("medium log: largest step peak RSS", max(s.peak_rss_mb for s in steps), "MB")


def mutation_scores(bench: Bench) -> None:
    """`make mutants` in a fresh classification bake: the share of mutants of the pipeline code that its
    tests kill, per module and overall (issue 15). Slow (the better part of an hour on 2 cores): opt-in."""
    _, project = bench.bake()
    bench.environment_into(project)
    bench.run(["make", "mutants"], project)
    # `make mutants` ends with the table; it is printed again here from mutmut's results folder.
    table = bench.run_output([str(project / VENV / "bin" / "python"), "-m", module_of(project) + ".mutation_score",
                              "mutants"], project)
    for line in table.splitlines():
        module, killed, _, checked, _, percent = line.split()
        bench.record(f"mutants killed: {module} ({killed} of {checked})", float(percent.rstrip("%")), "%")


def module_of(project: Path) -> str:
    """The package name of a baked project (its only folder under src/)."""
    (package,) = (project / "src").iterdir()
    return package.name


SECTIONS: dict[str, Callable[[Bench], None]] = {
    "first-score": first_score,
    "all": invoke_all,
    "no-op": no_op_make,
    "large": large_csv,
    "knn-change": knn_change,
    "recommendation": recommendation_medium,
    "mutants": mutation_scores,
}
# Sections run only when named with --only: they take far longer than the others.
OPT_IN = {"mutants"}


def table(figures: list[Figure]) -> str:
    rows = [("section", "figure", "measured", "goal", "status", "CPU", "load")]
    for f in figures:
        goal = f"≤ {f.goal:g} {f.unit}" if f.goal is not None else ""
        cpu = shown(f.cpu, "s") if f.cpu is not None else ""
        rows.append((f.section, f.name, shown(f.value, f.unit), goal, f.status, cpu, f"{f.load:.2f}"))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = ("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows)
    return "\n".join(line.rstrip() for line in lines)


def machine(environ: dict[str, str]) -> str:
    """The machine, the tools and the load now: figures mean little without them."""
    uv = subprocess.run(["uv", "--version"], env=environ, capture_output=True, text=True).stdout.strip()
    load = " ".join(f"{minutes:.2f}" for minutes in os.getloadavg())
    return f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, {uv}, load average {load}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=SECTIONS, metavar="SECTION",
                        help=f"run only this section (again for more): {', '.join(SECTIONS)}; "
                        f"{', '.join(OPT_IN)} runs only when named")
    parser.add_argument("--repeat", type=int, default=3, help="rounds to take the median of, where cheap")
    parser.add_argument("--rows", type=int, default=LARGE_ROWS, help="rows of the large CSV")
    options = parser.parse_args()
    chosen = [name for name in SECTIONS if name in options.only] if options.only else \
        [name for name in SECTIONS if name not in OPT_IN]
    with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
        bench = Bench(Path(workdir), newcomer_environment(uv_tools(Path(workdir))), options.repeat, options.rows)
        say(f"at start: {machine(bench.environ)}")
        for name in chosen:
            say(f"{name}: {inspect.getdoc(SECTIONS[name]).splitlines()[0]}")
            bench.section = name
            SECTIONS[name](bench)
        print(f"\nat end: {machine(bench.environ)}; medians of {options.repeat} where repeated")
    print("Each project has its own .venv built by its Makefile with uv (a warm cache); after the first,")
    print("one .venv is moved from project to project and refreshed by `make .venv/.installed`, untimed.\n")
    print(table(bench.figures))


if __name__ == "__main__":
    main()
