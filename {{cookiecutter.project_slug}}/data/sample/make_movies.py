"""Write a synthetic movie catalogue and a log of who watched (and rated) what.

    python data/sample/make_movies.py                      # the shipped sample (see MOVIES.md)
    python data/sample/make_movies.py --users 100000 --items 10000 --interactions 2500000 \\
        --output data/external/movies-medium                # the benchmark's medium scale

Writes two CSV files into --output:
  movies.csv        item (m0012), title, genre, year
  interactions.csv  user (u00042), item, rating (1-5), timestamp (Unix seconds)

The data are made up (no licence issue), but shaped like real interaction logs so that the
model progression means something on them:
  - taste: every movie has a genre and a few latent "style" factors; every user likes a few
    genres (a sparse Dirichlet draw) and some styles, so people who watched the same movies
    watch similar ones next (what collaborative filtering finds and popularity cannot);
  - item popularity is Zipf-skewed (a few blockbusters, a long tail);
  - user activity is skewed too (lognormal: most users watch a few movies, some watch hundreds);
  - ratings are higher when the movie fits the user's taste, timestamps spread over each
    user's active period.
Every draw comes from one seeded generator: the same options always write the same files.
Users are generated in chunks appended to the CSV, so memory stays flat up to tens of
millions of interactions. Standalone on purpose: numpy and pandas only, no project imports.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

GENRES = (
    "Action", "Adventure", "Animation", "Comedy", "Crime", "Documentary",
    "Drama", "Fantasy", "Horror", "Romance", "Sci-Fi", "Thriller",
)  # fmt: skip
ADJECTIVES = (
    "Silent", "Crimson", "Last", "Hidden", "Broken", "Golden", "Electric", "Lonely", "Wild", "Frozen",
    "Secret", "Midnight", "Lost", "Burning", "Distant", "Velvet", "Iron", "Paper", "Hollow", "Bright",
    "Restless", "Sleeping", "Falling", "Northern", "Savage", "Gentle", "Endless", "Stolen", "Quiet", "Final",
)  # fmt: skip
NOUNS = (
    "River", "Harbor", "Kingdom", "Summer", "Witness", "Garden", "Empire", "Signal", "Station", "Horizon",
    "Mirror", "Orchard", "Frontier", "Promise", "Voyage", "Machine", "Island", "Letter", "Storm", "Circus",
    "Detective", "Planet", "Lighthouse", "Wolves", "Dancer", "Passage", "Carnival", "Tide", "Archive",
    "Crown",
)  # fmt: skip

STYLES = 8  # hidden tastes that cut across genres (tone, pace, ...): one per movie
ZIPF_EXPONENT = 1.0  # item popularity ~ 1 / rank ** ZIPF_EXPONENT
POPULARITY_WEIGHT = 0.8  # the exponent on popularity: how much it, against taste, decides a pick
GENRE_CONCENTRATION = 0.25  # Dirichlet concentration of genre taste: low means each user likes few genres
STYLE_CONCENTRATION = 0.5  # the same for the hidden styles
ACTIVITY_SIGMA = 1.1  # lognormal spread of interactions per user
FIRST_DAY = pd.Timestamp("2019-01-01").timestamp()
LOG_DAYS = 5 * 365  # the log spans five years
INTERACTIONS_PER_CHUNK = 1_000_000  # drawn at once: memory stays flat however many there are in all


def id_width(count: int, minimum: int) -> int:
    """Digits for zero-padded ids, so that they sort in order."""
    return max(minimum, len(str(count - 1)))


def make_movies(rng: np.random.Generator, items: int) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The catalogue, each movie's taste cell (genre x hidden style) and popularity (Zipf, summing to 1)."""
    width = id_width(items, 4)
    genre = rng.choice(len(GENRES), size=items, p=rng.dirichlet(np.full(len(GENRES), 3.0)))
    style = rng.integers(0, STYLES, size=items)
    years = np.clip(2024 - rng.gamma(2.0, 9.0, size=items).astype(int), 1930, 2024)
    titles = [
        f"The {a} {n}" for a, n in zip(rng.choice(ADJECTIVES, items), rng.choice(NOUNS, items), strict=True)
    ]
    movies = pd.DataFrame(
        {
            "item": [f"m{i:0{width}d}" for i in range(items)],
            "title": titles,
            "genre": np.asarray(GENRES)[genre],
            "year": years,
        }
    )
    popularity = 1.0 / rng.permutation(np.arange(1, items + 1)) ** ZIPF_EXPONENT
    return movies, genre * STYLES + style, popularity / popularity.sum()


