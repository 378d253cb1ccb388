"""Rank every scored model and say which to ship: reports/leaderboard.md."""

from __future__ import annotations

from pathlib import Path

from .cli import run
from .files import read_json, write_text
from .results import rank, to_markdown, to_ship


def main(settings: Path, metrics: list[Path], output: Path) -> None:
    """Rank the models scored in METRICS (JSON files) into OUTPUT (Markdown), with the model to ship by
    SETTINGS' good_enough threshold ([leaderboard] in config.toml)."""
    results = [read_json(path) for path in metrics]
    _, ship = to_ship(results, read_json(settings).get("good_enough"))
    table = to_markdown(rank(results), ship=ship)
    write_text(table, output)
    print(table)


if __name__ == "__main__":
    run(main)
