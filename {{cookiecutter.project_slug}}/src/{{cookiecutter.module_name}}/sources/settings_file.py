"""The data stage's settings file, read back as one DataSettings (either engine's data step reads it)."""

from __future__ import annotations

from pathlib import Path

from ..files import read_json, read_toml
from . import DataSettings
from .credentials import with_source


def load_settings(path: Path) -> DataSettings:
    """The data stage's settings file (either engine's). A secret written into the source stays in
    config.toml alone (the settings file keeps it masked): it is read back here, where it is used."""
    values = read_json(path)
    if "source_sha256" in values:
        section = values.get("section", "data")
        values = with_source(values, read_toml(Path("config.toml"))[section]["source"])
    return DataSettings.from_dict(values)
