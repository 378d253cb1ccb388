"""The learning curve: a model's score on the test rows as it gets more of its training rows."""

import numpy as np
import pandas as pd

from {{ cookiecutter.module_name }} import learning
from {{ cookiecutter.module_name }}.curves import learning_reading
from {{ cookiecutter.module_name }}.learning import fitted, learning_curve, nested_rows, pinned

EVALUATE = {"task": "classification", "target": "label", "seed": 0}


def checkerboard(rows: int, seed: int) -> pd.DataFrame:
    """Two features and a label in a 4 x 4 checkerboard: learnable, but only from enough rows."""
    x, y = np.random.default_rng(seed).uniform(0, 1, (2, rows))
    label = np.where((np.floor(4 * x) + np.floor(4 * y)) % 2 == 0, "a", "b")
    return pd.DataFrame({"x": x, "y": y, "label": label})


def knn_settings(**params) -> dict:
    """A .settings/knn.json for the checkerboard."""
    settings = {"model": "knn", "module": "knn", "task": "classification", "target": "label", "seed": 0}
    return {**settings, "params": {"n_neighbors": [1, 5], "cv_folds": 3, **params}}


def curve_of(settings: dict, train: pd.DataFrame, test: pd.DataFrame) -> dict:
    """The learning curve, beside the model trained on all the rows (within its cap) as train does."""
    params = dict(settings["params"])
    cap = params.pop("max_train_rows", len(train))
    saved = fitted(settings, params, train.sample(n=min(cap, len(train)), random_state=settings["seed"]))
    return learning_curve(settings, EVALUATE, saved, train, test)


def test_each_share_holds_the_smaller_ones():
    """Nested: going from 25% to 50% only adds rows, so the curve shows more data, not other data."""
    shares = nested_rows(200, seed=3)
    assert [len(rows) for rows in shares] == [20, 50, 100, 200]
    for smaller, larger in zip(shares, shares[1:], strict=False):
        assert set(smaller) <= set(larger)


def test_each_share_trains_with_the_k_the_saved_model_chose():
    """No grid search per share, nor a cross-validation of one k: a share's KNN is fitted directly with the
    k the saved model chose on all its rows."""
    settings, train = knn_settings(n_neighbors=[1, 5, 25]), checkerboard(1000, 0)
    saved = fitted(settings, settings["params"], train)
    share = fitted(settings, pinned(settings, saved), train.iloc[:250])
    assert not hasattr(share, "cv_results_")
    assert share.named_steps["knn"].n_neighbors == saved.best_params_["knn__n_neighbors"]


def test_a_share_of_a_log_target_regressor_learns_the_log_as_the_saved_model_did():
    """With [features] target_transform = "log" each share trains on log(1 + y), as the train step does."""
    rows = checkerboard(200, 0).assign(label=lambda frame: 100 * frame["x"] + 1)
    settings = {**knn_settings(), "task": "regression", "target_transform": "log"}
    saved = fitted(settings, settings["params"], rows)
    share = fitted(settings, pinned(settings, saved), rows.iloc[:50])
    assert type(share) is type(saved) and type(saved).__name__ == "LogTarget"


def test_the_curve_of_a_learnable_pattern_rises():
    """KNN on 10% of 1,000 checkerboard rows misses squares that 100% of them find."""
    curve = curve_of(knn_settings(), checkerboard(1000, 0), checkerboard(400, 1))
    assert curve["rows"] == [100, 250, 500, 1000]
    assert curve["scores"][-1] > curve["scores"][0] + 0.05


def test_the_curve_stays_within_the_models_row_cap():
    """With max_train_rows the shares are of the capped rows, as the model trained on them."""
    curve = curve_of(knn_settings(max_train_rows=200), checkerboard(1000, 0), checkerboard(100, 1))
    assert curve["rows"] == [20, 50, 100, 200]


def test_the_curve_scores_at_most_max_test_rows(monkeypatch):
    """On a large test set every point is scored on the same seeded sample of it, bounded in time."""
    monkeypatch.setattr(learning, "MAX_TEST_ROWS", 150)
    curve = curve_of(knn_settings(), checkerboard(400, 0), checkerboard(1000, 1))
    assert curve["test_rows"] == 150 and None not in curve["scores"]


def test_the_reading_says_whether_more_data_would_help():
    """A gain from 50% to 100% says more data would help; a flat end says it would barely help."""
    rising = {"model": "knn", "metric": "accuracy", "higher_is_better": True, "scores": [0.6, 0.7, 0.8, 0.83]}
    assert learning_reading(rising) == (
        "knn gains +0.030 accuracy from 50% to 100% of its rows: more data would help."
    )
    flat = {**rising, "scores": [0.6, 0.7, 0.8, 0.8]}
    assert learning_reading(flat).endswith("more of the same data would barely help.")
    error = {**rising, "metric": "rmse", "higher_is_better": False, "scores": [9.0, 8.0, 7.0, 6.0]}
    assert learning_reading(error).startswith("knn gains +1.000 rmse")
