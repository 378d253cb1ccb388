"""Secrets stay out of config.toml: `${NAME}` there is filled in from the environment or `.env`.

The settings files keep the `${NAME}` text, never the value; the snapshot's metadata
and anything shown to a person go through `mask` first (masking.py), which hides every URL's user-info
and every query-parameter value, whether written literally or filled in from `${NAME}`.
A secret written literally into `[data] source` stays in config.toml alone: the data stage's
settings file keeps the source masked, with a fingerprint, and the data step reads it back.
Standard library only until `.env` is read: config.py uses this module too.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import StepError
from .masking import mask

PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def environment(dotenv: Path = Path(".env")) -> dict[str, str]:
    """The variables `${NAME}` can use: those in `.env`, overridden by the real environment."""
    from dotenv import dotenv_values

    from_file = {name: value for name, value in dotenv_values(dotenv).items() if value is not None}
    return {**from_file, **os.environ}


def expand(text: str, variables: Mapping[str, str], setting: str) -> str:
    """`text` with each `${NAME}` replaced by its value; a NAME not set is an error saying where to set it."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in variables:
            raise StepError(
                f"[data] {setting} uses {match.group(0)}, which is not set: add {name}=... to .env "
                "(see .env.example) or export it"
            )
        return variables[name]

    return PLACEHOLDER.sub(value, text)


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def without_secrets(data: dict[str, Any]) -> dict[str, Any]:
    """The data stage's settings with any secret in `source` masked, and the real source's fingerprint,
    so that changing the secret still takes a new snapshot."""
    shown = mask(data["source"])
    if shown == data["source"]:
        return data
    return {**data, "source": shown, "source_sha256": fingerprint(data["source"])}


def with_source(values: dict[str, Any], configured: str) -> dict[str, Any]:
    """The data stage's settings with the real source back, `configured` in config.toml's [data]."""
    if "source_sha256" not in values:
        return values
    if fingerprint(configured) != values["source_sha256"]:
        raise StepError("[data] source in config.toml changed after make read it: run make again")
    return {**{k: v for k, v in values.items() if k != "source_sha256"}, "source": configured}
