"""Data shaped like real competitions, built from what is installed: each test bakes a project, points
config.toml at the data and runs `make` (and `make submit`) for real.

- a table where missing means "none" in two text columns (scikit-learn's diabetes table with a
  fireplace-like and an alley-like column), scored by RMSLE on a log target;
- a downloaded-looking CSV (the penguins sample, two species): Latin-1 bytes and a browser's HTML
  line at the end, in the training file and in the unlabeled one, scored by ROC AUC;
- an hourly demand table whose hour is written only in its `datetime` text (as the bike-sharing
  competition's files are), with a test file identified by that text;
- a 22-year rating log whose last year holds a handful of users, with "|"-joined genres.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
from baked import TEMPLATE, baked, run, succeed
from sklearn.datasets import load_diabetes

PAGE = b"<html><body>\xb4 saved from the competition's site</body></html>\n"
# A browser's web archive goes on after the page with binary data, and a line of it can decode (Titanic's
# test.csv as a public repository has it): NUL bytes, then two letters.
ARCHIVE = b"\x00\x00\x00\x00\x00\x00\x00\x00p|\n"


def configure(project: Path, **sections: dict[str, str]) -> None:
    """Set keys of config.toml's sections (section -> key -> TOML value text): a key's line (or its
    commented-out example) in the section is replaced, else added under the header; a missing section
    is added at the end."""
    config = project / "config.toml"
    lines = config.read_text().splitlines()
    for section, keys in sections.items():
        if f"[{section}]" not in lines:
            lines += ["", f"[{section}]"]
        start = lines.index(f"[{section}]") + 1
        end = next((i for i in range(start, len(lines)) if lines[i].startswith("[")), len(lines))
        for key, value in keys.items():
            found = [i for i in range(start, end) if re.match(rf"#? ?{key} = ", lines[i])]
            if found:
                lines[found[0]] = f"{key} = {value}"
            else:
                lines.insert(start, f"{key} = {value}")
                end += 1
    config.write_text("\n".join(lines) + "\n")


def houses() -> pd.DataFrame:
    """442 patients as "houses": a positive target, ten numbers, and two text columns where missing
    means none: 47% without a fireplace (those cost less) and 18% without an alley."""
    data = load_diabetes(as_frame=True, scaled=False)
    frame = data.frame.rename(columns={"target": "price"})
    rng = np.random.default_rng(0)
    cheaper = frame["price"].rank(pct=True).to_numpy() < 0.55
    none = np.where(cheaper, rng.random(len(frame)) < 0.8, rng.random(len(frame)) < 0.1)
    frame["FireplaceQu"] = np.where(none, None, rng.choice(["Gd", "TA", "Fa"], len(frame)))
    frame["Alley"] = np.where(rng.random(len(frame)) < 0.18, None, rng.choice(["Grvl", "Pave"], len(frame)))
    frame["sex"] = frame["sex"].map({1.0: "F", 2.0: "M"})
    return frame


def test_default_cleanup_keeps_the_rows_and_the_leaderboard_ranks_by_rmsle(cookies):
    """Default cleanup keeps >= 85% of the rows although two columns are missing in 47% and 18% of them,
    naming both columns and the rows each saved; with [evaluate] metric = "rmsle" and a log target the
    leaderboard ranks by rmsle and every metrics file records the share of rows kept."""
    project = baked(cookies, project_name="House Prices", task="regression")
    frame = houses()
    (project / "data" / "external").mkdir()
    frame.to_csv(project / "data" / "external" / "train.csv", index=False)
    configure(
        project,
        data={"source": '"data/external/train.csv"', "target": '"price"'},
        features={"target_transform": '"log"'},
        evaluate={"metric": '"rmsle"'},
    )
    output = succeed(["make"], project)
    cleanup = json.loads((project / "data" / "interim" / "clean.json").read_text())
    assert cleanup["rows_kept_share"] >= 0.85
    assert re.search(
        r"drop the columns that cost the most rows: -2 columns \(FireplaceQu, Alley\); "
        r"FireplaceQu saved \d+ rows, Alley saved \d+ rows",
        output,
    )
    leaderboard = (project / "reports" / "leaderboard.md").read_text()
    assert "ranked by **rmsle** (lower is better)" in leaderboard
    knn = json.loads((project / "reports" / "metrics" / "knn.json").read_text())
    assert knn["primary_metric"] == "rmsle" and knn["rows_kept_share"] == cleanup["rows_kept_share"]
    # KNN's grid search chose its k by the same metric
    assert "learned on log(1 + target)" in knn["learned"] and "neg_root_mean_squared_log_error" in knn["learned"]


def test_the_kept_rows_bias_is_warned_about_in_the_build_the_leaderboard_and_the_report(cookies):
    """Told to keep the fireplace column (max_removed_share = 0.9), cleanup drops the cheaper houses: the
    build output, the leaderboard and the report all warn that the kept rows are unlike the removed."""
    project = baked(cookies, project_name="Biased Houses", task="regression")
    (project / "data" / "external").mkdir()
    houses().to_csv(project / "data" / "external" / "train.csv", index=False)
    configure(
        project, data={"source": '"data/external/train.csv"', "target": '"price"'}, clean={"max_removed_share": "0.9"}
    )
    result = run(["make"], project)
    assert result.returncode == 0, result.stderr
    assert "rows kept are unlike the" in result.stderr
    assert "**Warning:** cleanup kept " in (project / "reports" / "leaderboard.md").read_text()
    assert "rows kept are unlike the" in (project / "reports" / "REPORT.md").read_text()


def downloaded(frame: pd.DataFrame) -> bytes:
    """The CSV of `frame` as a browser saves it: Latin-1, with the page's HTML and the archive's binary
    data after the rows."""
    return frame.to_csv(index=False).encode("latin-1") + PAGE + ARCHIVE


def test_a_downloaded_csv_with_latin1_bytes_and_trailing_html_builds_and_submits(cookies):
    """First a one-line error naming the line and the bad byte; with [data] and [submit] encoding and
    bad_lines = "skip", the build and the submission go through, ranked by roc_auc, and say which lines
    were skipped; the submission has one row per row of the test set, none made of the junk."""
    project = baked(cookies, project_name="Survival", task="classification")
    sample = pd.read_csv(TEMPLATE / "{{cookiecutter.project_slug}}" / "data" / "sample" / "penguins.csv")
    two = sample[sample["species"].isin(["Adelie", "Gentoo"])].reset_index(drop=True)
    two["island"] = two["island"].str.replace("Torgersen", "Torgérsen")
    train, test = two.iloc[:240], two.iloc[240:].drop(columns=["species"]).assign(id=lambda t: range(len(t)))
    (project / "data" / "external").mkdir()
    (project / "data" / "external" / "train.csv").write_bytes(downloaded(train))
    (project / "data" / "external" / "test.csv").write_bytes(downloaded(test))
    configure(project, data={"source": '"data/external/train.csv"'})
    failed = run(["make", "data"], project)
    assert failed.returncode != 0 and "Traceback" not in failed.stderr
    assert re.search(r"line \d+ has bytes that are not utf-8: b'\\xe9'", failed.stderr)
    options = {"encoding": '"latin-1"', "bad_lines": '"skip"'}
    configure(
        project,
        data=options,
        evaluate={"metric": '"roc_auc"'},
        submit={"source": '"data/external/test.csv"', "id": '"id"', **options},
    )
    output = succeed(["make"], project)
    succeed(["make", "submit"], project)
    assert (
        f"skipped 2 line(s) of 'data/external/train.csv' that are not rows of the table "
        f'([data] bad_lines = "skip"): lines {len(train) + 2}, {len(train) + 3}' in output
    )
    assert "ranked by **roc_auc** (higher is better)" in (project / "reports" / "leaderboard.md").read_text()
    submission = pd.read_csv(project / "reports" / "submission.csv")
    assert submission["id"].tolist() == test["id"].tolist()


def hourly_demand(hours: int, start: str) -> pd.DataFrame:
    """Rentals per hour, `datetime` as competition files write it: busy from 7 to 19, quiet at night,
    whatever the temperature beside it."""
    rng = np.random.default_rng(1)
    times = pd.date_range(start, periods=hours, freq="h")
    busy = (times.hour >= 7) & (times.hour < 20)
    return pd.DataFrame(
        {
            "datetime": times.strftime("%Y-%m-%d %H:%M:%S"),
            "temp": rng.normal(15, 5, hours).round(1),
            "count": np.where(busy, rng.integers(150, 250, hours), rng.integers(0, 20, hours)),
        }
    )


def test_an_hour_written_only_in_a_date_is_learned_from_and_submitted(cookies):
    """The hour, which the rentals follow, is only in the `datetime` text: cleanup splits it out, the rules
    and KNN learn from `datetime_hour`, and the test set's rows, identified by their datetime, get it from
    theirs."""
    project = baked(cookies, project_name="Bikes", task="regression")
    (project / "data" / "external").mkdir()
    (project / "data" / "external" / "train.csv").write_text(hourly_demand(24 * 30, "2011-01-01").to_csv(index=False))
    test = hourly_demand(24 * 5, "2011-02-01").drop(columns="count")
    (project / "data" / "external" / "test.csv").write_text(test.to_csv(index=False))
    configure(
        project,
        data={"source": '"data/external/train.csv"', "target": '"count"'},
        submit={"source": '"data/external/test.csv"', "id": '"datetime"'},
    )
    output = succeed(["make"], project)
    assert "datetime (a date: its parts are features)" in output
    assert "datetime_hour" in (project / "reports" / "REPORT.md").read_text()
    assert "if datetime_hour <= " in output  # the rule's one threshold: quiet nights from the day
    knn = json.loads((project / "reports" / "metrics" / "knn.json").read_text())
    assert knn["metrics"]["r2"] > 0.5, "without the hour (the temperature alone) r2 is about 0"
    succeed(["make", "submit"], project)
    submission = pd.read_csv(project / "reports" / "submission.csv")
    assert submission["datetime"].tolist() == test["datetime"].tolist()
    at = submission.set_index(submission["datetime"].str[-8:])["count"]
    assert at["03:00:00"].mean() < at["12:00:00"].mean() / 2, "the test rows' hours were read"


GENRES = ["Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Drama", "Fantasy", "Horror"]
YEAR = 365 * 86400


def rating_log(users: int = 400, movies: int = 200) -> tuple[pd.DataFrame, pd.DataFrame]:
    """22 years of ratings, movies with "|"-joined genres; each user favours a genre; the last year has
    12 users, who rate obscure films."""
    rng = np.random.default_rng(3)
    genres = [rng.choice(GENRES, rng.integers(1, 4), replace=False) for _ in range(movies)]
    titles = pd.DataFrame(
        {
            "movieId": range(movies),
            "title": [f"Film {i} (19{i % 100:02d})" for i in range(movies)],
            "genres": ["|".join(g) for g in genres],
        }
    )
    appeal = rng.pareto(1.5, movies) + 0.1
    rows = []
    for user in range(users):
        late = user >= users - 12
        favourite = rng.choice(GENRES)
        weight = appeal * np.array([4.0 if favourite in g else 1.0 for g in genres])
        seen = (
            rng.choice(np.argsort(appeal)[:50], 10, replace=False)
            if late
            else rng.choice(movies, rng.integers(8, 40), replace=False, p=weight / weight.sum())
        )
        start = 21 * YEAR + rng.integers(0, YEAR - 86400) if late else rng.integers(0, 21 * YEAR)
        rows += [(user, int(movie), float(rng.integers(1, 6)), int(start + n * 60)) for n, movie in enumerate(seen)]
    return pd.DataFrame(rows, columns=["userId", "movieId", "rating", "timestamp"]), titles


def test_a_long_log_with_a_quiet_last_year_and_pipe_joined_genres_gets_rules_chosen_on_validation(cookies):
    """A wrong segment column is an error listing the item table's columns; with the right one the rules
    model tries all-time popularity, the windows and the genres (split on "|") on validation, chooses
    a rule at least as good as plain popularity there, and says what it tried."""
    project = baked(cookies, project_name="Movie Lens", task="recommendation")
    log, titles = rating_log()
    (project / "data" / "external").mkdir()
    log.to_csv(project / "data" / "external" / "ratings.csv", index=False)
    titles.to_csv(project / "data" / "external" / "movies.csv", index=False)
    columns = {"user": '"userId"', "item": '"movieId"', "time": '"timestamp"'}
    configure(project, data={"source": '"data/external/ratings.csv"', **columns, "items": '"data/external/movies.csv"'})
    failed = run(["make", "rules"], project)
    assert failed.returncode != 0 and "Traceback" not in failed.stderr
    assert "with columns 'movieId' and 'genre'; it has: movieId, title, genres" in failed.stderr
    configure(project, **{"models.rules": {"segment": '"genres"'}})
    succeed(["make", "rules"], project)
    learned = json.loads((project / "reports" / "metrics" / "rules.json").read_text())["learned"]
    tried = learned.split("on a validation split of the training data (")[1].rstrip(")")
    scores = {rule: float(score) for rule, score in (item.split(": ") for item in tried.split(", "))}
    rules = ["all time", "all time by genres", "90 days", "90 days by genres", "365 days", "365 days by genres"]
    assert list(scores) == rules
    # the quiet last year is not chosen: the rule counts over all time, never worse than plain popularity
    assert learned.startswith("recommend the items most often had, counted by users who had them, that")
    assert max(scores.values()) == max(scores["all time"], scores["all time by genres"]) >= scores["all time"]


def test_the_apps_filters_offer_each_genre_of_a_pipe_joined_column(cookies, monkeypatch):
    """The demo app splits "Adventure|Animation" into its genres: the filter offers the 9 genres (not the
    combinations), and choosing Horror keeps every model's items that have Horror among their genres."""
    from streamlit.testing.v1 import AppTest

    project = baked(cookies, project_name="Movie Filters", task="recommendation")
    log, titles = rating_log()
    (project / "data" / "external").mkdir()
    log.to_csv(project / "data" / "external" / "ratings.csv", index=False)
    titles.to_csv(project / "data" / "external" / "movies.csv", index=False)
    configure(
        project,
        data={
            "source": '"data/external/ratings.csv"',
            "user": '"userId"',
            "item": '"movieId"',
            "time": '"timestamp"',
            "items": '"data/external/movies.csv"',
        },
        **{"models.rules": {"segment": '"genres"'}},
    )
    succeed(["make"], project)
    monkeypatch.syspath_prepend(str(project / "src"))
    app = AppTest.from_file(str(project / "app.py"), default_timeout=120)
    app.run()
    assert sorted(app.multiselect(key="filter_genres").options) == sorted(GENRES)
    app.multiselect(key="filter_genres").set_value(["Horror"]).run()
    assert not app.exception
    shown = [table.value for table in app.dataframe][1:]  # the user's history, then each model's top k
    assert len(shown) == 3 and all(len(top) for top in shown)
    assert all("Horror" in genres.split("|") for top in shown for genres in top["genres"])
