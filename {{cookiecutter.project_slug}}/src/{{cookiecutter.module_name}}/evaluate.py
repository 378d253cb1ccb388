"""Score one saved model on the held-out test set: reports/metrics/<name>.json.

What it says about the test set (its predictions for the test rows, or each test user's top
k recommendations) goes to reports/predictions/<name>.parquet (reports/recommendations/ for
recommenders, as settings.mk says), so the figures are drawn without predicting again.
"""

from __future__ import annotations

from pathlib import Path

import joblib
import pandas as pd

from . import curves, history, metrics, models, tasks
from .cli import run
from .files import read_json, write_json, write_table


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
    wanted = task.evaluation_columns(values)
    train_rows = pd.read_parquet(train, columns=wanted["train"]) if "train" in wanted else None
    test_rows = pd.read_parquet(test, columns=wanted["test"])
    predicted, fields = task.evaluate(fitted, train_rows, test_rows, values)
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
    # Recorded first: if the record cannot be written, no metrics file lets make think this step done.
    history.log_run(result, getattr(fitted, "settings_", {}))  # reports/history.jsonl, under make
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
