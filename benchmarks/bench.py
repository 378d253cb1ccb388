"""Print how fast the template is for a newcomer on this machine, beside the goals. Nothing here passes or fails.

    python benchmarks/bench.py [--only SECTION ...] [--repeat 3] [--rows 1000000]

Projects are baked from this checkout into a temporary folder and built the way a newcomer builds
them: `invoke` and `make` with the project's own `.venv` (built by the Makefile with uv, never the
template's test environment), under PYTHONDONTWRITEBYTECODE=1 as on many Docker images and CI runners.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import inspect
import json
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import synthetic

TEMPLATE = Path(__file__).resolve().parents[1]
# The seeded sample of mutants `--only mutants-sample` checks, per task (names without the package).
SAMPLED_MUTANTS = Path(__file__).resolve().parent / "mutants-sample"
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
# The larger log: four times the medium one (spark-larger, in-process and on Spark; spark-data).
LARGER_LOG = ["--users", "400000", "--items", "10000", "--interactions", "10000000"]
# The larger log's models in-process: the template's, with one neighbour count for KNN (no validation grid).
LARGER_RULES = """[models.rules]
window_days = 365
segment = "genre"

"""
LARGER_IN_PROCESS = (
    LARGER_RULES
    + """[models.knn]
kind = "item"
neighbors = 100
shrinkage = 10.0
"""
)
# [spark] on this machine's two cores, and ALS as in the issue (on implicit feedback: no rating column).
SPARK_SETTINGS = """[spark]
master = "local[2]"
ui = false

[models.als]
engine = "spark"
rank = 64
reg_param = 0.05
alpha = 10.0
max_iter = 10
"""

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
    "10M in-process: largest step peak RSS": 2048,
    # issue 23, beside implicit on the medium log (2 cores)
    "vs implicit: similarity fit, project / implicit": 1.0,
    "vs implicit: scoring every test user, project / implicit": 1.0,
    "vs implicit: train knn step / implicit's one fit": 2.0,
    # the validation costs at most the final fit: the step beside itself with one setting (K = 200, no grid)
    "vs implicit: train knn step / the step with one setting": 2.0,
    "vs implicit: ALS in-process": 20,
    "vs implicit: ALS in-process ndcg@10": 0.095,
    "vs implicit: item-KNN ndcg@10 (K = 100), project - implicit": 0.0,
    # issue 25: every score's interval, a second or two at most
    "bootstrap: 95% intervals on 1,000,000 test rows": 2,
    # issue 10, the JSON API on the sample projects
    "serve: POST /predict (knn), 8 clients, p95": 20,
    "serve: GET /recommend/{user} (item-KNN), best req/s": 300,
}
# Issue 24: each figure with warm steps and with WARM=0 (the warm-vs-cold section).
WARM_MODES = {"warm": {}, "WARM=0": {"WARM": "0"}}
WARM_GOALS = {
    "bake -> first baseline score": 8,
    "invoke all on the sample (.venv present)": 4,
    "one [models.knn] change -> leaderboard and report": 1.5,
    "large CSV to report, plain make": 20,
}
GOALS.update({f"{name} [{mode}]": goal for name, goal in WARM_GOALS.items() for mode in WARM_MODES})
GOALS.update({f"invoke all on the sample (.venv used before) [{mode}]": 4 for mode in WARM_MODES})
# Figures whose goal is a floor (requests per second), not a ceiling.
AT_LEAST = {
    "serve: GET /recommend/{user} (item-KNN), best req/s",
    "vs implicit: ALS in-process ndcg@10",
    "vs implicit: item-KNN ndcg@10 (K = 100), project - implicit",
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
        met = self.value >= self.goal if self.name in AT_LEAST else self.value <= self.goal
        return "met" if met else "not met"


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
    spark_interactions: int = 10_000_000  # the log of the spark-data section
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
        stop_warm_servers(project)  # make started one as it read config.toml: the timed build starts with none
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
    digits = 0 if unit in ("MB", "req/s") else 3 if value < 1 else 1
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
        stop_warm_servers(project.parent)  # still importing, it writes bytecode into the .venv removed here
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


def warm_versus_cold(bench: Bench) -> None:
    """Issue 24's figures with warm steps and with WARM=0: first score, invoke all, one KNN change, large CSV."""
    csv_path = bench.workdir / "warm-large.csv"
    synthetic.write_csv(synthetic.tabular_classification(bench.rows), csv_path)
    if bench.venv_holder is None:  # warm uv's cache, untimed
        bench.environment_into(bench.bake()[1])
    newcomer = bench.environ
    for mode, variables in WARM_MODES.items():
        bench.environ = {**newcomer, **variables}
        first = [bench.bake() for _ in range(bench.repeat)]
        timings = [bake + bench.run([*INVOKE, "baseline"], project) for bake, project in first]
        bench.record(f"bake -> first baseline score [{mode}]", median_timing(timings))
        _, project = bench.bake()
        bench.environment_into(project)
        bench.record(f"invoke all on the sample (.venv present) [{mode}]", bench.run([*INVOKE, "all"], project))
        # That .venv had only been built (which caches the libraries' bytecode), never used by a step. The
        # same build in a fresh bake with that .venv, now used, is what a full rebuild costs a team later.
        _, project = bench.bake()
        bench.environment_into(project)
        bench.record(f"invoke all on the sample (.venv used before) [{mode}]", bench.run([*INVOKE, "all"], project))
        set_setting(project, "n_neighbors =", CHANGED_KNN_GRID)
        change = bench.run([*INVOKE, "report"], project)
        bench.record(f"one [models.knn] change -> leaderboard and report [{mode}]", change)
        _, project = bench.bake()
        bench.environment_into(project)
        set_setting(project, "source =", f"source = {json.dumps(str(csv_path))}")
        set_setting(project, "target =", f"target = {json.dumps(synthetic.TARGET)}")
        large = bench.run(["make"], project)
        show_steps(build_log(project))  # where the seconds went, step by step (steps overlap: they sum to more)
        bench.record(f"large CSV to report, plain make [{mode}]", large, unjudged=unjudged(bench))
    bench.environ = newcomer


