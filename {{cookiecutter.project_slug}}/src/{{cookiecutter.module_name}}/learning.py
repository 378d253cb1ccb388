"""Would more data help? One model's learning curve: reports/learning/<name>.json.

The model is trained again on 10%, 25% and 50% of its training rows (nested: each share holds
the smaller ones; drawn with the seed from the rows it trained on, so within its
`max_train_rows`), and each is scored by the primary metric on the same held-out rows (a seeded
MAX_TEST_ROWS of them at most; for recommendations, of the users in the 10%), beside the saved
model trained on 100%. Each share trains with what the saved model chose (KNN's k, a recommender's
neighbours or popularity window: its `chosen_params`), not with a search of its own, so the curve
shows what more rows do to that one model, at a fraction of a search's cost: with one candidate there is
nothing to choose, so none is cross-validated (KNN's pipeline is fitted with its k directly, as the saved
model's refit was; a share with fewer rows than k is not scored). Every point is the same thing, that
model's score on the held-out rows. A curve still rising
from 50% to 100% says more data of the same kind would help; a flat one says to spend the time
on features or models instead. make builds it after the leaderboard, so it never delays the first scores;
learning_figure.py draws every model's curve in one figure, and the report says what it means
(curves.learning_reading).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd

from . import metrics, tasks
from .cli import run
from .curves import learning_reading
from .errors import StepError
from .files import read_json, read_sample, write_json
from .models.configured import configured

SHARES = (0.1, 0.25, 0.5, 1.0)
# Test rows scored at most: each point then costs KNN about a second however large the test set.
MAX_TEST_ROWS = 20_000


def nested_rows(rows: int, seed: int, shares: tuple[float, ...] = SHARES) -> list[np.ndarray]:
    """The positions of each share of `rows` rows: the first of one seeded shuffle, so each holds
    the smaller ones and differs from them only by the rows added."""
    order = np.random.default_rng(seed).permutation(rows)
    return [np.sort(order[: max(1, math.ceil(share * rows))]) for share in shares]


def pinned(settings: Mapping[str, Any], saved: Any) -> dict[str, Any]:
    """The `build` settings of `settings` (a .settings/<model>.json) with the choices the `saved` model
    made on its training rows in place of the grid it searched."""
    chosen = saved.chosen_params() if hasattr(saved, "chosen_params") else {}
    return {key: value for key, value in {**settings["params"], **chosen}.items() if key != "max_train_rows"}


def fitted(settings: Mapping[str, Any], params: Mapping[str, Any], rows: pd.DataFrame) -> Any:
    """The model of `settings` (a .settings/<model>.json) built with `params` and trained on `rows`."""
    model = configured(settings, dict(params), search=False)
    # A 10% share of a small table draws scikit-learn's warnings (rare classes, few rows per fold):
    # expected here, and the curve itself says how far the share is from the full training rows.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        tasks.load(settings["task"]).fit(model, rows, settings)
    return model


def score(model: Any, train: pd.DataFrame, test: pd.DataFrame, settings: Mapping[str, Any]) -> float:
    """The primary metric (`[evaluate] metric` or the task's first) of `model` on the test rows, without
    intervals (resamples = 0); `settings` are the evaluate step's."""
    with warnings.catch_warnings():  # a model trained on a small share may miss classes of the test rows
        warnings.simplefilter("ignore", UserWarning)
        fields = tasks.load(settings["task"]).evaluate(model, train, test, {**settings, "resamples": 0})[1]
    return fields["metrics"][metrics.primary(settings["task"], settings.get("metric")).name]


def scored_test(
    test: pd.DataFrame, smallest: pd.DataFrame, evaluate: Mapping[str, Any], seed: int
) -> pd.DataFrame:
    """The test rows every point is scored on: a seeded MAX_TEST_ROWS at most; for recommendations
    (whose settings name the user column) all the rows of each user scored, and only of the users
    in the `smallest` share, as a recommender can recommend to no one it has not seen."""
    user = evaluate.get("columns", {}).get("user")
    if user is None:
        if len(test) <= MAX_TEST_ROWS:
            return test
        print(
            f"  each share scored on a seeded {MAX_TEST_ROWS} of the {len(test)} test rows (leaderboard: all)"
        )
        return test.sample(n=MAX_TEST_ROWS, random_state=seed)
    known = test[test[user].isin(smallest[user])]
    users = known[user].unique()
    most = max(1, MAX_TEST_ROWS * len(users) // max(1, len(known)))
    if len(users) > most:
        users = np.random.default_rng(seed).choice(users, most, replace=False)
    return known[known[user].isin(users)]


def learning_curve(
    model: Mapping[str, Any], evaluate: Mapping[str, Any], saved: Any, train: pd.DataFrame, test: pd.DataFrame
) -> dict[str, Any]:
    """The primary score of the model of settings `model` trained on each share of its training rows
    (None where too few rows to train on), the last the `saved` model's; `evaluate` is the evaluate
    step's settings."""
    cap = model["params"].get("max_train_rows")
    if cap is not None and len(train) > cap:
        train = train.sample(n=cap, random_state=model["seed"])
    shares = nested_rows(len(train), model["seed"])
    test = scored_test(test, train.iloc[shares[0]], evaluate, model["seed"])
    rows, scores, params = [], [], pinned(model, saved)
    for positions in shares[:-1]:
        part = train.iloc[positions]
        try:
            scores.append(round(score(fitted(model, params, part), part, test, evaluate), 6))
        except (ValueError, StepError) as error:  # a share too small for the model (one class, one fold)
            print(f"  {model['model']} on {len(part)} rows: not scored ({str(error)[:120]})")
            scores.append(None)
        rows.append(len(part))
    primary = metrics.primary(evaluate["task"], evaluate.get("metric"))
    return {
        "model": model["model"],
        "metric": primary.name,
        "higher_is_better": primary.higher_is_better,
        "shares": list(SHARES),
        "test_rows": len(test),
        "rows": [*rows, len(train)],
        "scores": [*scores, round(score(saved, train, test, evaluate), 6)],
    }


def main(model: Path, evaluate: Path, saved: Path, train: Path, test: Path, output: Path) -> None:
    """Write OUTPUT (JSON): the learning curve of the model of settings MODEL (SAVED: trained on all of
    TRAIN), scored on TEST."""
    values = read_json(model)
    # Only the rows within the model's cap are read, the ones learning_curve would keep.
    rows, _ = read_sample(train, values["params"].get("max_train_rows"), values["seed"])
    curve = learning_curve(values, read_json(evaluate), joblib.load(saved), rows, pd.read_parquet(test))
    write_json(curve, output)
    print(f"learning {values['model']}: {learning_reading(curve)} -> {output}")


if __name__ == "__main__":
    run(main)
