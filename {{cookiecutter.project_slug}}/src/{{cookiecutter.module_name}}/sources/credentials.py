"""Secrets stay out of config.toml: `${NAME}` there is filled in from the environment or `.env`.

The settings files and the snapshot's metadata keep the `${NAME}` text, never the
value; anything shown to a person goes through `mask` first.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from dotenv import dotenv_values

from ..errors import StepError

PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# scheme://user:PASSWORD@host
URL_PASSWORD = re.compile(r"(\b[a-zA-Z][\w+.-]*://[^/\s:@]*:)[^/\s@]+@")
# ?api_key=SECRET&... : query parameters whose names say they hold a secret
SECRET_PARAMETER = re.compile(
    r"([?&][^=&#\s]*(?:token|key|secret|password|passwd|pwd|signature|sig|auth|credential)[^=&#\s]*=)[^&#\s]+",
    re.IGNORECASE,
)


def environment(dotenv: Path = Path(".env")) -> dict[str, str]:
    """The variables `${NAME}` can use: those in `.env`, overridden by the real environment."""
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


def mask(text: str) -> str:
    """`text` with URL passwords and secret-looking query parameters replaced by ***."""
    return SECRET_PARAMETER.sub(r"\1***", URL_PASSWORD.sub(r"\1***@", text))
