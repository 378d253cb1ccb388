"""The learning curves as one picture: reports/figures/learning-curve.png.

Its own step, apart from figures.py: it waits for the learning curves (learning.py), which make computes
after the leaderboard, while the other figures need only the scores. So make draws those while the curves
are computed, and a new curve redraws this figure alone (diagnostic_charts.learning_chart draws it).
"""

from __future__ import annotations

from pathlib import Path

from .cli import run
from .diagnostic_charts import learning_chart, save
from .files import read_json


def main(learning: Path, models: list[str], output: Path) -> None:
    """Draw into OUTPUT (a PNG) the learning curve in the folder LEARNING of each of MODELS (names); a model
    with none (trained on Spark) is left out."""
    curves = [read_json(path) for model in models if (path := learning / f"{model}.json").is_file()]
    save(learning_chart(curves), output)
    print(f"learning curves: {', '.join(curve['model'] for curve in curves) or 'none'} -> {output}")


if __name__ == "__main__":
    run(main)
