"""Read a `[data]` source into one frame, through the reader its kind needs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..files import read_json, read_toml
from . import DataSettings, kind
from .credentials import expand, mask, with_source
from .local import read_files
from .text import TextOptions

# The frame's attribute (pandas' DataFrame.attrs) holding the URL an HTTP source answered from, masked
FINAL_URL = "final_url"


def load_settings(path: Path) -> DataSettings:
    """The data stage's settings file (either engine's). A secret written into the source stays in
    config.toml alone (the settings file keeps it masked): it is read back here, where it is used."""
    values = read_json(path)
    if "source_sha256" in values:
        section = values.get("section", "data")
        values = with_source(values, read_toml(Path("config.toml"))[section]["source"])
    return DataSettings.from_dict(values)


def read(settings: DataSettings, variables: Mapping[str, str]) -> pd.DataFrame:
    """Everything `settings` describe, as one frame; `variables` fill in `${NAME}`."""
    source = expand(settings.source, variables, "source")
    shown = mask(source)
    source_kind = kind(source)
    # The database and HTTP libraries are imported only for a source that needs them,
    # so reading a local file (the everyday case) starts quickly.
    if source_kind == "database":
        from .sql import read_database

        return read_database(source, settings.query, shown, settings.timeout)
    if source_kind == "http":
        from .web import read_http

        headers = {name: expand(value, variables, "headers") for name, value in settings.headers.items()}
        frame, final_url = read_http(source, headers, settings)
        frame.attrs[FINAL_URL] = mask(final_url)
    elif source_kind == "objects":
        from .objects import read_objects

        frame, objects = read_objects(settings, source, variables)
        # what snapshot.json records, so that `invoke fetch` can tell "unchanged" without downloading
        frame.attrs["objects"] = objects
    else:
        text = TextOptions(settings.encoding, settings.bad_lines)
        frame = read_files(source, settings.format, settings.records_path, settings.sheet, text)
    if not settings.query:
        return frame
    from .sql import query_frame

    queried = query_frame(frame, settings.query)
    queried.attrs = frame.attrs
    return queried
