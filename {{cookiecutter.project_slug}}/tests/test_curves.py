"""A grid search keeps each candidate's training and validation scores, and the report reads them."""

import numpy as np
import pandas as pd

from {{ cookiecutter.module_name }}.curves import reading, validation_curve
from {{ cookiecutter.module_name }}.models import knn

GRID = [1, 5, 25, 75]


def fitted_knn(noise: float, cell: float, seed: int = 0):
    """KNN's grid search on 600 rows whose class is a checkerboard of `cell`-wide squares,
    a share `noise` of the labels flipped at random."""
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(0, 1, (2, 600))
    board = (np.floor(x / cell) + np.floor(y / cell)) % 2 == 0
    flipped = board ^ (rng.random(600) < noise)
    label = pd.Series(np.where(flipped, "a", "b"), name="label")
    model = knn.build("classification", seed, n_neighbors=GRID, cv_folds=5)
    return model.fit(pd.DataFrame({"x": x, "y": y}), label)


def test_noisy_labels_on_a_simple_boundary_peak_at_a_large_k():
    """Four squares and 30% of labels flipped: averaging many neighbours is best, and k = 1
    fits the training folds perfectly but validates worst (overfits)."""
    curve = validation_curve(fitted_knn(noise=0.3, cell=0.5))
    validation = dict(zip(curve["values"], curve["validation"], strict=True))
    assert curve["values"] == GRID and max(validation, key=validation.get) in (25, 75)
    assert curve["train"][0] == 1.0 and validation[1] == min(validation.values())
    assert curve["chosen"] == max(validation, key=validation.get)


def test_a_fine_clean_pattern_peaks_at_a_small_k():
    """Small checkerboard squares and no noise: a large k blurs them (underfits), a small k is best."""
    curve = validation_curve(fitted_knn(noise=0.0, cell=0.125))
    validation = dict(zip(curve["values"], curve["validation"], strict=True))
    assert max(validation, key=validation.get) in (1, 5) and validation[75] < validation[1] - 0.1


def test_the_reading_names_what_overfits_and_what_underfits():
    """The report's line, as the issue asks for it."""
    curve = {
        "parameter": "k",
        "values": [1, 9, 25],
        "train": [1.0, 0.95, 0.85],
        "validation": [0.91, 0.94, 0.84],
        "chosen": 9,
        "metric": "accuracy",
        "higher_is_better": True,
    }
    assert reading(curve) == (
        "k = 9 chosen: validation accuracy 0.94; k = 1 overfits: train 1.00, validation 0.91; "
        "k = 25 underfits: train 0.85, validation 0.84."
    )


def test_an_error_metric_reads_the_other_way_round():
    """RMSE is lower on the training folds when a model overfits; scikit-learn's negated scores are
    turned back into errors."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, 300)
    rows, target = pd.DataFrame({"x": x}), pd.Series(np.sin(6 * x) + rng.normal(0, 0.3, 300), name="y")
    curve = validation_curve(knn.build("regression", 0, n_neighbors=GRID).fit(rows, target))
    assert curve["metric"] == "root_mean_squared_error" and not curve["higher_is_better"]
    assert curve["train"][0] == 0.0 and all(score > 0 for score in curve["validation"])
    assert "; n_neighbors = 1 overfits: train 0.00, validation 0." in reading(curve)


def test_a_model_without_a_grid_has_no_curve():
    """A single candidate is no curve: nothing is drawn or written for it."""
    model = knn.build("classification", 0, n_neighbors=[5])
    model.fit(pd.DataFrame({"x": np.arange(40.0)}), pd.Series(["a", "b"] * 20))
    assert validation_curve(model) is None


def test_a_model_learning_a_log_target_draws_its_curve_in_the_targets_units():
    """target_transform = "log" wraps the grid search (models/target.py): its curve is still drawn, and
    reads rmsle as evaluate computes it, in the target's units (an error: lower is better)."""
    from {{ cookiecutter.module_name }}.models.target import with_target_transform

    rng = np.random.default_rng(0)
    x = rng.uniform(0, 3, 300)
    target = pd.Series(np.round(np.expm1(3 * x + rng.normal(0, 0.5, 300)).clip(0)), name="count")
    search = knn.build("regression", 0, n_neighbors=GRID)
    search.set_params(scoring="neg_root_mean_squared_log_error")
    model = with_target_transform(search, "log").fit(pd.DataFrame({"x": x}), target)
    curve = validation_curve(model)
    assert curve["metric"] == "root_mean_squared_log_error" and not curve["higher_is_better"]
    assert curve["validation"] == [round(-score, 6) for score in search.cv_results_["mean_test_score"]]
    assert 0.3 < min(curve["validation"]) < 1.0  # the rmsle of counts, not of their logs (about 0.1)
