"""Print how the recommendation core scales: the medium data set (100,000 users x 10,000 items, about
2.5 million interactions) from the sample's own generator, then clean + split, each model's fit
and the scoring of every test user, each in its own process with its peak memory (max RSS).
Figures only: nothing here passes or fails.

    python benchmarks/recommendation.py [--users 100000 --items 10000 --interactions 2500000]

Goals on 2 cores: item-KNN fit <= 10 s, scoring every test user for every model <= 30 s in all,
no step above 2 GB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[1]
MODELS = {"random": "random_items", "rules": "popularity", "knn": "item_knn"}

# Each step runs as `python -c` in the baked project; it prints "part seconds note" lines for
# the parts it times itself (reading files and imports are left out of those).
PREPARE = """
import time, pandas as pd
from hackathon_ml.models.interactions import Columns
from hackathon_ml.tasks import recommendation as task
columns = Columns("user", "item", "rating", "timestamp")
frame = pd.read_csv("data/interactions.csv")
start = time.perf_counter()
for step in task.interaction_cleanup(columns):
    frame = step.run(frame)
print("clean", time.perf_counter() - start)
start = time.perf_counter()
train, test = task.split_users(frame, columns)
print("split", time.perf_counter() - start, "%d train, %d test rows" % (len(train), len(test)))
train.to_parquet("data/train.parquet")
test.to_parquet("data/test.parquet")
"""
FIT = """
import time, joblib, pandas as pd
from hackathon_ml.models import MODULE
from hackathon_ml.models.interactions import Columns
train, movies = pd.read_parquet("data/train.parquet"), pd.read_csv("data/movies.csv")
start = time.perf_counter()
model = MODULE.build("recommendation", 42).fit(train, Columns("user", "item", "rating", "timestamp"), movies)
print("fit", time.perf_counter() - start, model.describe())
joblib.dump(model, "data/NAME.joblib")
"""
SCORE = """
import time, joblib, pandas as pd
from hackathon_ml.models.interactions import Columns
from hackathon_ml.tasks import recommendation as task
model = joblib.load("data/NAME.joblib")
train, test = pd.read_parquet("data/train.parquet"), pd.read_parquet("data/test.parquet")
users = test["user"].unique()
start = time.perf_counter()
recommended = model.recommend(users, 10)
print("score", time.perf_counter() - start, "%d users" % len(users))
start = time.perf_counter()
metrics = task.metrics_at_k(recommended, test, train, Columns("user", "item", "rating", "timestamp"), 10)
print("metrics", time.perf_counter() - start, "ndcg@10 %(ndcg_at_k).4f, coverage %(coverage).3f, "
      "popularity percentile %(popularity_percentile).3f" % metrics)
"""


def run(label: str, command: list[str], project: Path, timings: bool = True) -> None:
    """Run one step in its own process; print its wall time, peak RSS and its own timings."""
    start = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=project, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": "src"}
    )
    output = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    if status:
        sys.exit(f"{label} failed:\n{output}")
    print(f"  {label:<16} {time.perf_counter() - start:7.2f} s wall  {usage.ru_maxrss / 1024:6.0f} MB peak RSS")
    for line in output.splitlines() if timings else []:
        part, seconds, *note = line.split(" ", 2)
        print(f"    {part:<14} {float(seconds):7.2f} s  {' '.join(note)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--interactions", type=int, default=2_500_000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [sys.executable, "-m", "cookiecutter", "--no-input", str(TEMPLATE), "-o", folder],
            check=True,
            capture_output=True,
        )
        project = Path(folder) / "hackathon-ml"
        print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}")
        sizes = ["--users", str(options.users), "--items", str(options.items)]
        generate = ["data/sample/make_movies.py", *sizes, "--interactions", str(options.interactions)]
        run("generate", [sys.executable, *generate, "--output", "data"], project, timings=False)
        run("clean + split", [sys.executable, "-c", PREPARE], project)
        for name, module in MODELS.items():
            run(f"fit {name}", [sys.executable, "-c", FIT.replace("MODULE", module).replace("NAME", name)], project)
            run(f"score {name}", [sys.executable, "-c", SCORE.replace("NAME", name)], project)


if __name__ == "__main__":
    main()
