"""Score one saved model on the held-out test set: reports/metrics/<name>.json.

What it says about the test set (its predictions for the test rows, or each test user's top
k recommendations) goes to reports/predictions/<name>.parquet (reports/recommendations/ for
recommenders, as settings.mk says), so the figures are drawn without predicting again.

Beside the scores, what the model costs (`cost`): the seconds its prediction methods took per held-out
row (or user), and the seconds make's train step took for it, from the build log (cli.log_duration).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import joblib
import pandas as pd

from . import curves, history, metrics, models, tasks
from .cli import run
from .files import read_json, write_json, write_table

# The methods the tasks predict with: their seconds are the model's prediction time.
PREDICTING = ("predict", "predict_proba", "recommend")
# The build log's last bytes read for the training time: its latest train lines are at the end, and
# the log grows with every build.
LOG_TAIL_BYTES = 1 << 20


class Timed:
    """`model`, with the seconds spent in its prediction methods added up in `seconds`: the tasks'
    `evaluate` also scores and resamples, which is not what the model costs to run."""

    def __init__(self, model: Any) -> None:
        self.model, self.seconds = model, 0.0

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.model, name)
        if name not in PREDICTING:
            return found

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return found(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        return timed


def training_seconds(model: Path) -> float | None:
    """How long make's latest train step for `model` took (the build log make names in $BUILD_LOG);
    None when there is no record of it (a model trained by hand)."""
    log = Path(os.environ.get("BUILD_LOG", ""))
    if not log.name or not log.is_file():
        return None
    with open(log, "rb") as opened:
        opened.seek(max(0, log.stat().st_size - LOG_TAIL_BYTES))
        lines = opened.read().splitlines()
    seconds = None
    for line in lines:
        try:
            record = json.loads(line)
            if record["step"] == "train" and Path(record["args"][-1]).resolve() == model.resolve():
                seconds = float(record["seconds"])
        except (ValueError, TypeError, KeyError, IndexError):  # a line cut by the tail, or not a step's
            continue
    return seconds


def main(
    settings: Path, model: Path, train: Path, test: Path, cleanup: Path, predictions: Path, output: Path
) -> None:
    """Score MODEL (trained on TRAIN) on TEST: PREDICTIONS (Parquet), then its metrics in OUTPUT (JSON),
    with the share of rows CLEANUP (clean.json) kept and its warning that the kept rows differ."""
    values = read_json(settings)
    cleaned = read_json(cleanup)
    primary = metrics.primary(values["task"], values.get("metric"))
    task = tasks.load(values["task"])
    fitted = joblib.load(model)
    timed = Timed(fitted)
    wanted = task.evaluation_columns(values)
    train_rows = pd.read_parquet(train, columns=wanted["train"]) if "train" in wanted else None
    test_rows = pd.read_parquet(test, columns=wanted["test"])
    predicted, fields = task.evaluate(timed, train_rows, test_rows, values)
    write_table(predicted, predictions)
    result = {
        "model": model.stem,
        "task": values["task"],
        "n_train": fitted.n_train_rows_,
        "sample": values["sample"],  # [data] sample: None when every row was used
        "primary_metric": primary.name,
        "higher_is_better": primary.higher_is_better,
        # None for a Spark cleanup, which does not compare the kept rows with the removed ones
        "rows_kept_share": cleaned.get("rows_kept_share"),
        "kept_rows_warning": cleaned.get("kept_rows_warning"),
        **fields,
        "learned": models.describe(fitted),
        "validation_curve": curves.validation_curve(fitted),  # None without a grid search
        "predictions": str(predictions),
    }
    if values.get("folds"):  # [evaluate] folds, table tasks only: the spread over folds of the training rows
        from . import cross_validation  # a table project's module only

        rows = pd.read_parquet(train)
        result["cross_validation"] = cross_validation.cross_validate(fitted, rows, values, task, primary.name)
        print(f"  {cross_validation.summary(result['cross_validation'])}")
    # Recorded first: if the record cannot be written, no metrics file lets make think this step done.
    history.log_run(result, getattr(fitted, "settings_", {}))  # reports/history.jsonl, under make
    # Not in the history: a timing differs run to run, and the history tells runs apart by their fields.
    result["cost"] = {
        "predict_seconds_per_unit": round(timed.seconds / max(fields["n_test"], 1), 9),
        "train_seconds": training_seconds(model),
    }
    write_json(result, output)
    # Not results.headline: it imports the model registry, and a new model must not re-score the others.
    score = fields["metrics"][primary.name]
    scored = f"{fields['n_test']} held-out {fields['test_unit']}"
    low, high = fields["intervals"][primary.name]
    print(
        f"evaluate {model.stem}: {primary.name} {score:.3f} [{low:.3f}, {high:.3f}] on {scored} -> {output}"
    )


if __name__ == "__main__":
    run(main)