def user_activity(rng: np.random.Generator, users: int, items: int, interactions: int) -> np.ndarray:
    """Interactions per user: lognormal, scaled to about `interactions` in all, each in [1, items / 2]."""
    raw = rng.lognormal(0.0, ACTIVITY_SIGMA, size=users)
    counts = np.maximum(1, np.round(raw * interactions / raw.sum()))
    return np.minimum(counts, max(1, items // 2)).astype(np.int64)


def draw_rows(rng: np.random.Generator, weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each entry r of `rows`, a column drawn in proportion to weights[r] (inverse CDF).

    Row r's normalised cumulative weights are shifted into [r, r + 1), so one searchsorted
    over the flattened rows draws for every row at once.
    """
    cumulative = (
        np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1) + np.arange(len(weights))[:, None]
    )
    # 0.999999 keeps each draw inside its own row despite rounding in the cumulative sum
    flat = np.searchsorted(cumulative.ravel(), rows + rng.random(len(rows)) * 0.999999, side="right")
    return np.minimum(flat - rows * weights.shape[1], weights.shape[1] - 1)


def draw_items(
    rng: np.random.Generator,
    cell_preference: np.ndarray,
    counts: np.ndarray,
    item_cell: np.ndarray,
    pull: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """For each user u, about counts[u] distinct items: a taste cell drawn by the user's preference
    for it times its total pull, then an item of that cell by its pull (popularity ** weight).

    Draws with replacement, drops repeats, then draws again for the users still short, a few rounds.
    """
    users, cells = cell_preference.shape
    items = len(item_cell)
    cell_pull = np.bincount(item_cell, weights=pull, minlength=cells)
    by_cell = np.argsort(item_cell, kind="stable")
    cell_end = np.cumsum(np.bincount(item_cell, minlength=cells))
    # an item of cell c: a point in c's stretch of the cumulative pull of the items in cell order
    cumulative = np.cumsum(pull[by_cell])
    before_cell = cumulative[cell_end - 1] - cell_pull
    pairs = np.empty(0, dtype=np.int64)
    missing = counts
    for _ in range(4):
        rows = np.repeat(np.arange(users), missing)
        cell = draw_rows(rng, cell_preference * cell_pull, rows)
        points = before_cell[cell] + rng.random(len(rows)) * cell_pull[cell]
        position = np.minimum(np.searchsorted(cumulative, points, side="right"), cell_end[cell] - 1)
        # distinct by sorting: np.union1d's hashing was most of the run time
        pairs = np.sort(np.concatenate([pairs, rows * items + by_cell[position]]))
        pairs = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])]
        missing = np.maximum(counts - np.bincount(pairs // items, minlength=users), 0)
    return np.divmod(pairs, items)


def draw_chunk(
    rng: np.random.Generator,
    first_user: int,
    counts: np.ndarray,
    item_cell: np.ndarray,
    popularity: np.ndarray,
) -> pd.DataFrame:
    """The interactions of one chunk of users: who watched what, the rating and when."""
    users = len(counts)
    genre_taste = rng.dirichlet(np.full(len(GENRES), GENRE_CONCENTRATION), size=users)
    style_taste = rng.dirichlet(np.full(STYLES, STYLE_CONCENTRATION), size=users)
    cell_preference = (genre_taste[:, :, None] * style_taste[:, None, :]).reshape(users, -1)
    rows, columns = draw_items(rng, cell_preference, counts, item_cell, popularity**POPULARITY_WEIGHT)
    fit = np.log(cell_preference[rows, item_cell[columns]] * cell_preference.shape[1])
    fit = (fit - fit.mean()) / (fit.std() + 1e-9)
    ratings = np.clip(np.round(3.5 + 0.9 * fit + rng.normal(0, 0.7, len(rows))), 1, 5).astype(np.int8)
    start = rng.uniform(0, LOG_DAYS - 30, size=users)
    span = rng.uniform(30, LOG_DAYS, size=users)
    end = np.minimum(start + span, LOG_DAYS)
    days = start[rows] + rng.random(len(rows)) * (end - start)[rows]
    return pd.DataFrame(
        {
            "user": first_user + rows,
            "item": columns,
            "rating": ratings,
            "timestamp": (FIRST_DAY + days * 86400).astype(np.int64),
        }
    )


def write_interactions(
    rng: np.random.Generator,
    counts: np.ndarray,
    item_cell: np.ndarray,
    popularity: np.ndarray,
    item_ids: np.ndarray,
    path: Path,
) -> int:
    """Draw the users chunk by chunk, appending to `path`; return the number of interactions."""
    width = id_width(len(counts), 5)
    user_ids = np.array([f"u{number:0{width}d}" for number in range(len(counts))])
    # consecutive users with about INTERACTIONS_PER_CHUNK interactions in all
    ends = np.cumsum(counts)
    starts = np.unique(np.searchsorted(ends, np.arange(0, ends[-1], INTERACTIONS_PER_CHUNK), side="right"))
    written = 0
    for first, stop in zip(starts, [*starts[1:], len(counts)], strict=True):
        chunk = draw_chunk(rng, first, counts[first:stop], item_cell, popularity)
        chunk["user"] = user_ids[chunk["user"].to_numpy()]
        chunk["item"] = item_ids[chunk["item"].to_numpy()]
        chunk.to_csv(path, mode="w" if first == 0 else "a", header=first == 0, index=False)
        written += len(chunk)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=4000, help="number of users (default 4000)")
    parser.add_argument("--items", type=int, default=1500, help="number of movies (default 1500)")
    parser.add_argument(
        "--interactions", type=int, default=80000, help="about how many interactions in all (default 80000)"
    )
    parser.add_argument("--seed", type=int, default=42, help="the one seed of every draw (default 42)")
    parser.add_argument(
        "--output",
        type=Path,
        default=Path(__file__).resolve().parent,
        help="folder to write the two CSVs into",
    )
    options = parser.parse_args()
    if min(options.users, options.items, options.interactions) < 1:
        parser.error("--users, --items and --interactions must be positive")
    rng = np.random.default_rng(options.seed)
    options.output.mkdir(parents=True, exist_ok=True)
    movies, item_cell, popularity = make_movies(rng, options.items)
    movies.to_csv(options.output / "movies.csv", index=False)
    counts = user_activity(rng, options.users, options.items, options.interactions)
    written = write_interactions(
        rng, counts, item_cell, popularity, movies["item"].to_numpy(), options.output / "interactions.csv"
    )
    print(
        f"wrote {len(movies)} movies and {written} interactions of {options.users} users to {options.output}"
    )


if __name__ == "__main__":
    main()
