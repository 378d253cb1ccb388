"""Wiring for the pipeline steps: `python -m <package>.<step> ARGS...`.

Each step module ends with `run(main)`; the arguments are `main`'s parameters (paths,
unless typed `str` or `int`), so `python -m <package>.clean --help` shows what the step
reads and writes.
When make runs a step, it also logs how long the step took (see `log_duration`).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import resource
import sys
import time
import typing
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from . import STARTED
from .errors import StepError


def run(main: Callable[..., None]) -> None:
    """Parse the command line into `main`'s parameters, call it, report a StepError cleanly."""
    # Run as `python -m <package>.<step>`, main's module is __main__; its spec keeps the real name.
    spec = sys.modules[main.__module__].__spec__
    module = spec.name if spec else main.__module__
    parser = argparse.ArgumentParser(prog=f"python -m {module}", description=inspect.getdoc(main))
    for name, hint in typing.get_type_hints(main).items():
        if name == "return":
            continue
        many = typing.get_origin(hint) is list
        kind = typing.get_args(hint)[0] if many else hint
        parser.add_argument(name, type=kind if kind in (str, int) else Path, nargs="+" if many else None)
    arguments = vars(parser.parse_args())
    try:
        main(**arguments)
    except StepError as error:
        sys.exit(f"error: {error}")
    log_duration(module, sys.argv[1:])


def peak_memory_mb() -> int:
    """The most memory this process has held so far (its peak resident set), in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024**2 if sys.platform == "darwin" else 1024))  # macOS counts bytes, Linux KiB


def log_duration(module: str, args: list[str]) -> None:
    """Append one line on this step's run to the build log the Makefile names in $BUILD_LOG.

    `invoke sprint` sums the latest full build from it, to warn when a rebuild from scratch
    would no longer fit before the code freeze. Steps run by hand are not logged.
    """
    log = os.environ.get("BUILD_LOG")
    if not log:
        return
    record = {
        "step": module.rsplit(".", 1)[-1],
        "args": args,
        "seconds": round(time.monotonic() - STARTED, 3),
        "peak_rss_mb": peak_memory_mb(),
        # To the millisecond: steps that make runs side by side show so.
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
    }
    # One short append per step: lines from steps that make runs in parallel do not mix.
    with open(log, "a", encoding="utf-8") as file:
        file.write(json.dumps(record) + "\n")
