"""Local files: one path, or a glob of several files of one kind read as one table."""

from __future__ import annotations

import glob
from pathlib import Path

import pandas as pd

from ..errors import StepError
from . import format_of
from .formats import parse, stack
from .text import PLAIN_TEXT, TextOptions


def matching_files(pattern: str, section: str = "data") -> list[Path]:
    """The files `pattern` names, in a stable order; a plain path names itself (`section`: the config.toml
    section naming it, for the error)."""
    check = f"check [{section}] source in config.toml"
    if not any(wildcard in pattern for wildcard in "*?["):
        if not Path(pattern).is_file():
            raise StepError(f"data source {pattern!r} does not exist: {check}")
        return [Path(pattern)]
    found = sorted(Path(name) for name in glob.glob(pattern, recursive=True) if Path(name).is_file())
    if not found:
        raise StepError(f"no file matches the data source {pattern!r}: {check}")
    return found


def read_files(
    pattern: str,
    fmt: str | None = None,
    records_path: str = "",
    sheet: str | int = 0,
    text: TextOptions = PLAIN_TEXT,
) -> pd.DataFrame:
    """Read every file `pattern` names (all of one format) and stack their rows; `text` says how to
    read delimited text."""
    paths = matching_files(pattern, text.section)
    formats = {path: format_of(str(path), fmt) for path in paths}
    if len(set(formats.values())) > 1:
        kinds = ", ".join(sorted(set(formats.values())))
        raise StepError(f"{pattern!r} matches files of different kinds ({kinds}): narrow it to one kind")
    frames = [parse(path, formats[path], repr(str(path)), records_path, sheet, text) for path in paths]
    return stack(frames, [str(path) for path in paths], repr(pattern))
