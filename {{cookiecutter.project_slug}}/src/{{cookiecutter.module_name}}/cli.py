"""Wiring for the pipeline steps: `python -m <package>.<step> ARGS...`.

Each step module ends with `run(main)`; the arguments are `main`'s parameters,
so `python -m <package>.clean --help` shows what the step reads and writes.
"""

from __future__ import annotations

import argparse
import inspect
import sys
import typing
from collections.abc import Callable
from pathlib import Path


class StepError(Exception):
    """An expected failure (bad data or settings): shown as one line, without a traceback."""


def run(main: Callable[..., None]) -> None:
    """Parse the command line into `main`'s parameters, call it, report a StepError cleanly."""
    parser = argparse.ArgumentParser(prog=f"python -m {main.__module__}", description=inspect.getdoc(main))
    for name, hint in typing.get_type_hints(main).items():
        if name == "return":
            continue
        many = typing.get_origin(hint) is list
        parser.add_argument(name, type=Path, nargs="+" if many else None)
    arguments = vars(parser.parse_args())
    try:
        main(**arguments)
    except StepError as error:
        sys.exit(f"error: {error}")
