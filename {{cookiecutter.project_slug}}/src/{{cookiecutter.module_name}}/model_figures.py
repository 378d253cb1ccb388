"""One model's figures: reports/figures/<model>.png and, for a grid-searched model, <model>-validation.png.

- <model>.png: how the model does on the held-out test set, drawn by its task (a confusion matrix for
  classification, predicted against actual values and residuals for regression, metrics at every
  cut-off, coverage and popularity bias for recommendation: tasks/<task>_chart.py);
- <model>-validation.png: each candidate's training and validation score, the chosen one marked
  (diagnostic_charts.py). Make does not list it (which models search a grid is known only once they
  are trained): it is drawn with <model>.png.

A step per model: a model's new scores redraw its figures alone (figures.py says why).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import diagnostic_charts, tasks
from .cli import run
from .diagnostic_charts import save
from .files import read_json


def main(metrics: Path, output: Path) -> None:
    """Draw into OUTPUT (a PNG) the model of METRICS (its JSON file) on the test set, from the predictions
    it names, and its validation curve beside OUTPUT when it searched a grid."""
    result = read_json(metrics)
    chart = tasks.load(result["task"], "model_figures").chart
    save(chart(pd.read_parquet(result["predictions"]), result), output)
    if result.get("validation_curve"):
        save(
            diagnostic_charts.validation_chart(result), output.with_name(f"{result['model']}-validation.png")
        )
    print(f"figures of {result['model']} -> {output}")


if __name__ == "__main__":
    run(main)
