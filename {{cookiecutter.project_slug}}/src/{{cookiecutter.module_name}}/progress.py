"""Progress bars for the work that can take a while: reading big files, fetching pages,
searching a grid, predicting in batches.

They are drawn on stderr only when it is a terminal: logs, CI, tests and make's collected
output (`make --output-sync`) stay quiet.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from tqdm import tqdm


def bar(total: int | None, what: str, unit: str = "it", **options: object) -> tqdm:
    """A bar for `total` units of work (None when unknown), labelled `what`; hidden off a terminal."""
    # Imported here: the steps that never draw a bar (cleanup, the split, the figures) skip its import.
    from tqdm import tqdm

    return tqdm(
        total=total,
        desc=f"  {what}",
        unit=unit,
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
        dynamic_ncols=True,
        **options,
    )


@contextmanager
def reading(path: Path) -> Iterator[BinaryIO]:
    """`path` opened for reading in binary, with a bar of the bytes read so far."""
    from tqdm.utils import CallbackIOWrapper

    with path.open("rb") as file, bar(
        path.stat().st_size, f"reading {path.name}", unit="B", unit_scale=True, unit_divisor=1024
    ) as progress:
        yield CallbackIOWrapper(progress.update, file, "read")
