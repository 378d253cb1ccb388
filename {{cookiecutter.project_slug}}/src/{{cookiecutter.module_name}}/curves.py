"""The bias-variance picture: a grid search's training and validation scores, the learning curve.

A grid-searched model (KNN's `n_neighbors`, item-KNN's `neighbors`) scores every candidate
before it keeps one. Those scores say whether the model over- or underfits: k = 1 fits the
training rows perfectly and validates worse (overfits); a large k scores low on both (underfits).
`validation_curve` reads them from the fitted model for its metrics file, `reading` says them in
one line for the report, and model_figures.py draws them (diagnostic_charts.py). `learning_reading`
says in a sentence what a learning curve (learning.py) means: whether more data would help.

Standard library only: the report reads it.
"""

from __future__ import annotations

from typing import Any

Curve = dict[str, Any]  # a metrics file's "validation_curve"

# A gap this wide, as a share of the chosen candidate's validation score (so RMSE in grams reads as
# accuracy does), is more than noise: a training score this far above the validation score is
# overfitting; training and validation scores both this far below the chosen candidate's, underfitting.
CLEAR_GAP = 0.02
# A gain from 50% to 100% of the rows this large, as a share of the score, is worth more data.
WORTH_MORE_DATA = 0.02


def as_score(value: float) -> float:
    """A plain float with six decimals, 0.0 rather than -0.0 (a negated perfect error)."""
    return round(float(value), 6) + 0.0


def from_grid_search(model: Any) -> Curve:
    """A scikit-learn grid search over one parameter: its mean cross-validated scores, and the
    mean scores on the training folds, if it kept them; "neg_" scorers turned back."""
    results = model.cv_results_
    (key,) = model.param_grid  # one parameter searched
    sign = -1 if model.scoring.startswith("neg_") else 1
    # KNN scores a sample of each training fold (knn.py); a grid with return_train_score all of it
    train = getattr(model, "train_scores_", results.get("mean_train_score"))
    return {
        "parameter": key.split("__")[-1],
        "values": results[f"param_{key}"].tolist(),
        "train": None if train is None else [as_score(sign * s) for s in train],
        "validation": [as_score(sign * s) for s in results["mean_test_score"]],
        "chosen": model.best_params_[key],
        "metric": model.scoring.removeprefix("neg_"),
        "higher_is_better": sign > 0,
    }


def from_validation_split(model: Any) -> Curve:
    """Item-KNN: NDCG@k of each neighbour count on a validation split, at the shrinkage and scoring
    direction chosen with it (no training scores)."""
    tried = {
        neighbors: score
        for (neighbors, shrinkage, direction), score in model.validation_ndcg_.items()
        if (shrinkage, direction) == (model.shrinkage_, model.direction_)
    }
    return {
        "parameter": "neighbors",
        "values": list(tried),
        "train": None,
        "validation": [round(float(score), 6) for score in tried.values()],
        "chosen": model.neighbors_,
        "metric": "ndcg_at_k",
        "higher_is_better": True,
    }


def validation_curve(model: Any) -> Curve | None:
    """Each candidate's scores if `model` searched a grid of more than one candidate, else None."""
    model = getattr(model, "regressor", model)  # learning log(1 + y) (target.py): the search it wraps
    if hasattr(model, "cv_results_") and isinstance(model.param_grid, dict) and len(model.param_grid) == 1:
        curve = from_grid_search(model)
    elif getattr(model, "validation_ndcg_", None) and hasattr(model, "neighbors_"):
        # item-KNN's neighbour counts; the popularity rules' (window, segment) pairs are two parameters
        curve = from_validation_split(model)
    else:
        return None
    return curve if len(curve["values"]) > 1 else None


def reading(curve: Curve) -> str:
    """One line: the chosen value, and the candidates that over- or underfit, with their scores."""
    name, values, chosen = curve["parameter"], curve["values"], curve["chosen"]
    sign = 1 if curve["higher_is_better"] else -1
    validation = dict(zip(values, curve["validation"], strict=True))
    parts = [f"{name} = {chosen} chosen: validation {curve['metric']} {validation[chosen]:.2f}"]
    if curve["train"] is None:
        others = ", ".join(f"{value}: {validation[value]:.2f}" for value in values if value != chosen)
        return f"{parts[0]} ({others})."
    train = dict(zip(values, curve["train"], strict=True))
    gap = {value: sign * (train[value] - validation[value]) for value in values}
    over = max(values, key=gap.get)
    clear = CLEAR_GAP * abs(validation[chosen])
    if over != chosen and gap[over] >= clear:
        parts.append(f"{name} = {over} overfits: train {train[over]:.2f}, validation {validation[over]:.2f}")
    weakest = min((v for v in values if v not in (chosen, over)), key=lambda v: sign * train[v], default=None)
    if weakest is not None and all(
        sign * (scores[chosen] - scores[weakest]) >= clear for scores in (train, validation)
    ):
        parts.append(
            f"{name} = {weakest} underfits: train {train[weakest]:.2f}, validation {validation[weakest]:.2f}"
        )
    return "; ".join(parts) + "."


def learning_reading(curve: Curve) -> str:
    """One sentence: what the model gains from 50% to 100% of its rows, and whether more would help."""
    half, full = curve["scores"][-2], curve["scores"][-1]
    if half is None or full is None:
        return f"{curve['model']}: too few rows to tell whether more data would help."
    gain = (full - half) * (1 if curve["higher_is_better"] else -1)
    worth = gain >= WORTH_MORE_DATA * abs(full) and gain > 0
    verdict = "more data would help" if worth else "more of the same data would barely help"
    return f"{curve['model']} gains {gain:+.3f} {curve['metric']} from 50% to 100% of its rows: {verdict}."
