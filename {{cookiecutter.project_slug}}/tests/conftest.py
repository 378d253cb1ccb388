"""Shared test data: tiny frames for unit tests, and the configured data for model tests."""

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import settings as hypothesis_settings

from {{ cookiecutter.module_name }} import clean, config, data, tasks
from {{ cookiecutter.module_name }}.sources import DataSettings

ROOT = Path(__file__).resolve().parents[1]
# A per-example deadline measures the machine's load, not the code: on a busy machine (or under
# `make mutants`, which runs the tests many times at once) it fails property tests that are right.
hypothesis_settings.register_profile("project", deadline=None)
hypothesis_settings.load_profile("project")


@pytest.fixture
def small_frame() -> pd.DataFrame:
    """40 rows, a numeric and a text feature, both targets, and some gaps."""
    rng = np.random.default_rng(0)
    size = rng.uniform(0, 10, 40)
    frame = pd.DataFrame(
        {
            "size": size,
            "colour": np.where(size > 5, "red", "blue"),
            "label": np.where(size > 5, "big", "small"),
            "weight": size * 3 + rng.normal(0, 0.1, 40),
        }
    )
    frame.loc[[3, 7], "size"] = np.nan
    frame.loc[11, "label"] = np.nan
    return frame


@pytest.fixture(scope="session")
def settings() -> dict:
    """The settings of every stage, from the project's config.toml."""
    return config.stage_settings(config.load(ROOT / "config.toml"))


def configured_data(settings: dict) -> pd.DataFrame:
    """The raw snapshot if there is one (what the pipeline trains on), else the configured source."""
    snapshot = ROOT / "data" / "raw" / "snapshot.parquet"
    if snapshot.exists():
        return pd.read_parquet(snapshot)
    here = Path.cwd()
    os.chdir(ROOT)  # [data] source and .env are relative to the project's root
    try:
        return data.load(DataSettings.from_dict(settings["data"]))
    finally:
        os.chdir(here)


@pytest.fixture(scope="session")
def split_data(settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The configured data, cleaned and split exactly as the pipeline does it."""
    cleaned, _ = clean.clean(configured_data(settings), settings["clean"])
    values = settings["split"]
    train, test, _ = tasks.load(values["task"]).split(cleaned, values)
    return train, test


def clean_table(
    frame: pd.DataFrame,
    target: str,
    max_missing_fraction: float = 0.5,
    drop_duplicates: bool = True,
    max_removed_share: float = 0.5,
) -> tuple[pd.DataFrame, list[clean.Step]]:
    """The cleanup of a classification table predicting `target`, with these [clean] settings."""
    settings = {
        "task": "classification",
        "target": target,
        "max_missing_fraction": max_missing_fraction,
        "drop_duplicates": drop_duplicates,
        "max_removed_share": max_removed_share,
    }
    return clean.clean(frame, settings)
