"""Friendly commands for the event: `invoke --list` shows them.

Each pipeline task asks make to build what is missing (the Makefile is the one
source of truth for the pipeline), then prints the result; `invoke sprint` keeps
the hackathon clock. Only the standard library, invoke and the project's own
standard-library modules (results, the sprint clock) are imported here, so these work
before the environment exists.
"""

import json
import shlex
import shutil
import sys
from datetime import datetime
from pathlib import Path

from invoke import Exit, task

# These modules are standard library only, so they are imported straight from src/.
ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))
from {{ cookiecutter.module_name }} import history, history_summary, results  # noqa: E402
from {{ cookiecutter.module_name }}.models.registry import BASELINE  # noqa: E402
from {{ cookiecutter.module_name }}.sprint.checklist import SprintError  # noqa: E402
from {{ cookiecutter.module_name }}.sprint.command import invoke_sprint  # noqa: E402

METRICS = Path("reports/metrics")
LEADERBOARD = Path("reports/leaderboard.md")
REPORT = Path("reports/REPORT.html")
SNAPSHOT = Path("data/raw/snapshot.json")
SUBMITTED = Path("reports/submission.json")
HISTORY = Path("reports/history.jsonl")


def make(c, *targets: str) -> None:
    """Run make on `targets`; the Makefile runs independent steps side by side (and alone, the
    commands that talk as they run: a server, the tests). Say how to get make if it is missing."""
    executable = shutil.which("make")
    if executable is None:
        raise Exit(
            "make is not installed: get it with `sudo apt install make` (Debian, Ubuntu), "
            "`xcode-select --install` (macOS) or WSL (Windows), then run this again."
        )
    # On a terminal, make runs on one too (a pseudo-terminal), so the steps can show progress bars.
    c.run(shlex.join([executable, *targets]), pty=sys.stdout.isatty())


def score_line(model: str) -> str:
    """One line with a model's primary score and, when known, its lift over the baseline."""
    result = json.loads((METRICS / f"{model}.json").read_text())
    baseline_file = METRICS / f"{BASELINE}.json"
    baseline = json.loads(baseline_file.read_text()) if baseline_file.exists() else None
    return f"{results.headline(result, baseline)}  [{METRICS / model}.json]"


def build_and_score(c, target: str, model: str) -> None:
    make(c, target)
    print("\n" + score_line(model))


@task
def fetch(c):
    """Fetch the data source again (a database or an API changed); the next build starts from it."""
    make(c, "fetch")
    snapshot = json.loads(SNAPSHOT.read_text())
    print(
        f"\nsnapshot: {snapshot['rows']} rows, {snapshot['columns']} columns from {snapshot['source']} "
        f"at {snapshot['taken_at']}  [{SNAPSHOT}]"
    )


@task(
    help={
        "models": "also what make built from the data (data/interim, data/processed, models/, reports/)",
        "force": "replace files a teammate pushed since your last push or pull",
    }
)
def push(c, models=False, force=False):
    """Upload data/raw/ to [storage] remote (the team bucket), checksummed."""
    make(c, "push", *(["WITH=models"] if models else []), *(["FORCE=1"] if force else []))


@task(help={"models": "also what a teammate built: make then has nothing to rebuild"})
def pull(c, models=False):
    """Download the team's data/raw/ from [storage] remote, checksummed; make treats it as fresh."""
    make(c, "pull", *(["WITH=models"] if models else []))


@task
def baseline(c):
    """Build the environment and the data, train the random baseline, print its score."""
    build_and_score(c, "baseline", BASELINE)


@task
def rules(c):
    """Train and score the rule-based model (its rule is printed as it trains)."""
    build_and_score(c, "rules", "rules")


@task
def knn(c):
    """Train and score KNN, with k chosen by cross-validation."""
    build_and_score(c, "knn", "knn")


@task
def leaderboard(c):
    """Build what is missing, then print the leaderboard."""
    make(c, "leaderboard")
    print("\n" + LEADERBOARD.read_text())


