"""The results in one page for the team and the judges: reports/REPORT.md.

What the data was and what cleanup removed, the leaderboard, what each model
learned (the rule, the chosen KNN settings) and the figures. It is rebuilt
whenever a metric, a figure or the cleanup changes; the same run turns it into
a single HTML file (report_html.py), REPORT.html.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import history, history_summary
from .cli import run
from .curves import learning_reading, reading
from .files import REPORT_FIGURES, read_json, write_text
from .report_html import to_html
from .results import goal, held_out, rank, to_markdown, to_ship, with_interval


def cleanup_section(cleanup: dict[str, Any]) -> list[str]:
    """The rows and columns before and after cleanup, what each step removed, and the warnings."""
    lines = [
        "## Data",
        "",
        f"{cleanup['rows_before']} rows and {cleanup['columns_before']} columns in the raw snapshot; "
        f"{cleanup['rows_after']} rows and {cleanup['columns_after']} columns after cleanup "
        f"({cleanup['rows_before'] - cleanup['rows_after']} rows removed).",
        "",
        sample_line(cleanup.get("sample")),
        "",
        *(line for warning in cleanup["warnings"] for line in (f"**Warning:** {warning}", "")),
        "| Cleanup step | Rows removed | Columns removed | Note |",
        "|---|---:|---|---|",
    ]
    for step in cleanup["steps"]:
        columns = ", ".join(step["columns_removed"]) or "none"
        note = step["note"].replace("|", "\\|")  # a stray value from the data may hold a pipe
        lines.append(f"| {step['name']} | {step['rows_removed']} | {columns} | {note} |")
    return lines


def sample_line(sample: float | None) -> str:
    """Whether the models saw every row or a sample, as `[data] sample` in config.toml says."""
    if sample is None:
        return "Built on every row of the snapshot (no `[data] sample`)."
    share = f"{sample:.0%} of the rows" if isinstance(sample, float) else f"{sample} rows"
    return (
        f"**Built on a seeded sample: {share}** (`[data] sample = {sample}`); "
        "remove the setting to build on every row."
    )


def features_section(features: dict[str, Any]) -> list[str]:
    """The columns the models learn from, and those left out and why."""
    lines = [f"The models learn from {len(features['features'])} columns: {', '.join(features['features'])}."]
    if features["removed"]:
        left_out = ", ".join(f"{name} ({reason})" for name, reason in features["removed"].items())
        lines.append(f"Not used as features: {left_out}. `[features] keep_columns` keeps an id or free text.")
    return ["", " ".join(lines)]


def model_section(result: dict[str, Any]) -> list[str]:
    """What one model learned, and the picture of its errors."""
    return [
        f"### {result['model']}",
        "",
        "```text",
        result.get("learned", "(not recorded)"),
        "```",
        "",
        f"![{result['model']}: on the test set]({REPORT_FIGURES}/{result['model']}.png)",
        "",
        *validation_lines(result),
    ]


def cross_validation_section(ranked: list[dict[str, Any]]) -> list[str]:
    """With [evaluate] folds, each model's held-out score beside its scores over folds of its training
    rows."""
    checked = [result for result in ranked if result.get("cross_validation")]
    if not checked:
        return []
    metric = checked[0]["cross_validation"]["metric"]
    lines = [
        "## Cross-validation",
        "",
        f"Each model fitted again on all folds of its training rows but one and scored on that one "
        f"(`[evaluate] folds`): how far {metric} moves from one split of the data to another.",
        "",
        f"| Model | held-out {metric} | mean ± spread over the folds | lowest – highest fold |",
        "|---|---:|---:|---:|",
    ]
    for result in checked:
        folds = result["cross_validation"]
        spread = f"{folds['mean']:.3f} ± {folds['spread']:.3f} ({folds['folds']} folds, {folds['rows']} rows)"
        extremes = f"{min(folds['scores']):.3f} – {max(folds['scores']):.3f}"
        lines.append(f"| {result['model']} | {with_interval(result, metric)} | {spread} | {extremes} |")
    return [*lines, ""]


def learning_section(curves: list[dict[str, Any]]) -> list[str]:
    """Whether more data would help each model, and the learning curves."""
    if not curves:
        return []
    readings = " ".join(learning_reading(curve) for curve in curves)
    figure = f"![Learning curves]({REPORT_FIGURES}/learning-curve.png)"
    return ["## Would more data help?", "", readings, "", figure, ""]


def validation_lines(result: dict[str, Any]) -> list[str]:
    """For a grid-searched model, the one-line reading of its validation curve and the curve."""
    curve = result.get("validation_curve")
    if not curve:
        return []
    figure = f"{REPORT_FIGURES}/{result['model']}-validation.png"
    picture = f"![{result['model']}: validation curve]({figure})"
    return [f"Validation curve: {reading(curve)}", "", picture, ""]


def to_report(
    cleanup: dict[str, Any],
    features: dict[str, Any],
    results: list[dict[str, Any]],
    runs: Sequence[dict[str, Any]] = (),
    curves: Sequence[dict[str, Any]] = (),
    good_enough: float | None = None,
) -> str:
    """The report's Markdown; `runs` (reports/history.jsonl) add the score over time, `curves`
    (reports/learning/) whether more data would help, `good_enough` ([leaderboard]) which model to ship."""
    ranked = rank(results)
    best = ranked[0]
    lines = [
        f"# Report: {goal(best)} ({best['task']})",
        "",
        f"Best model: **{best['model']}**, {best['primary_metric']} = "
        f"{with_interval(best, best['primary_metric'])} on {held_out(best)}.",
        "",
        to_ship(results, good_enough)[1],
        "",
        *cleanup_section(cleanup),
        *features_section(features),
        "",
        to_markdown(ranked, heading="## Leaderboard"),
        f"![Leaderboard]({REPORT_FIGURES}/leaderboard.png)",
        "",
        f"![Score against cost]({REPORT_FIGURES}/cost.png)",
        "",
        "## What each model learned",
        "",
    ]
    for result in ranked:
        lines += model_section(result)
    lines += cross_validation_section(ranked)
    lines += learning_section(list(curves))
    lines += history_summary.over_time(list(runs))
    return "\n".join(lines)


def main(
    settings: Path,
    cleanup: Path,
    features: Path,
    learning: Path,
    metrics: list[Path],
    output: Path,
    page: Path,
) -> None:
    """Write OUTPUT (Markdown) from the CLEANUP summary, the split's FEATURES, the learning curves in the
    folder LEARNING, every model's METRICS and SETTINGS' good_enough threshold (the model to ship); then
    PAGE, the same as one HTML file with its figures embedded."""
    results = [read_json(path) for path in metrics]
    curves = [read_json(path) for r in results if (path := learning / f"{r['model']}.json").is_file()]
    # The run history, when make names it (see history.py): read, never a prerequisite.
    runs = history.read(Path(os.environ[history.VARIABLE])) if history.VARIABLE in os.environ else []
    good_enough = read_json(settings).get("good_enough")
    write_text(to_report(read_json(cleanup), read_json(features), results, runs, curves, good_enough), output)
    print(f"report: {len(results)} models -> {output}")
    # Rendered from the file as written, as a reader of REPORT.md sees it (newlines read the same way).
    write_text(to_html(output.read_text(encoding="utf-8"), output.parent), page)
    print(f"report: {page} (open it in a browser)")


if __name__ == "__main__":
    run(main)
