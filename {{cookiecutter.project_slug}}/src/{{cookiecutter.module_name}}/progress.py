"""Progress bars for the work that can take a while: reading big files, fetching pages,
searching a grid, predicting in batches.

They are drawn only on a terminal: on stderr when it is one, or, while `make --output-sync`
(what `invoke` runs) holds a step's output back, straight on the terminal GNU make names in
MAKE_TERMERR. Logs, CI and tests have no terminal, so they stay quiet.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

if TYPE_CHECKING:
    from tqdm import tqdm


@functools.cache
def terminal() -> TextIO | None:
    """Where a bar can be seen, or None: stderr if it is a terminal, else the terminal make reports."""
    if sys.stderr.isatty():
        return sys.stderr
    name = os.environ.get("MAKE_TERMERR", "")  # make 4 sets it to the terminal's device, or "true"
    if not name.startswith("/dev/"):
        return None
    try:
        return open(name, "w", encoding="utf-8")  # noqa: SIM115 (open for the life of the step)
    except OSError:
        return None


def bar(total: int | None, what: str, unit: str = "it", **options: object) -> tqdm:
    """A bar for `total` units of work (None when unknown), labelled `what`; hidden off a terminal."""
    # Imported here: the steps that never draw a bar (cleanup, the split, the figures) skip its import.
    from tqdm import tqdm

    return tqdm(
        total=total,
        desc=f"  {what}",
        unit=unit,
        file=terminal() or sys.stderr,
        disable=terminal() is None,
        dynamic_ncols=True,
        **options,
    )


@contextmanager
def reading(path: Path) -> Iterator[BinaryIO]:
    """`path` opened for reading in binary, with a bar of the bytes read so far."""
    from tqdm.utils import CallbackIOWrapper

    with (
        path.open("rb") as file,
        bar(
            path.stat().st_size, f"reading {path.name}", unit="B", unit_scale=True, unit_divisor=1024
        ) as progress,
    ):
        yield CallbackIOWrapper(progress.update, file, "read")