@task(name="all")
def all_(c):
    """Build everything (all models, figures, report) and print the leaderboard."""
    make(c, "all")
    print("\n" + LEADERBOARD.read_text())
    print(f"The report, figures included: {REPORT.resolve().as_uri()}")


@task
def submit(c):
    """Predict for [submit] source with the chosen model: reports/submission.csv (see config.toml)."""
    make(c, "submit")
    submitted = json.loads(SUBMITTED.read_text())
    print(f"\n{results.submitted(submitted)}  [{SUBMITTED.with_suffix('.csv')}]")


@task(name="history")
def history_(c):
    """Every scored run (reports/history.jsonl): each model's best runs and what they set differently."""
    print(history_summary.summary(history.read(HISTORY)))


@task
def report(c):
    """Draw the figures and write reports/REPORT.md and REPORT.html; print where the page is."""
    make(c, "report")
    print(f"\nThe report, figures included: {REPORT.resolve().as_uri()}")


{% if cookiecutter.task == 'recommendation' -%}
@task(
    help={
        "user": "the user's id, as in the [data] user column (e.g. u00042)",
        "model": "only this model (random, rules, knn); default: every model",
        "k": "how many items each model recommends; default: [evaluate] k",
    }
)
def recommend(c, user, model=None, k=None):
    """Print one user's history (their training interactions) and each model's top k for them."""
    targets = ["recommend", f"FOR_USER={user}"]
    if model:
        targets.append(f"MODEL={model}")
    if k:
        targets.append(f"K={k}")
    make(c, *targets)


{% endif -%}
@task
def explore(c):
    """Open notebooks/01-explore.ipynb in Jupyter (installs Jupyter the first time)."""
    make(c, "explore")


@task
def demo(c):
    """Start the demo app on http://127.0.0.1:8501 (installs Streamlit the first time)."""
    if not Path("app.py").is_file():
        raise Exit(
            "this project has no demo app (it was made with demo_app=none); `invoke report` shows the results"
        )
    make(c, "demo")


@task(
    help={
        "host": "the address to listen on; 0.0.0.0 lets other machines call it (default: 127.0.0.1)",
        "port": "the port (default: 8000)",
        "model": "the model for requests that name none (default: the leaderboard's best)",
        "max_body": "the largest request body accepted, e.g. 20MB (default: 10MB; larger is a 413)",
    }
)
def serve(c, host="127.0.0.1", port=8000, model=None, max_body=None):
    """Serve the models as a JSON API, docs at /docs (installs FastAPI the first time)."""
    make(c, "leaderboard")  # what is missing is built side by side; the server then talks as it runs
    targets = ["serve", f"HOST={host}", f"PORT={port}"]
    if model:
        targets.append(f"MODEL={model}")
    if max_body:
        targets.append(f"MAX_BODY={max_body}")
    make(c, *targets)


@task
def ship(c):
    """Write ship/: the demo and the API with only what they need, for a hosting platform (see README)."""
    make(c, "ship")


@task
def test(c):
    """Run the project's tests."""
    make(c, "test")


@task
def lint(c):
    """Check the code with ruff."""
    make(c, "lint")


@task
def clean(c):
    """Delete intermediates, models and reports; the raw snapshot stays."""
    make(c, "clean")


@task(
    help={
        "start": "start the hackathon clock now (or at --at) and record it in .hackathon.json",
        "at": 'with --start: when it started, in local time, e.g. "2026-11-21 09:00" or 09:00',
        "tick": "tick item N of SPRINTS.md (numbered as this command shows them)",
        "untick": "untick item N",
    }
)
def sprint(c, start=False, at=None, tick=None, untick=None):
    """Where the team stands in SPRINTS.md: time left, the current section, its open items, warnings."""
    try:
        numbers = {name: item_number(name, value) for name, value in (("tick", tick), ("untick", untick))}
        print(invoke_sprint(ROOT, datetime.now().astimezone(), start=start, at=at, **numbers))
    except SprintError as error:
        raise Exit(f"error: {error}") from None


def item_number(option: str, value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isdigit():
        raise SprintError(f"--{option} takes an item number as `invoke sprint` lists it, e.g. --{option} 3")
    return int(value)
