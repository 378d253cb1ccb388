"""Score one saved model on the held-out test rows: reports/metrics/<name>.json.

Its predictions for those rows go to reports/predictions/<name>.parquet, so the
figures are drawn without predicting again.
"""

from __future__ import annotations

from pathlib import Path

import joblib
import pandas as pd

from . import models, tasks
from .cli import run
from .files import read_json, write_json, write_table


def main(settings: Path, model: Path, test: Path, predictions: Path, output: Path) -> None:
    """Score MODEL on the rows in TEST: its PREDICTIONS (Parquet), then the metrics in OUTPUT (JSON)."""
    values = read_json(settings)
    task = tasks.load(values["task"])
    fitted = joblib.load(model)
    rows = pd.read_parquet(test)
    predicted = task.predict(fitted, rows, values)
    scores = task.score(predicted)
    write_table(predicted, predictions)
    write_json(
        {
            "model": model.stem,
            "task": values["task"],
            "target": values["target"],
            "n_train": fitted.n_train_rows_,
            "n_test": len(rows),
            "sample": values["sample"],  # [data] sample: None when every row was used
            "primary_metric": task.PRIMARY_METRIC,
            "higher_is_better": task.HIGHER_IS_BETTER,
            "metric_meaning": task.METRIC_MEANING.format(target=values["target"]),
            "metrics": scores,
            "learned": models.describe(fitted),
            "predictions": str(predictions),
        },
        output,
    )
    primary = task.PRIMARY_METRIC
    print(f"evaluate {model.stem}: {primary} {scores[primary]:.3f} on {len(rows)} test rows -> {output}")


if __name__ == "__main__":
    run(main)
