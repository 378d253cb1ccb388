"""Rank every scored model: reports/leaderboard.md."""

from __future__ import annotations

from pathlib import Path

from .cli import run
from .files import read_json, write_text
from .results import rank, to_markdown


def main(metrics: list[Path], output: Path) -> None:
    """Rank the models scored in METRICS (JSON files) into OUTPUT (Markdown)."""
    table = to_markdown(rank([read_json(path) for path in metrics]))
    write_text(table, output)
    print(table)


if __name__ == "__main__":
    run(main)
