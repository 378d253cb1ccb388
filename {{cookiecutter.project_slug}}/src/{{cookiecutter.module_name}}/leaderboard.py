"""Rank every scored model: reports/leaderboard.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .cli import run
from .files import read_json, write_text

BASELINE = "random"


def rank(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Best first, by the primary metric the results share."""
    metric, higher = results[0]["primary_metric"], results[0]["higher_is_better"]
    return sorted(results, key=lambda r: r["metrics"][metric], reverse=higher)


def lift(result: dict[str, Any], baseline: dict[str, Any] | None) -> str:
    """How much better than the random baseline, in the primary metric (positive is better)."""
    if baseline is None:
        return "n/a"
    if result is baseline:
        return "(baseline)"
    metric = result["primary_metric"]
    gain = result["metrics"][metric] - baseline["metrics"][metric]
    if not result["higher_is_better"]:
        gain = -gain
    base = abs(baseline["metrics"][metric])
    relative = f" ({gain / base:+.0%})" if base else ""
    return f"{gain:+.3f}{relative}"


def to_markdown(ranked: list[dict[str, Any]], heading: str = "# Leaderboard") -> str:
    """The leaderboard as a Markdown table with a line saying how it was ranked."""
    best = ranked[0]
    metric = best["primary_metric"]
    baseline = next((r for r in ranked if r["model"] == BASELINE), None)
    names = [metric, *(name for name in best["metrics"] if name != metric)]
    header = ["Rank", "Model", f"**{metric}**", *names[1:], "Lift over random"]
    lines = [
        heading,
        "",
        f"Models predicting `{best['target']}` ({best['task']}), scored on the same {best['n_test']} "
        f"held-out rows and ranked by **{metric}** ({'higher' if best['higher_is_better'] else 'lower'} "
        "is better). Lift is the gain in that metric over the random baseline: positive is better.",
        "",
        "| " + " | ".join(header) + " |",
        "|---:|---|" + "---:|" * (len(names) + 1),
    ]
    for position, result in enumerate(ranked, start=1):
        scores = [f"{result['metrics'][name]:.3f}" for name in names]
        lines.append(
            f"| {position} | {result['model']} | " + " | ".join(scores) + f" | {lift(result, baseline)} |"
        )
    return "\n".join(lines) + "\n"


def main(metrics: list[Path], output: Path) -> None:
    """Rank the models scored in METRICS (JSON files) into OUTPUT (Markdown)."""
    table = to_markdown(rank([read_json(path) for path in metrics]))
    write_text(table, output)
    print(table)


if __name__ == "__main__":
    run(main)
