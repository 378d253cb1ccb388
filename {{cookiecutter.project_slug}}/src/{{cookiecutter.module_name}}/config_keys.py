"""The settings config.toml may hold, section by section, with their types: the one table to extend.

A new setting is one line in `SECTIONS` (its default, if any, goes in config.py's DEFAULTS); a new
`[data]` reader setting is a field of `sources.DataSettings`, which this table takes in whole.
A `[models.<name>]` section may hold the parameters of its module's `build()` (read from the code,
so a model's new parameter needs nothing here) and `max_train_rows`.
When config.toml is read, a key not in the table is one line naming the section, the key and the
closest valid key; a value of the wrong type names the type expected (never the value itself).
Standard library only: config.py runs before anything else.
"""

from __future__ import annotations

import ast
import difflib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Union

from .errors import StepError
from .models.registry import TASKS
from .sources import DataSettings

Number = int | float

# The reader settings: how [data] (and [submit]) read a source; config.py fills in the section a
# secret source is read back from and the [spark] settings itself.
READER: dict[str, Any] = {
    key: value
    for key, value in typing.get_type_hints(DataSettings).items()
    if key not in ("section", "spark")
}
# The keys at the top of config.toml, besides its sections
TOP = {"task": str, "seed": int}
# section -> key -> type. Keys of the other task family are known here; config.py refuses them
# with its own message.
SECTIONS: dict[str, dict[str, Any]] = {
    "data": {
        **READER,
        **{key: str for family in TASKS.values() for key in family.data_keys},
        "sample": Number,
    },
    "clean": {
        "max_missing_fraction": Number,
        "min_rows": int,
        "max_removed_share": Number,
        "drop_duplicates": bool,
        "missing_as_value": bool | list,
        "max_target_shift": Number,
    },
    "features": {
        "test_size": Number,
        "drop_columns": list,
        "keep_columns": list,
        "holdout": str,
        "min_interactions": int,
        "target_transform": str,
    },
    "evaluate": {"k": int, "metric": str, "folds": int},
    # The product's threshold on the primary metric: the leaderboard ships the cheapest model clearing it.
    "leaderboard": {"good_enough": Number},
    "spark": {"master": str, "conf": dict, "ui": bool},
    "submit": {**READER, "id": str, "column": str, "model": str, "probabilities": bool},
    # The team bucket `invoke push` / `invoke pull` share the snapshot through (storage.py reads it).
    "storage": {"remote": str, "storage_options": dict},
}
# What every model section may set besides its build() parameters (train.py reads it).
TRAINING_KEYS = {"max_train_rows": int}
NOT_SETTINGS = ("task", "seed")  # build()'s first parameters: from the task and [seed], never a section

KINDS = {str: "text", int: "a whole number", float: "a number", bool: "true or false", dict: "a table",
         list: "a list", type(None): "nothing"}  # fmt: skip


def matches(value: Any, expected: Any) -> bool:
    """Whether `value` (as TOML gives it) is of the type `expected` (a class, a union, a generic)."""
    if expected in (object, Any):
        return True
    if typing.get_origin(expected) in (Union, types.UnionType):
        return any(matches(value, option) for option in typing.get_args(expected))
    expected = typing.get_origin(expected) or expected
    if isinstance(value, bool) and expected is not bool:
        return False  # true is not 1
    if expected is float:
        return isinstance(value, (int, float))
    return isinstance(value, expected)


def kind(expected: Any) -> str:
    """The type `expected` in words: "a whole number", "text or nothing"."""
    if typing.get_origin(expected) in (Union, types.UnionType):
        words = [kind(option) for option in typing.get_args(expected) if option is not type(None)]
        if KINDS[float] in words and KINDS[int] in words:
            words.remove(KINDS[int])  # a whole number is a number too
        return " or ".join(dict.fromkeys(words))
    expected = typing.get_origin(expected) or expected
    return KINDS.get(expected, getattr(expected, "__name__", str(expected)))


def unknown(section: str, key: str, value: Any, valid: typing.Iterable[str], path: Path) -> StepError:
    """The error for a key that is not a setting (or a table that is not a section), with the closest."""
    table = not section and isinstance(value, dict)
    where, what = (
        (f"[{key}]", "a section") if table else (f"[{section}] {key}" if section else key, "a setting")
    )
    closest = difflib.get_close_matches(key, list(valid), n=1, cutoff=0.6)
    hint = f"did you mean {closest[0]}?" if closest else f"the settings there: {', '.join(sorted(valid))}"
    return StepError(f"{path}: {where} is not {what}; {hint}")


def check_section(values: Mapping[str, Any], section: str, valid: Mapping[str, Any], path: Path) -> None:
    """Every key of `values` is in `valid`, with a value of the type it names."""
    for key, value in values.items():
        if key not in valid:
            raise unknown(section, key, value, valid, path)
        if not matches(value, valid[key]):
            where = f"[{section}] {key}" if section else key
            raise StepError(f"{path}: {where} must be {kind(valid[key])}, not {kind(type(value))}")


def build_parameters(module: Path) -> dict[str, Any] | None:
    """The parameters `build()` in the model's `module` file takes (besides task and seed), any type;
    None if it takes any keyword (**params)."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    build = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "build")
    if build.args.kwarg is not None:
        return None
    names = [argument.arg for argument in (*build.args.args, *build.args.kwonlyargs)]
    return {name: object for name in names if name not in NOT_SETTINGS}


def check(config: Mapping[str, Any], model_files: Mapping[str, Path], path: Path) -> None:
    """Every key of config.toml is a setting of its section, of the right type; `model_files` are the
    modules of the models config.toml names ([models.<name>] -> models/<module>.py)."""
    check_section(config, "", {**TOP, **dict.fromkeys((*SECTIONS, "models"), dict)}, path)
    for section, valid in SECTIONS.items():
        if section in config:
            check_section(config[section], section, valid, path)
    for name, params in config.get("models", {}).items():
        taken = build_parameters(model_files[name])
        if taken is not None:
            check_section(params, f"models.{name}", {**taken, **TRAINING_KEYS}, path)
