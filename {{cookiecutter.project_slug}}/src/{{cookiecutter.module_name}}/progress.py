"""Timing lines for the steps that can take a while (reading big files, grid searches).

They go to stderr, and only when it is a terminal: logs, CI and tests stay quiet.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def timed(what: str) -> Iterator[None]:
    """Say what is starting and, when it is done, how long it took."""
    show = sys.stderr.isatty()
    if show:
        print(f"  {what} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    yield
    if show:
        print(f"  {what}: done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
