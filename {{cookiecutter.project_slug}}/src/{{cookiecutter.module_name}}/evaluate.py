"""Score one saved model on the held-out test rows: reports/metrics/<name>.json.

Its predictions for those rows go to reports/predictions/<name>.parquet, so the
figures are drawn without predicting again.
"""

from __future__ import annotations

from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn import metrics

from .cli import run
from .files import read_json, write_json, write_table
from .train import summary

# The metric the leaderboard ranks by, and whether higher is better.
PRIMARY_METRIC = {"classification": ("balanced_accuracy", True), "regression": ("rmse", False)}


def score(task: str, y_true: pd.Series, y_pred: np.ndarray) -> dict[str, float]:
    """The task's metrics for one set of predictions."""
    if task == "classification":
        values = {
            "accuracy": metrics.accuracy_score(y_true, y_pred),
            "balanced_accuracy": metrics.balanced_accuracy_score(y_true, y_pred),
            "f1_macro": metrics.f1_score(y_true, y_pred, average="macro", zero_division=0),
        }
    else:
        values = {
            "mae": metrics.mean_absolute_error(y_true, y_pred),
            "rmse": metrics.root_mean_squared_error(y_true, y_pred),
            "r2": metrics.r2_score(y_true, y_pred),
        }
    return {name: round(float(value), 6) for name, value in values.items()}


def main(settings: Path, model: Path, test: Path, predictions: Path, output: Path) -> None:
    """Score MODEL on the rows in TEST: its PREDICTIONS (Parquet), then the metrics in OUTPUT (JSON)."""
    values = read_json(settings)
    task, target = values["task"], values["target"]
    fitted = joblib.load(model)
    rows = pd.read_parquet(test)
    predicted = fitted.predict(rows.drop(columns=[target]))
    scores = score(task, rows[target], predicted)
    primary, higher_is_better = PRIMARY_METRIC[task]
    write_table(pd.DataFrame({"actual": rows[target].to_numpy(), "predicted": predicted}), predictions)
    write_json(
        {
            "model": model.stem,
            "task": task,
            "target": target,
            "n_train": fitted.n_train_rows_,
            "n_test": len(rows),
            "primary_metric": primary,
            "higher_is_better": higher_is_better,
            "metrics": scores,
            "learned": summary(fitted),
            "predictions": str(predictions),
        },
        output,
    )
    print(f"evaluate {model.stem}: {primary} {scores[primary]:.3f} on {len(rows)} test rows -> {output}")


if __name__ == "__main__":
    run(main)
