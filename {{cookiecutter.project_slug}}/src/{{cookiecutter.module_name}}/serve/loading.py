"""What the API loads at start-up, and whether a newer build has appeared on disk since.

Everything is read once, from what the pipeline built: the scored models (reports/metrics/, ranked
as the leaderboard ranks them) and the saved models (models/). A missing or out-of-date file stops
the start with the make target that builds it. The server keeps serving what it loaded after a
`make` retrains (a request never meets a half-loaded model); `/health` says when that happened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import joblib

from ..errors import StepError
from ..files import read_json
from ..results import BEST, GOOD_ENOUGH, Result, chosen, rank
from .model_file import MODELS, ModelFile

METRICS = Path("reports/metrics")
SETTINGS = Path(".settings")
TRAIN = Path("data/processed/train.parquet")


def stale_reason(output: Path, inputs: list[Path], target: str) -> str | None:
    """Why `output` cannot be served (missing, or older than one of `inputs`), with the make target that
    builds it; None when it is up to date."""
    if not output.is_file():
        return f"{output} is not built: run `make {target}` (or `invoke all`) first"
    built = output.stat().st_mtime
    newer = [path for path in inputs if path.is_file() and path.stat().st_mtime > built]
    if newer:
        return f"{output} is older than {newer[0]}: run `make {target}` (or `invoke all`) to rebuild it"
    return None


def load_ranked(root: Path) -> list[Result]:
    """The scored models, best first: the leaderboard's own ranking (results.rank), never another."""
    paths = sorted((root / METRICS).glob("*.json"))
    if not paths:
        raise StepError(f"no scored models in {METRICS}: run `make leaderboard` (or `invoke all`) first")
    return rank([read_json(path) for path in paths])


def load_models(root: Path, ranked: list[Result]) -> tuple[dict[str, Any], list[ModelFile]]:
    """Every scored model, loaded from models/, and what each file was; a model out of date with its
    training data, its settings or its score is an error naming the target that rebuilds it."""
    loaded, files = {}, []
    for result in ranked:
        name = result["model"]
        model_file = MODELS / f"{name}.joblib"
        reason = stale_reason(
            root / model_file, [root / TRAIN, root / SETTINGS / f"{name}.json"], str(model_file)
        )
        reason = reason or stale_reason(root / METRICS / f"{name}.json", [root / model_file], "leaderboard")
        if reason:
            raise StepError(reason.replace(str(root) + "/", ""))
        files.append(ModelFile.of(root, name))  # before loading: a file replaced meanwhile reads as newer
        loaded[name] = joblib.load(root / model_file)
    return loaded, files


def newer_builds(root: Path, served: list[ModelFile]) -> list[str]:
    """The models whose files on disk are not the ones served: rebuilt since, or scored since and never
    loaded (a restart serves them). A few stat calls: cheap enough for every /health."""
    changed = []
    for loaded in served:
        path = root / loaded.file
        if not path.is_file() or path.stat().st_mtime_ns != loaded.modified_ns:
            changed.append(loaded.model)
    known = {loaded.model for loaded in served}
    scored = sorted(path.stem for path in (root / METRICS).glob("*.json"))
    return changed + [name for name in scored if name not in known]


def good_enough(root: Path) -> float | None:
    """[leaderboard] good_enough, from the settings file make writes (None without it, or without one)."""
    path = root / SETTINGS / "leaderboard.json"
    return read_json(path).get("good_enough") if path.is_file() else None


def chosen_model(ranked: list[Result], model: str | None, threshold: float | None = None) -> str:
    """The model `model` names (results.chosen: "good_enough" by `threshold`, "best", a scored model's
    name), the leaderboard's best when it names none."""
    found = chosen(ranked, model or BEST, threshold)
    if found is None:
        names = ", ".join([BEST, GOOD_ENOUGH, *(result["model"] for result in ranked)])
        raise StepError(f"--model names no scored model; choose one of {names}")
    return found["model"]
