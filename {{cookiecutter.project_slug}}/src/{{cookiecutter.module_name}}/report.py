"""The results in one page for the team and the judges: reports/REPORT.md.

What the data was and what cleanup removed, the leaderboard, what each model
learned (the rule, the chosen KNN settings) and the figures. It is rebuilt
whenever a metric, a figure or the cleanup changes; report_html.py turns it
into a single HTML file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .cli import run
from .files import read_json, write_text
from .results import goal, held_out, rank, to_markdown

FIGURES = "figures"  # beside REPORT.md


def cleanup_section(cleanup: dict[str, Any]) -> list[str]:
    """The rows and columns before and after cleanup, and what each step removed."""
    lines = [
        "## Data",
        "",
        f"{cleanup['rows_before']} rows and {cleanup['columns_before']} columns in the raw snapshot; "
        f"{cleanup['rows_after']} rows and {cleanup['columns_after']} columns after cleanup "
        f"({cleanup['rows_before'] - cleanup['rows_after']} rows removed).",
        "",
        "| Cleanup step | Rows removed | Columns removed |",
        "|---|---:|---|",
    ]
    for step in cleanup["steps"]:
        columns = ", ".join(step["columns_removed"]) or "none"
        lines.append(f"| {step['name']} | {step['rows_removed']} | {columns} |")
    return lines


def model_section(result: dict[str, Any]) -> list[str]:
    """What one model learned, and the picture of its errors."""
    return [
        f"### {result['model']}",
        "",
        "```text",
        result.get("learned", "(not recorded)"),
        "```",
        "",
        f"![{result['model']}: on the test set]({FIGURES}/{result['model']}.png)",
        "",
    ]


def to_report(cleanup: dict[str, Any], results: list[dict[str, Any]]) -> str:
    ranked = rank(results)
    best = ranked[0]
    lines = [
        f"# Report: {goal(best)} ({best['task']})",
        "",
        f"Best model: **{best['model']}**, {best['primary_metric']} = "
        f"{best['metrics'][best['primary_metric']]:.3f} on {held_out(best)}.",
        "",
        *cleanup_section(cleanup),
        "",
        to_markdown(ranked, heading="## Leaderboard"),
        f"![Leaderboard]({FIGURES}/leaderboard.png)",
        "",
        "## What each model learned",
        "",
    ]
    for result in ranked:
        lines += model_section(result)
    return "\n".join(lines)


def main(cleanup: Path, metrics: list[Path], output: Path) -> None:
    """Write OUTPUT (Markdown) from the CLEANUP summary and the METRICS of every model."""
    results = [read_json(path) for path in metrics]
    write_text(to_report(read_json(cleanup), results), output)
    print(f"report: {len(results)} models -> {output}")


if __name__ == "__main__":
    run(main)
