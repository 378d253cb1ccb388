"""The scored models side by side: ranking, lift over the random baseline, the leaderboard table.

Standard library only: `invoke` prints scores with it before the environment exists.
"""

from __future__ import annotations

import math
from typing import Any

from .intervals import tied, versus
from .metrics import higher_is_better
from .models.registry import BASELINE, TASKS

Result = dict[str, Any]  # one reports/metrics/<model>.json

# What `model` may name besides a model ([submit], the API): the leaderboard's first, or the cheapest
# model that is good enough for the product ([leaderboard] good_enough, see `to_ship`).
BEST, GOOD_ENOUGH = "best", "good_enough"

# With bootstrapped scores (bootstrap.py), the leaderboard adds what they say.
SURE_HEADER = "Better than random? (95% interval of the gain)"
SURE_NOTE = (
    " In brackets, the 95% interval of each score from resampling the held-out units: a model whose"
    " interval overlaps the best one's is tied with it, and a model is better than random only when"
    " the whole interval of its gain is above zero."
)


def simplicity(result: Result) -> int:
    """The model's place in the progression (random < rules < knn ...): lower is simpler."""
    family = TASKS.get(result.get("task", ""))
    progression = list(family.models) if family else []
    return progression.index(result["model"]) if result["model"] in progression else len(progression)


def rank(results: list[Result]) -> list[Result]:
    """Best first, by the primary metric the results share; on a tie the simpler model first, so the
    leaderboard, submit, the API and the app all call the same model "best"."""
    metric = results[0]["primary_metric"]
    sign = -1 if higher_is_better(metric, results[0]["higher_is_better"]) else 1
    return sorted(results, key=lambda r: (sign * r["metrics"][metric], simplicity(r)))


def clears(result: Result, threshold: float) -> bool:
    """Whether the whole 95% interval of the primary metric (the score itself without one) is on the
    good side of `threshold`: at or above it, or at or below it for a lower-is-better metric."""
    metric = result["primary_metric"]
    score = result["metrics"][metric]
    low, high = result.get("intervals", {}).get(metric, [score, score])
    return low >= threshold if higher_is_better(metric, result["higher_is_better"]) else high <= threshold


def costs(result: Result) -> tuple[float | None, float | None]:
    """A model's prediction seconds per held-out row (user) and training seconds (evaluate.py measures
    them); None for one not measured (a step run by hand)."""
    measured = result.get("cost") or {}
    return measured.get("predict_seconds_per_unit"), measured.get("train_seconds")


def cost(result: Result) -> tuple[float, float, int]:
    """How costly a model is, for sorting: its prediction time per row first (the product pays it on
    every request), then its training seconds (paid on every build), then its place in the
    progression; a cost not measured counts as the highest."""
    per_row, train = costs(result)
    unknown = math.inf
    return (unknown if per_row is None else per_row, unknown if train is None else train, simplicity(result))


def cost_words(result: Result) -> str:
    """A model's cost as people read it: "12 µs a row to predict, 1.4 s to train"."""
    per_row, train = costs(result)
    predict = "prediction not timed" if per_row is None else f"{per_row * 1e6:.3g} µs a row to predict"
    return predict + ("" if train is None else f", {train:.3g} s to train")


def to_ship(results: list[Result], threshold: float | None) -> tuple[Result, str]:
    """The model to ship and why, in one sentence: the cheapest (`cost`) whose whole interval clears
    `threshold` ([leaderboard] good_enough); the best when none does or no threshold is set."""
    best = rank(results)[0]
    metric = best["primary_metric"]
    scored = f"{metric} {with_interval(best, metric)}"
    if threshold is None:
        return best, (
            f"Ship **{best['model']}**, the best ({scored}): set `[leaderboard] good_enough` in config.toml "
            "to ship the cheapest model that is good enough for the product instead."
        )
    bar = f"good_enough = {threshold:g}"
    clearing = [result for result in results if clears(result, threshold)]
    if not clearing:
        return best, (
            f"Ship **{best['model']}**, the best ({scored}): no model's whole 95% interval of {metric} "
            f"clears {bar}, so none is known to be good enough; lower the bar or improve a model."
        )
    chosen = min(clearing, key=cost)
    return chosen, (
        f"Ship **{chosen['model']}**: the cheapest model whose whole 95% interval of {metric} clears {bar} "
        f"({with_interval(chosen, metric)}; {cost_words(chosen)})."
    )


def chosen(results: list[Result], model: str, threshold: float | None = None) -> Result | None:
    """The scores of the model `model` names ([submit] model, the API's default): "best" the leaderboard's
    first, "good_enough" the one `to_ship` picks with `threshold`, else the model of that name (None if
    it has no scores)."""
    if model == BEST:
        return rank(results)[0]
    if model == GOOD_ENOUGH:
        return to_ship(results, threshold)[0]
    return next((result for result in results if result["model"] == model), None)


def baseline_of(results: list[Result]) -> Result | None:
    return next((r for r in results if r["model"] == BASELINE), None)