def stop_warm_servers(under: Path) -> None:
    """End the warm step servers of the projects baked under `under` (they would idle for minutes), and wait
    until they are gone, so that what runs next finds none."""
    stopped = []
    for server in warm_servers(under):
        with contextlib.suppress(OSError):
            os.kill(server, signal.SIGTERM)
            stopped.append(Path("/proc") / str(server))
    deadline = time.monotonic() + 10
    while any(map(running, stopped)) and time.monotonic() < deadline:
        time.sleep(0.02)


def warm_servers(under: Path) -> list[int]:
    """The process ids of the warm step servers of the projects baked under `under`."""
    found = []
    for process in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            arguments = (process / "cmdline").read_bytes().split(b"\0")
            if (
                len(arguments) > 1
                and arguments[1].startswith(bytes(under) + b"/")
                and arguments[1].endswith(b"warm_server.py")
            ):
                found.append(int(process.name))
    return found


def running(process: Path) -> bool:
    """Whether the process of this /proc folder still runs (a zombie, ended but not yet reaped, does not)."""
    try:
        return (process / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


# The bootstrap of evaluate (bootstrap.py) on KNN's test predictions of the sample, drawn again to `rows` rows.
BOOTSTRAP_SCRIPT = """
import sys, time
import pandas as pd
from {module}.bootstrap import bootstrap
from {module}.tasks import classification
found = pd.read_parquet("reports/predictions/knn.parquet")
predictions = found.sample(n=int(sys.argv[1]), replace=True, random_state=0).reset_index(drop=True)
scores = classification.score(predictions)
start, cpu = time.perf_counter(), time.process_time()
bootstrap(classification.resampler(predictions, "balanced_accuracy"), len(predictions), scores, 42)
print(time.perf_counter() - start, time.process_time() - cpu)
"""


def bootstrap(bench: Bench) -> None:
    """The 95% intervals of evaluate on a million test rows (--rows): KNN's sample predictions drawn again."""
    project = bench.built_sample_project()
    script = BOOTSTRAP_SCRIPT.format(module=module_of(project))
    python = str(project / VENV / "bin" / "python")
    timings = []
    for _ in range(bench.repeat):
        wall, cpu = bench.run_output([python, "-c", script, str(bench.rows)], project).split()
        timings.append(Timing(float(wall), float(cpu)))
    bench.record(f"bootstrap: 95% intervals on {bench.rows:,} test rows", median_timing(timings))


class TreeMemory:
    """The peak resident memory of a process and all its descendants (a step's Python and its Spark JVM),
    sampled from /proc every `interval` seconds while a command runs, with the time of each sample."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.samples: list[tuple[float, int]] = []  # (time.time(), bytes)
        self.done = threading.Event()

    def watch(self, root: int, project: Path) -> None:
        while not self.done.wait(self.interval):
            self.samples.append((time.time(), tree_rss(root, warm_servers(project))))

    def peak_mb(self, start: float, end: float) -> int:
        """The largest sample between `start` and `end` (Unix times), in MB."""
        return max((size for at, size in self.samples if start <= at <= end), default=0) // MB


def tree_rss(root: int, servers: list[int]) -> int:
    """Bytes resident in `root` and its descendants, and in the children of `servers` (the steps a warm server
    forked, which are not make's) and theirs (Linux /proc); 0 where /proc is not there."""
    children: dict[int, list[int]] = {}
    sizes: dict[int, int] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        sizes[int(entry.name)] = int(fields[21]) * resource.getpagesize()
    total, todo = 0, [root, *(child for server in servers for child in children.get(server, []))]
    while todo:
        pid = todo.pop()
        total += sizes.get(pid, 0)
        todo += children.get(pid, [])
    return total


def run_watched(bench: Bench, command: list[str], cwd: Path) -> tuple[Timing, TreeMemory]:
    """`bench.run`, sampling the memory of the command's process tree meanwhile."""
    memory = TreeMemory()
    start, used = time.perf_counter(), children_cpu()
    process = subprocess.Popen(
        command, cwd=cwd, env=bench.environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    watcher = threading.Thread(target=memory.watch, args=(process.pid, cwd), daemon=True)
    watcher.start()
    output, _ = process.communicate()
    memory.done.set()
    watcher.join()
    if process.returncode != 0:
        sys.exit(f"`{' '.join(command)}` failed in {cwd}:\n{output[-5000:]}")
    return Timing(time.perf_counter() - start, children_cpu() - used), memory


def spark_project(
    bench: Bench, generated: list[str], name: str, models: str = "", snapshot: bool = True, spark: bool = True
) -> Path:
    """A recommendation project on a generated log (implicit feedback: no rating column), [spark] on local[2]
    and ALS enabled, its spark extra installed (untimed); its snapshot taken unless `snapshot` is False.
    `models`: the [models.*] sections but random's and ALS's, instead of the template's. With `spark` False,
    no [spark], no ALS and no spark extra: the in-process project."""
    _, project = bench.bake("task=recommendation")
    bench.environment_into(project)
    if spark:
        extra = ["uv", "pip", "install", "--quiet", "--python", str(VENV / "bin" / "python"), "-e", ".[spark]"]
        bench.run(extra, project)
    log = bench.workdir / name
    if not log.exists():
        generator = [str(project / VENV / "bin" / "python"), "data/sample/make_movies.py", *generated]
        bench.run([*generator, "--output", str(log)], project)
    set_setting(project, "source =", f"source = {json.dumps(str(log / 'interactions.csv'))}")
    set_setting(project, "items =", f"items = {json.dumps(str(log / 'movies.csv'))}")
    set_setting(project, "rating =", "# rating: none, so ALS learns from implicit feedback")
    config = project / "config.toml"
    text = config.read_text()
    kept = text[: text.index("\n[models.rules]\n") + 1] + models if models else text[: text.index("\n[spark]\n") + 1]
    config.write_text(kept + (SPARK_SETTINGS if spark else ""))
    if snapshot:
        bench.run(["make", "data"], project)
    return project


def record_models(bench: Bench, project: Path, memory: TreeMemory, steps: list[Step], models: dict[str, str]) -> None:
    """Per model (label -> the model's name): training seconds and peak memory (Python and JVM), ndcg@10."""
    records = [json.loads(line) for line in (project / BUILD_LOG).read_text().splitlines()][-len(steps) :]
    for label, model in models.items():
        train = next(r for r in records if r["step"] == "train" and r["args"][-1] == f"models/{model}.joblib")
        bench.record(f"{label}: train", train["seconds"])
        bench.record(f"{label}: train peak RSS, Python + JVM", memory.peak_mb(*surely_running(train)), "MB")
        scored = json.loads((project / "reports" / "metrics" / f"{model}.json").read_text())["metrics"]
        bench.record(f"{label}: ndcg@10", scored["ndcg_at_k"], "")
    scoring = sum(s.seconds for s in steps if s.name.startswith("evaluate "))
    bench.record("scoring every test user (evaluate steps)", scoring)


def surely_running(step: dict) -> tuple[float, float]:
    """The Unix times between which a build log's step surely ran: its finished_at is cut to the second, so from
    1 s after it less the step's seconds, to it (a wider window takes in the end of the step before)."""
    from datetime import datetime

    end = datetime.fromisoformat(step["finished_at"]).timestamp()
    return end + 1 - step["seconds"], end


def spark_medium(bench: Bench) -> None:
    """Scipy item-KNN vs Spark item-KNN vs ALS on local[2], on the medium log.

    The medium log is 100,000 users x 10,000 items, about 2.5M interactions: each model's training time, peak
    memory (Python and JVM) and ndcg@10."""
    project = spark_project(bench, MEDIUM_LOG, "movies-medium")
    # one step at a time (the Makefile runs a job per core): each step's memory is its own
    timing, memory = run_watched(bench, ["make", "-j1"], project)
    steps = build_log(project)
    show_steps(steps)
    bench.record("medium log: make, snapshot to report (scipy KNN, ALS)", timing)
    record_models(bench, project, memory, steps, {"scipy item-KNN": "knn", "ALS on local[2]": "als"})
    set_setting(project, "shrinkage =", 'shrinkage = 10.0\nengine = "spark"')
    timing, memory = run_watched(bench, ["make", "-j1"], project)
    steps = build_log(project)[len(steps) :]
    show_steps(steps)
    record_models(bench, project, memory, steps, {"Spark item-KNN on local[2]": "knn"})


def spark_larger(bench: Bench) -> None:
    """The larger log (10M interactions) from the source to the report: in-process, then all on Spark.

    400,000 users x 10,000 items, `make` one step at a time, each step's seconds and the peak memory of its
    whole process tree (Python, and Spark's JVM). In-process: the template's progression with item-KNN on
    100 neighbours (no grid). On Spark: the data steps as Spark jobs ([data] engine = "spark") and ALS beside
    random and popularity; Spark item-KNN is left out (1,320 s on the medium log, about four times the
    pairs here)."""
    project = spark_project(bench, LARGER_LOG, "movies-larger", LARGER_IN_PROCESS, snapshot=False, spark=False)
    record_larger(bench, project, "10M in-process", {"random": "random", "popularity": "rules", "item-KNN": "knn"})
    project = spark_project(bench, LARGER_LOG, "movies-larger", LARGER_RULES, snapshot=False)
    set_setting(project, '# engine = "spark"            # snapshot', 'engine = "spark"')
    record_larger(bench, project, "10M on Spark", {"random": "random", "popularity": "rules", "ALS": "als"})


def record_larger(bench: Bench, project: Path, label: str, models: dict[str, str]) -> None:
    """`make` in `project` from its source, watched: the whole run, each step, and each model's ndcg@10."""
    timing, memory = run_watched(bench, ["make", "-j1"], project)
    bench.record(f"{label}: make, source to report", timing)
    for record in (json.loads(line) for line in (project / BUILD_LOG).read_text().splitlines()):
        model = [Path(arg).stem for arg in record["args"] if arg.endswith(".joblib")]
        name = " ".join([record["step"], *model])
        bench.record(f"  {name}", record["seconds"])
        if record["seconds"] >= 2:  # a shorter step falls between the build log's whole-second stamps
            bench.record(f"  {name}: peak RSS", memory.peak_mb(*surely_running(record)), "MB")
    bench.record(f"{label}: largest step peak RSS", memory.peak_mb(0, time.time()), "MB")
    for shown_as, model in models.items():
        scored = json.loads((project / "reports" / "metrics" / f"{model}.json").read_text())["metrics"]
        bench.record(f"{label}: {shown_as} ndcg@10", scored["ndcg_at_k"], "")


def spark_data(bench: Bench) -> None:
    """The data steps on Spark ([data] engine = "spark", local[2]) on the 10M log: each step's time and peak RSS.

    Snapshot, cleanup and the per-user split, each a Spark job writing a Parquet folder; the memory is the
    step's whole process tree (Python and the driver's JVM, which is also the executor on local[2])."""
    log = [*LARGER_LOG[:-1], str(bench.spark_interactions)]
    project = spark_project(bench, log, f"movies-{bench.spark_interactions}", snapshot=False)
    set_setting(project, '# engine = "spark"            # snapshot', 'engine = "spark"')
    timing, memory = run_watched(bench, ["make", "-j1", "split"], project)
    steps = [json.loads(line) for line in (project / BUILD_LOG).read_text().splitlines()]
    for step in (step for step in steps if step["step"] in ("data", "clean", "split")):
        bench.record(f"{bench.spark_interactions:,} interactions: {step['step']} on Spark", step["seconds"])
        bench.record(f"{step['step']} peak RSS, Python + JVM", memory.peak_mb(*surely_running(step)), "MB")
    bench.record("make split on Spark, from the source", timing)


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


def knn_step(bench: Bench, project: Path) -> Timing:
    """`make models/knn.joblib` from scratch, with the settings of config.toml as it is (made first, untimed)."""
    bench.run(["make", ".settings/settings.mk"], project)
    (project / "models" / "knn.joblib").unlink(missing_ok=True)
    return bench.run(["make", "models/knn.joblib"], project)


def grid_and_one_setting(bench: Bench, project: Path) -> tuple[Timing, Timing]:
    """The `train knn` step with the [models.knn] grid of config.toml, then with one setting of it (K = 200,
    "history": no validation); config.toml is left as it was."""
    config = project / "config.toml"
    grid = config.read_text()
    with_grid = knn_step(bench, project)
    set_setting(project, "neighbors =", "neighbors = 200")
    set_setting(project, "direction =", 'direction = "history"')
    alone = knn_step(bench, project)
    config.write_text(grid)
    return with_grid, alone


def versus_implicit(bench: Bench) -> None:
    """The project beside `implicit` on the same split of the medium log (issue 23), rounds alternating: the
    similarity fit (K = 100; on a long-tailed log too), the `train knn` step with the default grid beside
    one implicit fit at the K it chose and beside the same step with that one setting (the two steps on the
    long-tailed log too), scoring every test user, in-process ALS (the project's default chooses alpha on
    validation: 3 fits to implicit's one); the min and median of the rounds, ndcg@10 beside each."""
    _, project = bench.bake("task=recommendation")
    bench.environment_into(project)
    log = bench.workdir / "movies-medium"
    if not log.exists():
        generator = [str(project / VENV / "bin" / "python"), "data/sample/make_movies.py", *MEDIUM_LOG]
        bench.run([*generator, "--output", str(log)], project)
    set_setting(project, "source =", f"source = {json.dumps(str(log / 'interactions.csv'))}")
    set_setting(project, "items =", f"items = {json.dumps(str(log / 'movies.csv'))}")
    bench.run(["make", "split"], project)
    harness = [str(project / VENV / "bin" / "python"), str(Path(__file__).parent / "versus_implicit.py")]
    step, single, rounds = [], [], []
    for round_number in range(bench.repeat):
        with_grid, alone = grid_and_one_setting(bench, project)
        step.append(with_grid)
        single.append(alone)
        last = round_number == bench.repeat - 1
        output = bench.run_output([*harness, module_of(project), *(["--ndcg"] if last else [])], project)
        rounds.append(json.loads(output.splitlines()[-1]))
    # figure -> who -> the rounds' [wall s, CPU s]
    taken = {
        figure: {who: [one["seconds"][figure][who] for one in rounds] for who in times}
        for figure, times in rounds[0]["seconds"].items()
    }
    # the step's CPU is not known: make's children hand the step to the warm server (tools/warm.py)
    taken["train knn step"] = {"project": [[timing.seconds, None] for timing in step]}
    taken["train knn step, one setting"] = {"project": [[timing.seconds, None] for timing in single]}
    seconds = {
        figure: {who: [wall for wall, _ in pairs] for who, pairs in times.items()} for figure, times in taken.items()
    }
    for figure, times in taken.items():
        for who, pairs in times.items():
            walls, cpus = [wall for wall, _ in pairs], [cpu for _, cpu in pairs if cpu is not None]
            cpu_note = f" (CPU median {statistics.median(cpus):.2f} s)" if cpus else ""
            say(f"    {figure}, {who}: min {min(walls):.2f} s, median {statistics.median(walls):.2f} s{cpu_note}")
    for model, scores in rounds[-1]["ndcg"].items():
        say(f"    ndcg@10 {model}: " + ", ".join(f"{who} {value:.4f}" for who, value in scores.items()))
    median = {
        figure: {who: statistics.median(taken) for who, taken in times.items()} for figure, times in seconds.items()
    }
    for figure in ("similarity fit", "similarity fit, long-tailed log", "scoring every test user", "ALS in-process"):
        ratio = median[figure]["project"] / median[figure]["implicit"]
        bench.record(f"vs implicit: {figure}, project / implicit", ratio, "x")
    for who in ("implicit", "project"):
        # the project's fit in process has no split to read, matrix to build or model to save, which the step
        # has with a grid or without: printed beside, judged by the step with one setting
        bench.record(
            f"vs implicit: train knn step / {who}'s one fit",
            median["train knn step"]["project"] / median["single fit, K = 200"][who],
            "x",
        )
    bench.record(
        "vs implicit: train knn step / the step with one setting",
        median["train knn step"]["project"] / median["train knn step, one setting"]["project"],
        "x",
    )
    long_tailed_step(bench, project, harness)
    bench.record("vs implicit: ALS in-process", median["ALS in-process"]["project"])
    bench.record("vs implicit: ALS in-process ndcg@10", rounds[-1]["ndcg"]["ALS"]["project"], "")
    knn = rounds[-1]["ndcg"]["item-KNN"]
    bench.record(
        "vs implicit: item-KNN ndcg@10 (K = 100), project - implicit",
        max(knn["project (candidate)"], knn["project (history)"]) - knn["implicit"],
        "",
    )


def long_tailed_step(bench: Bench, project: Path, harness: list[str]) -> None:
    """The `train knn` step with the default grid beside the same step with one setting (K = 200), on the
    long-tailed log (as interactions, no rating, no item table; the project's split of it), rounds
    alternating: the validation's cost where most of the 30,000 items had a handful of users."""
    log = bench.workdir / "long-tailed.csv"
    if not log.exists():
        bench.run([*harness, "--write-tail", str(log)], project)
    set_setting(project, "source =", f"source = {json.dumps(str(log))}")
    for line_start in ("rating =", "rating_kind =", "items =", "segment ="):
        set_setting(project, line_start, "")
    bench.run(["make", "split"], project)
    rounds = [grid_and_one_setting(bench, project) for _ in range(bench.repeat)]
    step, single = [with_grid.seconds for with_grid, _ in rounds], [alone.seconds for _, alone in rounds]
    for label, taken in (("train knn step", step), ("train knn step, one setting", single)):
        say(f"    long-tailed log, {label}: min {min(taken):.2f} s, median {statistics.median(taken):.2f} s")
    bench.record(
        "vs implicit: long-tailed log, train knn step / the step with one setting",
        statistics.median(step) / statistics.median(single),
        "x",
    )


# --- The API (issue 10): a bounded loopback load test of a running `make serve` -------------------------

SERVE_REQUESTS = 1000  # per concurrency level: a fixed number of requests, then stop
SERVE_CLIENTS = (1, 8, 32)
SERVE_STARTUP_SECONDS = 300  # the first `make serve` installs the serve extra into the project's .venv


@dataclass(frozen=True)
class Load:
    """What a fixed number of requests measured: requests per second and latency percentiles (ms)."""

    per_second: float
    p50: float
    p95: float
    p99: float


def percentiles(latencies: list[float]) -> tuple[float, float, float]:
    """p50, p95 and p99 of `latencies` (seconds), in milliseconds."""
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


async def load_test(url: str, requests: list[httpx.Request], clients: int) -> Load:
    """Send `requests` (in order, each once) with `clients` concurrent connections; every answer must be 200."""
    pending = iter(requests)
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:

        async def one_client() -> None:
            for request in pending:  # the clients share one iterator: the total is fixed
                start = time.perf_counter()
                answer = await client.send(request)
                latencies.append(time.perf_counter() - start)
                if answer.status_code != 200:
                    sys.exit(f"{request.method} {request.url} answered {answer.status_code}: {answer.text[:500]}")

        start = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        wall = time.perf_counter() - start
    return Load(len(requests) / wall, *percentiles(latencies))


def serving(bench: Bench, project: Path) -> tuple[subprocess.Popen, str]:
    """`make serve` in `project` on a free loopback port (the serve extra installed the first time), answering."""
    port = free_port()
    log = bench.workdir / f"serve-{port}.log"  # a file, not a pipe: a full pipe would stall the server's logging
    with open(log, "w") as output:
        server = subprocess.Popen(
            ["make", "serve", f"PORT={port}"],
            cwd=project,
            env=bench.environ,
            start_new_session=True,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVE_STARTUP_SECONDS
    while time.monotonic() < deadline and server.poll() is None:
        try:
            httpx.get(f"{url}/health", timeout=1).raise_for_status()
            return server, url
        except httpx.TransportError:
            time.sleep(0.5)
    stop_serving(server)
    sys.exit(f"`make serve` did not answer in {project}:\n{log.read_text()[-3000:]}")


def stop_serving(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)  # make and the server it started
    server.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def example_row(url: str) -> dict:
    """A request row from the API's own schema: each column's example (its training median or commonest value)."""
    schema = httpx.get(f"{url}/openapi.json").json()
    return {name: field["examples"][0] for name, field in schema["components"]["schemas"]["Row"]["properties"].items()}


def sample_users(project: Path, count: int) -> list[str]:
    """Up to `count` distinct users of the recommendation sample, in file order."""
    with open(project / "data" / "sample" / "interactions.csv", newline="") as file:
        users = dict.fromkeys(row["user"] for row in csv.DictReader(file))
    return list(users)[:count]


def record_load(bench: Bench, label: str, requests: list[httpx.Request], url: str) -> dict[int, Load]:
    loads = {}
    for clients in SERVE_CLIENTS:
        load = asyncio.run(load_test(url, requests, clients))
        loads[clients] = load
        say(
            f"    {label}, {clients:2d} clients: {load.per_second:6.0f} req/s  p50 {load.p50:6.1f} ms  "
            f"p95 {load.p95:6.1f} ms  p99 {load.p99:6.1f} ms"
        )
    return loads


def serve(bench: Bench) -> None:
    """The JSON API on loopback (client and server on the same cores): single-row /predict (knn) on the sample
    project and /recommend/{user} (item-KNN) on the movie sample, at 1, 8 and 32 concurrent clients."""
    project = bench.built_sample_project()
    server, url = serving(bench, project)
    try:
        body = {"rows": [example_row(url)], "model": "knn"}
        requests = [httpx.Request("POST", f"{url}/predict", json=body) for _ in range(SERVE_REQUESTS)]
        loads = record_load(bench, "POST /predict (knn)", requests, url)
    finally:
        stop_serving(server)
    bench.record("serve: POST /predict (knn), 8 clients, p95", loads[8].p95, "ms")
    _, recommender = bench.bake("task=recommendation")
    bench.environment_into(recommender)
    bench.run([*INVOKE, "all"], recommender)
    users = sample_users(recommender, SERVE_REQUESTS)
    server, url = serving(bench, recommender)
    try:
        requests = [
            httpx.Request("GET", f"{url}/recommend/{users[n % len(users)]}", params={"k": 10, "model": "knn"})
            for n in range(SERVE_REQUESTS)
        ]
        loads = record_load(bench, "GET /recommend/{user} (item-KNN)", requests, url)
    finally:
        stop_serving(server)
    best = max(loads.values(), key=lambda load: load.per_second)
    bench.record("serve: GET /recommend/{user} (item-KNN), best req/s", best.per_second, "req/s")


def mutation_scores(bench: Bench) -> None:
    """`make mutants` in a fresh classification bake: the share of mutants of the pipeline code that its
    tests kill, per module and overall (issue 15). Slow (the better part of an hour on 2 cores): opt-in."""
    _, project = bench.bake()
    bench.environment_into(project)
    bench.run(["make", "mutants"], project)
    record_mutation_scores(bench, project, "mutants killed")


def sampled_mutation_scores(bench: Bench) -> None:
    """`make mutants` over the fixed seeded sample of mutants in mutants-sample/ (12% of each module's, at least
    12: 535 of 3,972 when drawn) in a classification and a recommendation bake, with one mutmut worker: the
    figures MUTANTS.md gives. Opt-in: up to an hour per project on 2 cores."""
    for task in ("classification", "recommendation"):
        _, project = bench.bake(f"task={task}")
        bench.environment_into(project)
        names = (SAMPLED_MUTANTS / f"{task}.txt").read_text(encoding="utf-8").split()
        # Mutant names start with the package's; the lists leave it out, so any project name fits.
        mutants = " ".join(f"{module_of(project)}.{name}" for name in names)
        bench.run(["make", "mutants", f"MUTANTS={mutants}", "MUTMUT_JOBS=1"], project)
        record_mutation_scores(bench, project, f"{task} sample, mutants killed")


def record_mutation_scores(bench: Bench, project: Path, label: str) -> None:
    """Record the table `make mutants` ends with, printed again here from mutmut's results folder."""
    table = bench.run_output([str(project / VENV / "bin" / "python"), "tools/mutation_score.py", "mutants"], project)
    for line in table.splitlines():
        module, killed, _, checked, _, percent = line.split()
        bench.record(f"{label}: {module} ({killed} of {checked})", float(percent.rstrip("%")), "%")


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
    "warm-vs-cold": warm_versus_cold,
    "bootstrap": bootstrap,
    "recommendation": recommendation_medium,
    "versus-implicit": versus_implicit,
    "serve": serve,
    "spark": spark_medium,
    "spark-larger": spark_larger,
    "spark-data": spark_data,
    "mutants": mutation_scores,
    "mutants-sample": sampled_mutation_scores,
}
# Sections run only when named with --only: they take far longer than the others.
OPT_IN = {"mutants", "mutants-sample", "spark-data", "spark-larger", "warm-vs-cold"}


def table(figures: list[Figure]) -> str:
    rows = [("section", "figure", "measured", "goal", "status", "CPU", "load")]
    for f in figures:
        goal = f"{'≥' if f.name in AT_LEAST else '≤'} {f.goal:g} {f.unit}" if f.goal is not None else ""
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
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        metavar="SECTION",
        help=f"run only this section (again for more): {', '.join(SECTIONS)}; "
        f"{', '.join(sorted(OPT_IN))} run only when named",
    )
    parser.add_argument("--repeat", type=int, default=3, help="rounds to take the median of, where cheap")
    parser.add_argument("--rows", type=int, default=LARGE_ROWS, help="rows of the large CSV")
    parser.add_argument(
        "--spark-interactions", type=int, default=10_000_000, help="interactions in the spark-data section's log"
    )
    options = parser.parse_args()
    chosen = (
        [name for name in SECTIONS if name in options.only]
        if options.only
        else [name for name in SECTIONS if name not in OPT_IN]
    )
    with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
        bench = Bench(
            Path(workdir),
            newcomer_environment(uv_tools(Path(workdir))),
            options.repeat,
            options.rows,
            options.spark_interactions,
        )
        say(f"at start: {machine(bench.environ)}")
        for name in chosen:
            say(f"{name}: {inspect.getdoc(SECTIONS[name]).splitlines()[0]}")
            bench.section = name
            SECTIONS[name](bench)
        stop_warm_servers(Path(workdir))
        print(f"\nat end: {machine(bench.environ)}; medians of {options.repeat} where repeated")
    print("Each project has its own .venv built by its Makefile with uv (a warm cache); after the first,")
    print("one .venv is moved from project to project and refreshed by `make .venv/.installed`, untimed.\n")
    print(table(bench.figures))


if __name__ == "__main__":
    main()
