"""Settings: config.toml, split into one small file per pipeline stage.

`python -m <package>.config config.toml .settings` writes `.settings/<stage>.json`
for every stage, rewriting a file only when its content changes. The Makefile
lists a stage's file among its prerequisites, so editing one section of
config.toml rebuilds only the stages that read it. Steps read their settings
from that file, never from config.toml, so no step can depend on a setting that
its file does not carry. Standard library only: this runs before anything else.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from .cli import run
from .errors import StepError
from .files import write_text
from .models import BUILDERS

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

TASKS = ("classification", "regression")
URL = re.compile(r"^[a-zA-Z][\w+.-]*://")


def load(path: Path) -> dict[str, Any]:
    """Read config.toml and check what every stage relies on."""
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StepError(f"{path} not found: run make from the project's root folder") from None
    except tomllib.TOMLDecodeError as error:
        raise StepError(f"{path} is not valid TOML: {error}") from None
    if config.get("task") not in TASKS:
        raise StepError(f'{path}: task must be "classification" or "regression", not {config.get("task")!r}')
    for key in ("source", "target"):
        if not isinstance(config.get("data", {}).get(key), str):
            raise StepError(f"{path}: set [data] {key} to a string (see the comments in the file)")
    unknown = sorted(set(config.get("models", {})) - set(BUILDERS))
    if unknown:
        raise StepError(
            f"{path}: no model named {', '.join(unknown)}; known models: {', '.join(BUILDERS)} "
            "(add yours to models/__init__.py)"
        )
    return config


def stage_settings(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What each stage reads, and nothing more."""
    task, seed = config["task"], config.get("seed", 42)
    target = config["data"]["target"]
    stages = {
        # Everything in [data] but the target: changing the target re-cleans, it does not re-fetch.
        "data": {key: value for key, value in config["data"].items() if key != "target"},
        "clean": {"task": task, "target": target, **config.get("clean", {})},
        "features": {"task": task, "target": target, "seed": seed, **config.get("features", {})},
        "evaluate": {"task": task, "target": target},
    }
    for name, params in config.get("models", {}).items():
        stages[name] = {"model": name, "task": task, "target": target, "seed": seed, "params": params}
    return stages


def local_files(source: str) -> str:
    """The local file (or glob) a source reads, for make to watch; "" for a server, an API or a ${SECRET}.

    A SQLite database is a local file too. Make cannot see a remote change:
    `make snapshot` fetches again.
    """
    if "${" in source:
        return ""
    if source.startswith("sqlite:///"):
        return source.removeprefix("sqlite:///").split("?")[0]
    if URL.match(source):
        return ""
    return source.replace("$", "$$")


def make_variables(config: dict[str, Any]) -> str:
    """Make variables that come from config.toml: the local data files and the models to build."""
    return (
        "# Written by `python -m <package>.config` from config.toml: edit config.toml instead.\n"
        f"DATA_SOURCE := {local_files(config['data']['source'])}\n"
        f"MODELS := {' '.join(config.get('models', {}))}\n"
    )


def write_if_changed(text: str, path: Path) -> bool:
    """Write `text` to `path` unless it already holds it, so its timestamp moves only on change."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    write_text(text, path)
    return True


def main(config: Path, settings: Path) -> None:
    """Write one settings file per stage into SETTINGS, and settings.mk for the Makefile."""
    loaded = load(config)
    changed = [
        stage
        for stage, values in stage_settings(loaded).items()
        if write_if_changed(json.dumps(values, indent=2, sort_keys=True) + "\n", settings / f"{stage}.json")
    ]
    if changed:
        print(f"settings changed for: {', '.join(changed)}")
    # Always rewritten: its timestamp tells make that config.toml has been read.
    write_text(make_variables(loaded), settings / "settings.mk")


if __name__ == "__main__":
    run(main)
