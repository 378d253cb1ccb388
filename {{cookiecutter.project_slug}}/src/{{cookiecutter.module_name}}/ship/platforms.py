"""How hosting platforms start the bundle: start.sh, Procfile, Streamlit's settings, the Python version."""

from __future__ import annotations

import sys

START = """#!/bin/sh
# Starts the WHAT on $PORT, as hosting platforms run a web process: sh start.sh [CHOICES]
# (PORT unset: PORTS). Written by `invoke ship`.
set -e
cd "$(dirname "$0")"
# A fresh clone dates files in checkout order; the API refuses a model older than its training data.
# `invoke ship` checked every model was up to date, so the build's order is restored first.
touch data/processed/* 2>/dev/null || true
touch models/* 2>/dev/null || true
touch reports/metrics/* 2>/dev/null || true
case "${1:-FIRST}" in
CASES
  *) echo "usage: sh start.sh [CHOICES]" >&2; exit 2 ;;
esac
"""
CASES = {
    "demo": "  demo) exec python -m streamlit run app.py --server.address 0.0.0.0"
    ' --server.port "${PORT:-8501}" ;;',
    "api": '  api) exec python -m MODULE.serve --host 0.0.0.0 --port "${PORT:-8000}" ;;',
}
PORTS = {"demo": 8501, "api": 8000}
# Streamlit Community Cloud and `streamlit run` read this; the address and port come from the command.
STREAMLIT = """# Written by `invoke ship`: no browser to open on a server, no usage statistics sent.
[server]
headless = true

[browser]
gatherUsageStats = false
"""


def start_script(servers: list[str], module: str) -> str:
    """start.sh: the first of `servers` (demo, api) unless one is named."""
    filled = {
        "WHAT": " or the ".join(servers),
        "CHOICES": "|".join(servers),
        "PORTS": ", ".join(f"{name} {PORTS[name]}" for name in servers),
        "FIRST": servers[0],
        "CASES": "\n".join(CASES[name].replace("MODULE", module) for name in servers),
    }
    script = START
    for word, value in filled.items():
        script = script.replace(word, value)
    return script


def procfile(servers: list[str]) -> str:
    """The one web process of a Procfile: the demo when there is one, else the API."""
    return f"web: sh start.sh {servers[0]}\n"


def python_version() -> str:
    """The Python this project runs on, major.minor, as .python-version says it (Render, Railway, Heroku)."""
    return f"{sys.version_info.major}.{sys.version_info.minor}\n"


def served(servers: list[str]) -> str:
    """What the bundle serves, in words: "the demo and the API", or "the API"."""
    return " and ".join({"demo": "the demo", "api": "the API"}[name] for name in servers)


def readme(servers: list[str], listing: str) -> str:
    """ship/README.md: what this folder is and how each platform starts it."""
    lines = [
        f"# {served(servers).capitalize()}, ready for a hosting platform",
        "",
        "Written by `invoke ship` from the project's built models: do not edit, ship again instead.",
        "Push this folder to its own repository (or branch), then point the platform at it (the project's",
        'README: "Put the demo online").',
        "",
        *(
            ["- Streamlit Community Cloud: main file `app.py`; it installs `requirements.txt` itself."]
            if "demo" in servers
            else []
        ),
        "- Render, Railway, Heroku-like platforms: build `pip install -r requirements.txt`, start "
        + " or ".join(f"`sh start.sh {name}`" for name in servers)
        + " (the `Procfile` names the first); they set `$PORT`.",
        "- Check it as a platform would run it: `python check.py` (a fresh environment, the start command,",
        "  then questions whose answers the project's own models gave, in `check.json`).",
        "",
        "```",
        listing,
        "```",
        "",
    ]
    return "\n".join(lines)
