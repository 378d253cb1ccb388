"""Settings: config.toml, split into one small file per pipeline stage.

`python -m <package>.config config.toml .settings` writes `.settings/<stage>.json`
for every stage, rewriting a file only when its content changes. The Makefile
lists a stage's file among its prerequisites, so editing one section of
config.toml rebuilds only the stages that read it. Steps read their settings
from that file, never from config.toml, so no step can depend on a setting that
its file does not carry.

It also writes `.settings/settings.mk`, the facts make learns from config.toml and
the code: the local data files, the models to build, and the package files each
step runs, so that editing a module rebuilds exactly the steps that import it.
Standard library only: this runs before anything else.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import config_keys
from .cli import run
from .config_checks import baked_tasks, check_data_keys, check_engine, check_folds, check_k, check_metric
from .errors import StepError
from .files import TOMLDecodeError, read_toml, write_text
from .models.registry import TASKS
from .sources import kind, local_files, query_files, store_extra
from .sources.credentials import without_secrets
from .step_files import ENGINE_STEPS, module_file, step_code
from .submit_config import make_variables as submit_variables
from .submit_config import stages as submit_stages

# The settings a section of config.toml falls back to when it leaves one out.
DEFAULTS: dict[str, dict[str, Any]] = {
    "clean": {
        "max_missing_fraction": 0.5,
        "min_rows": 20,
        "max_removed_share": 0.5,
        "drop_duplicates": True,
        "missing_as_value": False,
        "max_target_shift": 0.25,
    },
    "features": {"test_size": 0.2, "drop_columns": [], "keep_columns": []},
    "spark": {"master": "local[*]", "conf": {}, "ui": True},
}
# The [data] settings that cleanup applies, not the snapshot (besides the family's own data_keys).
CLEANUP_KEYS = ("sample",)
# The steps make runs, as modules of this package.
STEPS = (
    "data",
    "clean",
    "split",
    "train",
    "evaluate",
    "leaderboard",
    "learning",
    "figures",
    "model_figures",
    "learning_figure",
    "report",
    "submit",
)


def load(path: Path) -> dict[str, Any]:
    """Read config.toml and check what every stage relies on."""
    try:
        config = read_toml(path)
    except FileNotFoundError:
        raise StepError(f"{path} not found: run make from the project's root folder") from None
    except TOMLDecodeError as error:
        raise StepError(f"{path} is not valid TOML: {error}") from None
    task = config.get("task")
    if task not in baked_tasks():
        raise StepError(f"{path}: task must be one of {', '.join(map(repr, baked_tasks()))}")
    check_data_keys(config.get("data", {}), task, path)
    check_engine(config, path)
    check_k(config.get("evaluate", {}), path)
    check_metric(config.get("evaluate", {}), task, path)
    check_folds(config.get("evaluate", {}), task, path)
    unknown = sorted(set(config.get("models", {})) - set(TASKS[task].models))
    if unknown:
        raise StepError(
            f"{path}: no model named {', '.join(unknown)}; known models: {', '.join(TASKS[task].models)} "
            "(add yours to models/registry.py)"
        )
    model_files = {
        name: module_file(f"models.{TASKS[task].models[name]}") for name in config.get("models", {})
    }
    config_keys.check(config, model_files, path)
    return config


def data_engine(config: dict[str, Any]) -> dict[str, Any]:
    """What the data steps need to know when Spark runs them: that it does and [spark] (pandas: nothing)."""
    if config["data"].get("engine") != "spark":
        return {}
    return {"engine": "spark", "spark": section(config, "spark")}


def section(config: dict[str, Any], name: str) -> dict[str, Any]:
    """A section of config.toml over its defaults (the task's, where it has its own)."""
    defaults = TASKS[config["task"]].defaults.get(name, DEFAULTS.get(name, {}))
    return {**defaults, **config.get(name, {})}


def uses_spark(params: dict[str, Any]) -> bool:
    """Whether a model trains on Spark: when its section says `engine = "spark"`."""
    return params.get("engine") == "spark"


def stage_settings(config: dict[str, Any], path: Path = Path("config.toml")) -> dict[str, dict[str, Any]]:
    """What each stage reads, and nothing more; `path` names config.toml in errors."""
    task, seed = config["task"], config.get("seed", 42)
    fields = TASKS[task].stage_fields(config)
    # The sample is taken from the snapshot by cleanup, and recorded with every model's scores.
    data = config["data"]
    sample = data.get("sample")
    cleanup_keys = {*TASKS[task].data_keys, *CLEANUP_KEYS}
    stages = {
        # [data] but the task's column names and the sample: changing those re-cleans, not re-fetches.
        "data": without_secrets({key: value for key, value in data.items() if key not in cleanup_keys})
        | data_engine(config),
        "clean": {
            "task": task,
            **fields["clean"],
            "seed": seed,
            "sample": sample,
            **section(config, "clean"),
            **data_engine(config),
        },
        "split": {
            "task": task,
            **fields["split"],
            "seed": seed,
            **section(config, "features"),
            **data_engine(config),
        },
        "evaluate": {"task": task, **fields["evaluate"], "sample": sample, "seed": seed},
        # Read by the leaderboard, the figures, the report and the API: changing it re-scores nothing.
        "leaderboard": {"good_enough": config.get("leaderboard", {}).get("good_enough")},
    }
    for name, params in config.get("models", {}).items():
        module = TASKS[task].models[name]
        if uses_spark(params):
            params = {**params, "spark": section(config, "spark")}
        stages[name] = {
            "model": name,
            "module": module,
            "task": task,
            **fields["model"],
            "seed": seed,
            "params": params,
        }
    return {**stages, **submit_stages(config, fields["evaluate"], path)}


def make_variables(config: dict[str, Any], path: Path = Path("config.toml")) -> str:
    """Make's view of config.toml and the code: data files, models, and the code behind each step."""
    task, names = config["task"], list(config.get("models", {}))
    source = config["data"]["source"]
    modules = {name: TASKS[task].models[name] for name in names}
    engine = config["data"].get("engine", "pandas")
    steps = ENGINE_STEPS[engine]
    lines = [
        "# Written by `python -m <package>.config` from config.toml and the code: edit those instead.",
        "# The local data files: the source's, and those a DuckDB [data] query names in quotes.",
        f"DATA_SOURCE := {' '.join(filter(None, [local_files(source), *snapshot_query_files(config)]))}",
        "# The item table ([data] items), read by training and the app, when there is one.",
        f"ITEMS := {local_files(config['data'].get('items') or '')}",
        "# What an object store source and [storage] remote need (module, extra): make installs it once.",
        f"DATA_EXTRA := {store_extra(config['data']['source'])}",
        f"REMOTE_EXTRA := {store_extra(config.get('storage', {}).get('remote', ''))}",
        f"MODELS := {' '.join(names)}",
        "# The models trained on Spark: make installs the spark extra (pyspark) before training them.",
        f"SPARK_MODELS := {' '.join(n for n in names if uses_spark(config['models'][n]))}",
        f"PREDICTED := {TASKS[task].predicted}",
        "# [data] engine = spark writes each dataset as a folder of Parquet files: make then sees the",
        "# marker written last inside it (DONE); with pandas each dataset is one file that make sees itself.",
        f"DONE := {'/_DONE' if engine == 'spark' else ''}",
        "# The module that runs each data step on the [data] engine.",
        *(f"STEP_{step} := {module}" for step, module in steps.items()),
        "# The package files each step runs (its module and what that imports); the submission's snapshot",
        "# is always taken in process.",
        *(f"CODE_{step} := {' '.join(step_code(steps.get(step, step), task))}" for step in STEPS),
        f"CODE_submit_data := {' '.join(step_code('data', task))}",
        "# Each model also runs its own module.",
        *(f"models/{name}.joblib: {' '.join(step_code('models.' + modules[name], task))}" for name in names),
        *submit_variables(config, path),
    ]
    return "\n".join(lines) + "\n"


def snapshot_query_files(config: dict[str, Any]) -> list[str]:
    """The files [data] query reads besides the source, when DuckDB runs it (a database runs its own)."""
    data = config["data"]
    return [] if kind(data["source"]) == "database" else query_files(data.get("query"))


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
        for stage, values in stage_settings(loaded, config).items()
        if write_if_changed(json.dumps(values, indent=2, sort_keys=True) + "\n", settings / f"{stage}.json")
    ]
    if changed:
        print(f"settings changed for: {', '.join(changed)}")
    # Always rewritten: its timestamp tells make that config.toml and the code have been read.
    write_text(make_variables(loaded, config), settings / "settings.mk")


if __name__ == "__main__":
    run(main)