def gain(result: Result, baseline: Result) -> float:
    """How much better than the baseline in the primary metric: positive is better."""
    metric = result["primary_metric"]
    difference = result["metrics"][metric] - baseline["metrics"][metric]
    return difference if result["higher_is_better"] else -difference


def lift(result: Result, baseline: Result | None) -> str:
    """The gain over the random baseline, absolute and relative, as the leaderboard shows it."""
    if baseline is None:
        return "n/a"
    if result is baseline:
        return "(baseline)"
    base = abs(baseline["metrics"][result["primary_metric"]])
    relative = f" ({gain(result, baseline) / base:+.0%})" if base else ""
    return f"{gain(result, baseline):+.3f}{relative}"


def held_out(result: Result) -> str:
    """What the model was scored on: "67 held-out rows", "812 held-out users"."""
    return f"{result['n_test']} held-out {result.get('test_unit', 'rows')}"


def goal(result: Result) -> str:
    """What the models do, in words: "predicting species", "recommending item to each user"."""
    return result.get("goal") or f"predicting {result['target']}"


def headline(result: Result, baseline: Result | None) -> str:
    """One line with a model's primary score and, when there is a baseline, whether it beats it."""
    metric = result["primary_metric"]
    line = f"{result['model']}: {metric} = {with_interval(result, metric)} on {held_out(result)}"
    if baseline is not None and result["model"] != BASELINE:
        better = "better" if beats(result, baseline) else "NOT better"
        line += f" ({lift(result, baseline)} vs the random baseline: {better})"
    return line


def beats(result: Result, baseline: Result) -> bool:
    """Better than the baseline: the whole 95% interval of the gain above zero when both models were
    bootstrapped (intervals.py), else any gain."""
    compared = versus(result, baseline)
    return compared["better"] if compared else gain(result, baseline) > 0


def with_interval(result: Result, metric: str) -> str:
    """A score as the leaderboard shows it: "0.757 [0.681, 0.832]", the 95% interval when there is one."""
    score = f"{result['metrics'][metric]:.3f}"
    if metric not in result.get("intervals", {}):
        return score
    low, high = result["intervals"][metric]
    return f"{score} [{low:.3f}, {high:.3f}]"


def position(result: Result, place: int, best: Result) -> str:
    """The rank, with "(tied with 1)" when the model's interval overlaps the best one's."""
    return f"{place} (tied with 1)" if place > 1 and tied(result, best) else str(place)


def against_baseline(result: Result, baseline: Result | None) -> str:
    """Whether the model is better than random, and the 95% interval of its gain."""
    compared = versus(result, baseline) if baseline is not None and result is not baseline else None
    if compared is None:
        return "(baseline)" if result is baseline else "n/a"
    low, high = compared["difference"]
    return f"{'yes' if compared['better'] else 'no'}: [{low:+.3f}, {high:+.3f}]"


def at_k(result: Result) -> str:
    """ ", top 10 recommendations each" for a recommender's results, else nothing."""
    return f", top {result['k']} recommendations each" if "k" in result else ""


def to_markdown(ranked: list[Result], heading: str = "# Leaderboard", ship: str = "") -> str:
    """The leaderboard as a Markdown table with a line saying how it was ranked, and `ship` (which model
    to ship and why: `to_ship`) below it when given."""
    best = ranked[0]
    metric = best["primary_metric"]
    baseline = baseline_of(ranked)
    names = [metric, *(name for name in best["metrics"] if name != metric)]
    sure = any("intervals" in result for result in ranked)
    header = ["Rank", "Model", f"**{metric}**", *names[1:], "Lift over random"] + [SURE_HEADER] * sure
    lines = [
        heading,
        "",
        f"Models {goal(best)} ({best['task']}), scored on the same {held_out(best)}{at_k(best)} "
        f"and ranked by **{metric}** ({'higher' if best['higher_is_better'] else 'lower'} "
        "is better). Lift is the gain in that metric over the random baseline: positive is better."
        + (SURE_NOTE if sure else ""),
        "",
        *kept_rows_warning(best),
        "| " + " | ".join(header) + " |",
        "|---:|---|" + "---:|" * (len(names) + 1 + sure),
    ]
    for place, result in enumerate(ranked, start=1):
        cells = [position(result, place, best), result["model"], *(with_interval(result, n) for n in names)]
        cells += [lift(result, baseline)] + [against_baseline(result, baseline)] * sure
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", ship] if ship else []
    return "\n".join(lines) + "\n"


def kept_rows_warning(result: Result) -> list[str]:
    """The leaderboard's warning (and a blank line) when cleanup kept rows unlike those it removed."""
    if not result.get("kept_rows_warning"):
        return []
    share, warning = result["rows_kept_share"], result["kept_rows_warning"]
    return [f"**Warning:** cleanup kept {share:.0%} of the rows; {warning}", ""]


def submitted(submission: Result) -> str:
    """The line `make submit` and `invoke submit` end with (reports/submission.json): rows, model, score."""
    return (
        f"submission: {submission['rows']} rows predicted by {submission['model']} "
        f"({submission['primary_metric']} {submission['score']:.3f} on {submission['held_out']})"
    )
