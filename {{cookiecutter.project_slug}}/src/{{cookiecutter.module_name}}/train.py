"""Fit one model on the training rows and save it to models/<name>.joblib."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import joblib
import pandas as pd

from . import models, tasks
from .cli import run
from .errors import StepError
from .files import atomic_path, read_json, read_sample
from .models.configured import configured


def cap_rows(frame: pd.DataFrame, max_rows: int | None, seed: int) -> pd.DataFrame:
    """At most `max_rows` rows, sampled reproducibly; all of them when under the cap."""
    if max_rows is None or len(frame) <= max_rows:
        return frame
    return frame.sample(n=max_rows, random_state=seed)


def fit(name: str, settings: Mapping[str, Any], train: pd.DataFrame, total: int | None = None) -> Any:
    """Build model `name` from its settings and fit it on `train` (capped by max_train_rows), which may be
    that capped sample of the `total` training rows already (main reads only those)."""
    params = dict(settings["params"])
    max_rows = params.pop("max_train_rows", None)
    rows = cap_rows(train, max_rows, settings["seed"])
    total = total or len(train)
    if len(rows) < total:
        print(f"  using {len(rows)} of {total} training rows (max_train_rows in [models.{name}])")
    try:
        model = configured(settings, params)
    except TypeError as error:
        raise StepError(
            f"[models.{name}] in config.toml has a setting the model does not take: {error}"
        ) from None
    tasks.load(settings["task"]).fit(model, rows, settings)
    model.n_train_rows_ = len(rows)  # read by evaluate for the metrics file
    model.settings_ = dict(settings)  # read by evaluate for the run history
    return model


def main(settings: Path, train: Path, output: Path) -> None:
    """Fit the model named in SETTINGS on TRAIN and save it to OUTPUT."""
    values = read_json(settings)
    name = values["model"]
    print(f"train {name}:")
    rows, total = read_sample(train, values["params"].get("max_train_rows"), values["seed"])
    model = fit(name, values, rows, total)
    print("  " + models.describe(model).replace("\n", "\n  "))
    with atomic_path(output) as temporary:
        joblib.dump(model, temporary)
    print(f"  -> {output}")


if __name__ == "__main__":
    run(main)
