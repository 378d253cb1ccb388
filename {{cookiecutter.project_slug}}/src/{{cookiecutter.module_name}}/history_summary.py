"""The run history in words: each model's best runs and what they set differently (`invoke history`),
and the report's score over time. Standard library only, importing nothing of the package: tasks.py
uses it, and history.py checks a record's score with it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

SHOWN_RUNS = 5  # per model in `invoke history`
REPORTED_RUNS = 20  # the latest, in the report's table

Record = dict[str, Any]


def score(run: Record) -> float:
    """The run's primary metric; a TypeError when the record holds no number there."""
    value = run["metrics"][run["primary_metric"]]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"a score is a number, not {type(value).__name__}")
    return value


def best_first(runs: list[Record]) -> list[Record]:
    """The runs of one model, best score first (the latest first among equals)."""
    latest_first = sorted(runs, key=lambda run: run["time"], reverse=True)
    return sorted(latest_first, key=score, reverse=runs[0]["higher_is_better"])


def flat(values: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested settings as one level, "params.n_neighbors" for {"params": {"n_neighbors": ...}}."""
    flattened: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, Mapping):
            flattened |= flat(value, f"{prefix}{key}.")
        else:
            flattened[f"{prefix}{key}"] = value
    return flattened


def differences(run: Record, reference: Record) -> list[str]:
    """What `run` set differently from `reference`: its settings, its sample, its data, its commit."""
    mine = flat({**run["settings"], "sample": run.get("sample")})
    theirs = flat({**reference["settings"], "sample": reference.get("sample")})
    changed = [
        f"{key.removeprefix('params.')}={json.dumps(mine.get(key))} (not {json.dumps(theirs.get(key))})"
        for key in sorted(set(mine) | set(theirs))
        if mine.get(key) != theirs.get(key)
    ]
    if run.get("data_sha256") != reference.get("data_sha256"):
        changed.append("other data")
    if run.get("commit") != reference.get("commit"):
        changed.append(f"commit {run.get('commit')}")
    return changed


def when(run: Record) -> str:
    """The run's time as "2026-11-21 14:05" (UTC), the commit beside it when known."""
    shown = run["time"][:16].replace("T", " ")
    return f"{shown}{' @' + run['commit'] if run.get('commit') else ''}"


def by_model(runs: list[Record]) -> dict[str, list[Record]]:
    grouped: dict[str, list[Record]] = {}
    for run in runs:
        grouped.setdefault(run["model"], []).append(run)
    return grouped


def summary(runs: list[Record], shown: int = SHOWN_RUNS) -> str:
    """Each model's best runs, best first, and what each set differently from the model's best."""
    if not runs:
        return "no runs recorded yet: `invoke all` (or make) records one per model it scores"
    lines = []
    for model, own in by_model(runs).items():
        ranked = best_first(own)
        best = ranked[0]
        metric = best["primary_metric"]
        lines.append(f"{model}: {len(own)} run(s), best {metric} {score(best):.3f} ({when(best)})")
        for run in ranked[:shown]:
            changed = "best" if run is best else ", ".join(differences(run, best)) or "same settings"
            lines.append(f"  {score(run):.3f}  {when(run)}  {changed}")
    return "\n".join(lines)


def over_time(runs: list[Record], latest: int = REPORTED_RUNS) -> list[str]:
    """The report's section on the score over time: a table of the latest runs (none for fewer than 2)."""
    if len(runs) < 2:
        return []
    shown = runs[-latest:]
    lines = [
        "## Score over time",
        "",
        f"The latest {len(shown)} of {len(runs)} scored runs (reports/history.jsonl; `invoke history` "
        "compares their settings).",
        "",
        "| When (UTC) | Commit | Model | Metric | Score |",
        "|---|---|---|---|---:|",
    ]
    for run in shown:
        time, commit = run["time"][:16].replace("T", " "), run.get("commit") or ""
        lines.append(f"| {time} | {commit} | {run['model']} | {run['primary_metric']} | {score(run):.3f} |")
    return [*lines, ""]
