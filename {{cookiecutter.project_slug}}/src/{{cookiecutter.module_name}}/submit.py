"""Predict for an unlabeled source and write the submission: reports/submission.csv (`make submit`).

Reads the snapshot of `[submit] source` (data/raw/submit.parquet, taken by the data step), the
training rows and the chosen model (`[submit] model`: a model's name, "best", the leaderboard's
best by its held-out score, or "good_enough", the model the leaderboard says to ship). The task says
what a prediction is (tasks/: a label, one probability per class, or a user's top k). The submission
is checked before it is written, atomically: one row per source row in the source's order, the same
ids, no missing prediction, the configured columns.
Beside it, reports/submission.json says what was submitted, for `invoke submit`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import joblib
import pandas as pd

from . import tasks
from .cli import run
from .errors import StepError
from .files import atomic_path, read_json, write_json
from .results import Result, chosen, held_out, submitted
from .tasks import strip_column_names


def chosen_result(results: list[Result], model: str, threshold: float | None = None) -> Result:
    """The scores of the model `[submit] model` names (results.chosen: "best", "good_enough" by
    `threshold`, or a model's name)."""
    found = chosen(results, model, threshold)
    if found is None:
        raise StepError(f"[submit] model {model!r} has no scores: run `make {model}` first")
    return found


def source_ids(rows: pd.DataFrame, id_column: str) -> pd.Series:
    """The source's id column; a missing column or a repeated id is an error in one line."""
    if id_column not in rows.columns:
        raise StepError(
            f"[submit] id {id_column!r} is not a column of [submit] source; it has: "
            f"{', '.join(map(str, rows.columns))}"
        )
    ids = rows[id_column]
    repeated = ids[ids.duplicated()]
    if len(repeated):
        raise StepError(
            f"[submit] id column {id_column!r} repeats {repeated.iloc[0]!r} ({len(repeated)} repeat(s)): "
            "a submission needs one row per id; remove the repeats from [submit] source"
        )
    return ids


def expected_columns(settings: Mapping[str, Any], model: Any) -> list[str]:
    """The submission's columns: the id, then the prediction column or (probabilities) one per class."""
    if settings.get("probabilities"):
        return [settings["id"], *map(str, model.classes_)]
    return [settings["id"], settings["column"]]


def check_submission(submission: pd.DataFrame, ids: pd.Series, columns: list[str]) -> None:
    """Stop before writing a submission that a judge would reject: wrong columns, rows or ids, a gap."""
    if list(submission.columns) != columns:
        raise StepError(f"the submission's columns are {list(submission.columns)}, not {columns}")
    if len(submission) != len(ids):
        raise StepError(f"the submission has {len(submission)} rows for {len(ids)} source rows")
    if not submission[columns[0]].reset_index(drop=True).equals(ids.reset_index(drop=True)):
        raise StepError("the submission's ids differ from the source's (or their order does)")
    gaps = submission[columns[1:]].isna().any(axis=1)
    if gaps.any():
        raise StepError(
            f"{int(gaps.sum())} row(s) of the submission have no prediction, e.g. id "
            f"{submission.loc[gaps, columns[0]].iloc[0]!r}"
        )


def main(settings: Path, source: Path, train: Path, models: Path, output: Path, metrics: list[Path]) -> None:
    """Write OUTPUT (CSV) from SOURCE's rows with the [submit] model (from MODELS, scored in METRICS)."""
    values = read_json(settings)
    result = chosen_result([read_json(path) for path in metrics], values["model"], values.get("good_enough"))
    model = joblib.load(models / f"{result['model']}.joblib")
    rows = strip_column_names(pd.read_parquet(source))
    ids = source_ids(rows, values["id"])
    predict = tasks.load(values["task"], "submit").submission
    submission, notes = predict(model, rows, pd.read_parquet(train), values)
    check_submission(submission, ids, expected_columns(values, model))
    for note in notes:
        print(f"  {note}")
    with atomic_path(output) as temporary:
        submission.to_csv(temporary, index=False)
    metric = result["primary_metric"]
    described = {
        "rows": len(submission),
        "model": result["model"],
        "primary_metric": metric,
        "score": result["metrics"][metric],
        "held_out": held_out(result),
        "notes": notes,
    }
    write_json(described, output.with_suffix(".json"))
    print(f"{submitted(described)} -> {output}")


if __name__ == "__main__":
    run(main)
