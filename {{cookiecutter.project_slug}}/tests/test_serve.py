"""The JSON API (`invoke serve`), started with uvicorn on a free loopback port and called over HTTP.

The API serves a built copy of this project: the copy is made in a temporary folder and `make leaderboard`
brings it up to date there (nothing to do when this project is built already), so the tests never
change this folder.
"""

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import joblib
{%- if cookiecutter.task != 'recommendation' %}
import numpy as np
{%- endif %}
import pandas as pd
import pytest

from {{ cookiecutter.module_name }}.files import read_json{% if cookiecutter.task == 'recommendation' %}, read_toml{% endif %}
{%- if cookiecutter.task == 'recommendation' %}
from {{ cookiecutter.module_name }}.item_table import read_items
{%- endif %}
from {{ cookiecutter.module_name }}.results import rank
{%- if cookiecutter.task == 'recommendation' %}
from {{ cookiecutter.module_name }}.sources.local import read_files
{%- else %}
from {{ cookiecutter.module_name }}.tasks.table_submission import submission
{%- endif %}

ROOT = Path(__file__).resolve().parents[1]
MODULE = "{{ cookiecutter.module_name }}"
NOT_COPIED = shutil.ignore_patterns(".venv", ".git", "__pycache__", ".pytest_cache", "notebooks")
STARTUP_SECONDS = 60
MAKE_SECONDS = 600
JSON = {"content-type": "application/json"}
MAX_BODY = 10_000_000  # the API's default body limit (serve/limits.py)
{%- if cookiecutter.task == 'recommendation' %}
POST = "/recommend"
{%- else %}
POST = "/predict"
{%- endif %}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def built_copy(into: Path) -> Path:
    """A copy of this project (timestamps kept), its pipeline built up to the leaderboard."""
    copy = into / ROOT.name
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED)
    make(copy, "leaderboard")
    return copy


def serve_command(root: Path, port: int, *options: str) -> list[str]:
    return [sys.executable, "-m", f"{MODULE}.serve", "--root", str(root), "--port", str(port), *options]


def start(root: Path, log: Path, *options: str) -> tuple[subprocess.Popen, str]:
    """The API over `root` on a free port (with the command line's `options`), once it answers /health;
    what it prints goes to `log` (a pipe nobody reads while it runs could fill and stall it)."""
    port = free_port()
    environment = {**os.environ, "PYTHONPATH": str(root / "src")}
    with open(log, "w") as output:
        server = subprocess.Popen(
            serve_command(root, port, *options), env=environment, stdout=output, stderr=output
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the API stopped at start-up:\n{log.read_text()}")
        try:
            httpx.get(f"{url}/health", timeout=1).raise_for_status()
            return server, url
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise AssertionError(f"the API did not answer within {STARTUP_SECONDS} s")


def files_under(root: Path, *folders: str) -> dict[str, float]:
    return {
        str(path.relative_to(root)): path.stat().st_mtime
        for folder in folders
        for path in sorted((root / folder).rglob("*"))
    }


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return built_copy(tmp_path_factory.mktemp("served"))


@pytest.fixture(scope="module")
def untouched(project) -> Iterator[dict[str, float]]:
    """What data/ and models/ hold before the API starts (the API must leave them so)."""
    yield files_under(project, "data", "models")


@pytest.fixture(scope="module")
def server(project, untouched, tmp_path_factory) -> Iterator[tuple[subprocess.Popen, str]]:
    """The API over the built copy: its process and its URL."""
    server, url = start(project, tmp_path_factory.mktemp("log") / "serve.log")
    yield server, url
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(scope="module")
def api(server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server[1], timeout=60) as client:
        yield client


@contextmanager
def serving(root: Path, log: Path, *options: str) -> Iterator[httpx.Client]:
    """A client of another API over `root` (started with `options`), for as long as the block runs."""
    server, url = start(root, log, *options)
    try:
        with httpx.Client(base_url=url, timeout=60) as client:
            yield client
    finally:
        server.terminate()
        server.wait(timeout=30)


def make(root: Path, *targets: str) -> None:
    # this make is not part of the make that may be running the tests
    environment = {name: value for name, value in os.environ.items() if not name.startswith("MAKE")}
    done = subprocess.run(
        ["make", f"PYTHON={sys.executable}", *targets],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=MAKE_SECONDS,
    )
    assert done.returncode == 0, f"make {' '.join(targets)} failed:\n{done.stdout}\n{done.stderr}"


def post_json_text(api: httpx.Client, path: str, text: str) -> httpx.Response:
    """POST `text` as a JSON body, as written (NaN, Infinity and lone surrogates included)."""
    return api.post(path, content=text.encode("utf-8", "surrogatepass"), headers=JSON)


def peak_memory_mb(pid: int) -> float | None:
    """The process's peak resident memory in MB (Linux's /proc); None where there is no /proc."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return None
    line = next(line for line in status.read_text().splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


@pytest.fixture(scope="module")
def ranked(project) -> list[dict]:
    return rank([read_json(path) for path in sorted((project / "reports" / "metrics").glob("*.json"))])


def saved_model(project: Path, name: str):
    return joblib.load(project / "models" / f"{name}.joblib")


def test_health_says_the_task_and_the_model_used_by_default(api, ranked):
    """/health answers once the models are loaded, with the task and the leaderboard's best as the default."""
    answer = api.get("/health")
    assert answer.status_code == 200
    health = answer.json()
    assert (health["status"], health["task"]) == ("ok", ranked[0]["task"])
    assert health["default_model"] == ranked[0]["model"]


def test_health_and_models_name_the_model_files_served(api, project, ranked):
    """/health and /models name each served model's file, its time and its SHA-256; nothing newer is built."""
    health = api.get("/health").json()
    assert set(health["served"]) == {result["model"] for result in ranked}
    for name, served in health["served"].items():
        path = project / served["file"]
        assert served["file"] == f"models/{name}.joblib"
        assert served["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (health["newer_build"], health["rebuilt"]) == (False, [])
    listed = api.get("/models").json()
    assert {entry["model"]: entry["served"] for entry in listed} == health["served"]
    assert not any(entry["newer_build"] for entry in listed)


def test_models_is_the_leaderboard_best_first_with_lift_over_random(api, ranked):
    """/models lists every scored model in leaderboard order, with its primary metric and its lift."""
    listed = api.get("/models").json()
    assert [entry["model"] for entry in listed] == [result["model"] for result in ranked]
    for entry, result in zip(listed, ranked, strict=True):
        metric = result["primary_metric"]
        assert (entry["primary_metric"], entry["score"]) == (metric, result["metrics"][metric])
    baseline = next(entry for entry in listed if entry["model"] == "random")
    assert baseline["lift_over_random"] is None
    assert all(isinstance(entry["lift_over_random"], float) for entry in listed if entry is not baseline)


def test_models_gives_every_score_with_its_95_interval_and_what_the_model_costs(api, ranked):
    """/models holds each model's metrics as its metrics file has them, each with its 95% interval, whether
    it is better than random by the interval of its gain, and its prediction and training seconds."""
    listed = {entry["model"]: entry for entry in api.get("/models").json()}
    for result in ranked:
        entry = listed[result["model"]]
        assert entry["metrics"] == result["metrics"]
        assert entry["intervals"] == result["intervals"] and entry["intervals"]
        for name, (low, high) in entry["intervals"].items():
            assert low <= entry["metrics"][name] <= high
        assert entry["cost"] == result["cost"] and entry["cost"]["predict_seconds_per_unit"] > 0
    assert listed["random"]["better_than_random"] is None and listed["knn"]["better_than_random"] is True


def test_model_good_enough_serves_the_model_the_leaderboard_says_to_ship(project, ranked, tmp_path):
    """`--model good_enough` (MODEL=good_enough) answers with the model leaderboard.md ships by
    [leaderboard] good_enough: one choice, results.to_ship, decides both."""
    copy = tmp_path / "good-enough"
    shutil.copytree(project, copy)
    metric = ranked[0]["primary_metric"]
    # a bar every model but the baseline clears: the cheapest of them is shipped
    intervals = [r["intervals"][metric] for r in ranked if r["model"] != "random"]
    lows, highs = zip(*intervals, strict=True)
    bar = min(lows) if ranked[0]["higher_is_better"] else max(highs)
    with open(copy / "config.toml", "a") as config:
        config.write(f"\n[leaderboard]\ngood_enough = {bar}\n")
    make(copy, "leaderboard")
    lines = (copy / "reports" / "leaderboard.md").read_text().splitlines()
    shipped = next(line for line in lines if line.startswith("Ship "))
    with serving(copy, tmp_path / "serve.log", "--model", "good_enough") as api:
        default = api.get("/health").json()["default_model"]
    assert shipped.startswith(f"Ship **{default}**: the cheapest model")


def test_a_page_from_another_origin_may_call_it(api):
    """Browsers let a front-end served elsewhere (another port or host) call the API: any origin may."""
    origin = "http://localhost:3000"
    asked = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    preflight = api.options("/models", headers={"Origin": origin, **asked})
    assert preflight.status_code == 200
    assert api.get("/models", headers={"Origin": origin}).headers["access-control-allow-origin"] == "*"


def test_a_model_file_older_than_the_training_rows_stops_the_start_naming_its_make_target(project, tmp_path):
    """A model older than its training rows is not served: the start fails naming the make target to run."""
    copy = tmp_path / "stale"
    shutil.copytree(project, copy)
    os.utime(copy / "data" / "processed" / "train.parquet")
    done = subprocess.run(
        serve_command(copy, free_port()),
        env={**os.environ, "PYTHONPATH": str(copy / "src")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert done.stderr.startswith("error: models/") and "run `make models/" in done.stderr
    assert "Traceback" not in done.stderr


def announced_post(url: str, path: str, length: int) -> tuple[int, float]:
    """POST headers announcing a body of `length` bytes, then only 64 KB of it: the status answered and
    how long that took (the socket gives up after 10 s)."""
    host, port = url.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        head = f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        connection.sendall(f"{head}Content-Length: {length}\r\n\r\n".encode() + b"[" + b" " * 65_536)
        answer = connection.recv(4096)
    return int(answer.split()[1]), time.monotonic() - started


def test_a_body_over_the_limit_is_a_413_at_once_while_another_client_is_answered(server, valid_body):
    """A request announcing a 500 MB body gets 413 within seconds, its body unread, while a client sending
    normal requests meanwhile gets every answer within seconds."""
    url = server[1]
    stop, latencies = threading.Event(), []

    def normal_client() -> None:
        with httpx.Client(base_url=url, timeout=10) as client:
            while not stop.is_set():
                started = time.monotonic()
                assert client.post(POST, json=valid_body).status_code == 200
                latencies.append(time.monotonic() - started)

    with ThreadPoolExecutor(1) as pool:
        normal = pool.submit(normal_client)
        status, seconds = announced_post(url, POST, 50 * MAX_BODY)
        time.sleep(0.5)
        stop.set()
        normal.result()
    assert (status, seconds < 2) == (413, True)
    assert latencies and max(latencies) < 5


def test_a_streamed_body_over_the_limit_is_a_413_and_the_servers_memory_stays_bounded(server, api):
    """A 200 MB body sent in chunks, with no length announced, is cut off at the limit with 413; the
    server's peak memory stays under 1 GB (checked where /proc exists)."""

    def chunks() -> Iterator[bytes]:
        yield b"["
        for _ in range(200):
            yield b" " * 1_000_000

    answer = api.post(POST, content=chunks(), headers=JSON)
    assert answer.status_code == 413
    assert api.get("/health").status_code == 200
    peak = peak_memory_mb(server[0].pid)
    assert peak is None or peak < 1024, f"the server peaked at {peak:.0f} MB"


def test_the_api_says_when_a_newer_build_is_on_disk_and_keeps_serving_the_old_one(project, tmp_path):
    """After `make` retrains a model while the API runs, /health and /models say which model has a newer
    file on disk; the API keeps serving the files it loaded (their hashes unchanged) until restarted."""
    copy = tmp_path / "retrained"
    shutil.copytree(project, copy)
    with serving(copy, tmp_path / "serve.log") as api:
        before = api.get("/health").json()
        (copy / "models" / "random.joblib").unlink()
        make(copy, "leaderboard")
        after = api.get("/health").json()
        listed = {entry["model"]: entry for entry in api.get("/models").json()}
    assert (before["newer_build"], after["newer_build"], after["rebuilt"]) == (False, True, ["random"])
    assert after["served"] == before["served"]
    assert listed["random"]["newer_build"] and not listed[before["default_model"]]["newer_build"]


def test_on_a_tie_the_default_model_is_the_leaderboards_best(project, ranked, tmp_path):
    """When two models tie on the primary metric, the API's default is the model leaderboard.md ranks
    first (one ranking, results.rank, decides both)."""
    copy = tmp_path / "tie"
    shutil.copytree(project, copy)
    best, second = ranked[0], ranked[1]
    metric = best["primary_metric"]
    tied = {**second, "metrics": {**second["metrics"], metric: best["metrics"][metric]}}
    (copy / "reports" / "metrics" / f"{second['model']}.json").write_text(json.dumps(tied))
    make(copy, "leaderboard")
    first_row = next(
        line
        for line in (copy / "reports" / "leaderboard.md").read_text().splitlines()
        if line.startswith("| 1 |")
    )
    with serving(copy, tmp_path / "serve.log") as api:
        default = api.get("/health").json()["default_model"]
    assert first_row.split("|")[2].strip() == default

{%- if cookiecutter.task == 'recommendation' %}


@pytest.fixture(scope="module")
def train(project) -> pd.DataFrame:
    return pd.read_parquet(project / "data" / "processed" / "train.parquet")


@pytest.fixture(scope="module")
def columns(ranked) -> dict:
    return ranked[0]["columns"]


@pytest.fixture(scope="module")
def busiest(train, columns):
    """The user with the most training interactions."""
    return train[columns["user"]].value_counts().index[0]


def items_of(answer: dict) -> list:
    return [entry["item"] for entry in answer["items"]]


def test_a_known_user_gets_a_models_own_top_k_without_items_they_had(api, project, train, columns, busiest):
    """GET /recommend/{user} is the best model's own top k for the user, none of them items the user had."""
    answer = api.get(f"/recommend/{busiest}", params={"k": 5}).json()
    assert answer["cold_start"] is False
    had = set(train.loc[train[columns["user"]] == busiest, columns["item"]])
    assert len(answer["items"]) == 5 and not had & set(items_of(answer))
    expected = saved_model(project, answer["model"]).recommend([busiest], 5)["item"].tolist()
    assert items_of(answer) == expected


def test_each_recommended_item_comes_with_its_row_of_the_item_table(api, project, busiest, ranked, columns):
    """With [data] items, every recommended item carries its details (title, genre, ...) for the front-end."""
    assert ranked[0]["items"], "these tests run on a project with an item table ([data] items)"
    table = read_items({"items": str(project / ranked[0]["items"])}, read_files).set_index(columns["item"])
    answer = api.get(f"/recommend/{busiest}", params={"k": 3}).json()
    for entry in answer["items"]:
        assert entry["details"] == pytest.approx(table.loc[entry["item"]].to_dict())


def test_each_knn_pick_says_which_of_the_users_items_it_comes_from_with_titles(
    api, project, busiest, ranked, train, columns
):
    """Item-KNN's picks carry `because`: items the user had, each with its title from the item table."""
    table = read_items({"items": str(project / ranked[0]["items"])}, read_files).set_index(columns["item"])
    had = set(train.loc[train[columns["user"]] == busiest, columns["item"]])
    answer = api.get(f"/recommend/{busiest}", params={"k": 5, "model": "knn"}).json()
    reasons = [reason for entry in answer["items"] for reason in entry["because"]]
    assert all(entry["because"] for entry in answer["items"])
    assert {reason["item"] for reason in reasons} <= had
    assert all(reason["title"] == table.loc[reason["item"], "title"] for reason in reasons)


def test_a_baskets_picks_say_which_of_its_items_they_come_from(api, train, columns, busiest):
    """POST /recommend: `because` names only items of the basket."""
    basket = train.loc[train[columns["user"]] == busiest, columns["item"]].astype(str).tolist()[:5]
    answer = api.post("/recommend", json={"items": basket, "k": 5, "model": "knn"}).json()
    assert all({reason["item"] for reason in entry["because"]} <= set(basket) for entry in answer["items"])
    assert any(entry["because"] for entry in answer["items"])


def test_each_popularity_pick_says_why_in_words(api, train, columns, busiest):
    """The popularity model's picks carry `reason` ("popular in <genre> over <window>", or "popular over
    <window>" outside the user's or basket's favourite genre), and no items as `because`."""
    basket = train.loc[train[columns["user"]] == busiest, columns["item"]].astype(str).tolist()[:5]
    for answer in (
        api.get(f"/recommend/{busiest}", params={"k": 5, "model": "rules"}).json(),
        api.post("/recommend", json={"items": basket, "k": 5, "model": "rules"}).json(),
    ):
        reasons = [entry["reason"] for entry in answer["items"]]
        assert all(reason.startswith("popular ") and " over " in reason for reason in reasons), reasons
        assert any(reason.startswith("popular in ") for reason in reasons), reasons
        assert not any(entry["because"] for entry in answer["items"])


def test_an_unknown_user_gets_the_most_popular_items_as_a_cold_start(api, train, columns):
    """A user the models never saw gets the popularity model's list, flagged `cold_start`, not an error."""
    answer = api.get("/recommend/no-such-user-anywhere", params={"k": 3}).json()
    assert answer["cold_start"] is True and answer["model"] == "rules"
    most_had = train[columns["item"]].value_counts()
    assert set(items_of(answer)) <= set(most_had.index[:50])


def test_a_basket_is_scored_by_item_knn_like_a_trained_user_with_those_items(api, train, columns, busiest):
    """POST /recommend with a user's whole history recommends what item-KNN recommends that user."""
    had = train.loc[train[columns["user"]] == busiest, columns["item"]].astype(str).tolist()
    answer = api.post("/recommend", json={"items": had, "k": 5, "model": "knn"}).json()
    known = api.get(f"/recommend/{busiest}", params={"k": 5, "model": "knn"}).json()
    assert answer["cold_start"] is False and answer["unknown_items"] == []
    assert items_of(answer) == items_of(known)


def test_a_basket_never_recommends_its_own_items_and_reports_unknown_ones(api, train, columns):
    """Items in the basket are not recommended back; ids the models never saw are listed and ignored."""
    liked = train[columns["item"]].value_counts().index[:3].astype(str).tolist()
    answer = api.post("/recommend", json={"items": [*liked, "no-such-item"], "k": 10}).json()
    assert answer["unknown_items"] == ["no-such-item"]
    assert len(answer["items"]) == 10 and not set(map(str, items_of(answer))) & set(liked)


@pytest.mark.parametrize("body", [None, {}, {"items": []}, {"items": ["x"], "k": 0}])
def test_a_basket_request_without_items_or_with_a_bad_k_is_a_422(api, body):
    """An empty body, an empty basket or k below 1 is refused with 422, not a server error."""
    assert api.post("/recommend", json=body).status_code == 422


@pytest.fixture(scope="module")
def valid_body(train, columns) -> dict:
    return {"items": train[columns["item"]].value_counts().index[:3].astype(str).tolist()}


@pytest.mark.parametrize(
    "items, rule",
    [
        (["x"] * 1001, "at most 1000"),
        (["x" * 1001], "1000 characters"),
        ([True], "whole number"),
        ([1.5], "whole number"),
        (["\ud800"], "Unicode"),
    ],
)
def test_a_basket_over_a_cap_or_with_a_bad_id_is_a_422_naming_the_rule(api, items, rule):
    """Over 1,000 items, an id over 1,000 characters, true, 1.5 or a lone surrogate: a 422 naming the
    field and the rule broken, never the value sent."""
    answer = post_json_text(api, "/recommend", json.dumps({"items": items}))
    assert answer.status_code == 422
    (error,) = answer.json()["detail"][:1]
    assert error["loc"][:2] == ["body", "items"] and rule in error["msg"]
    assert "xxxx" not in answer.text and "ud800" not in answer.text


@pytest.fixture(scope="module")
def numbered(tmp_path_factory) -> Iterator[httpx.Client]:
    """The API over a copy of this project whose ids are integers: the sample's users and items as numbers."""
    copy = tmp_path_factory.mktemp("numbered") / ROOT.name
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED)
    settings = read_json_settings(copy)
    for path in {settings["source"], settings["items"]} - {None}:
        table = pd.read_csv(copy / path)
        for column in {settings["user"], settings["item"]} & set(table.columns):
            table[column] = table[column].astype(str).str.extract(r"(\d+)$", expand=False).astype(int)
        table.to_csv(copy / path, index=False)
    make(copy, "leaderboard")
    with serving(copy, copy / "serve.log") as client:
        yield client


def read_json_settings(root: Path) -> dict:
    """The [data] settings of `root`'s config.toml."""
    return {"items": None, **read_toml(root / "config.toml")["data"]}


def test_integer_ids_keep_their_type_both_ways(numbered):
    """With integer ids, GET /recommend/{user} answers integers, and POST /recommend takes them back as
    numbers or as text alike, with the same answer."""
    top = numbered.get("/recommend/1", params={"k": 5, "model": "knn"}).json()
    assert top["user"] == 1 and all(isinstance(item, int) for item in items_of(top))
    as_numbers = numbered.post("/recommend", json={"items": items_of(top)[:2], "k": 5}).json()
    as_text = [str(item) for item in items_of(top)[:2]]
    as_text = numbered.post("/recommend", json={"items": as_text, "k": 5}).json()
    assert as_numbers["unknown_items"] == [] and as_numbers["items"] == as_text["items"]
    assert all(isinstance(item, int) for item in items_of(as_numbers))

{%- else %}


@pytest.fixture(scope="module")
def features(project) -> list[str]:
    return read_json(project / "data" / "processed" / "features.json")["features"]


@pytest.fixture(scope="module")
def rows(project, features) -> pd.DataFrame:
    """Feature rows as the models saw them: the held-out test rows."""
    return pd.read_parquet(project / "data" / "processed" / "test.parquet")[features]


def as_json(frame: pd.DataFrame) -> list[dict]:
    return [
        {name: value.item() if hasattr(value, "item") else value for name, value in row.items()}
        for row in frame.to_dict(orient="records")
    ]


def first_text_column(rows: pd.DataFrame) -> str:
    text = [name for name in rows.columns if not pd.api.types.is_numeric_dtype(rows[name])]
    assert text, "these tests need a text (category) feature; the configured data has none"
    return text[0]


def test_one_row_gets_each_saved_models_own_prediction(api, project, rows, ranked):
    """POST /predict answers with what the saved model predicts, for every model on the leaderboard."""
    row = rows.head(1)
    for result in ranked:
        answer = api.post("/predict", json={"rows": as_json(row), "model": result["model"]}).json()
        assert answer["model"] == result["model"]
        assert answer["predictions"] == saved_model(project, result["model"]).predict(row).tolist()


def test_the_default_model_is_the_leaderboards_best(api, rows, ranked):
    """A request that names no model is answered by the best model on the leaderboard."""
    answer = api.post("/predict", json={"rows": as_json(rows.head(1))}).json()
    assert answer["model"] == ranked[0]["model"]


def test_a_batch_of_1000_rows_is_predicted_in_order(api, project, rows):
    """A thousand rows in one request get a thousand predictions, each the saved model's for its row."""
    batch = rows.sample(1000, replace=True, random_state=0)
    answer = api.post("/predict", json={"rows": as_json(batch), "model": "knn"}).json()
    assert answer["predictions"] == saved_model(project, "knn").predict(batch).tolist()

{%- if cookiecutter.task == 'classification' %}


def test_a_classifier_answers_with_each_rows_class_probabilities(api, project, rows):
    """KNN's answer carries every class's probability for each row, as the saved model computes them."""
    answer = api.post("/predict", json={"rows": as_json(rows.head(3)), "model": "knn"}).json()
    model = saved_model(project, "knn")
    expected = model.predict_proba(rows.head(3))
    for probabilities, row in zip(answer["probabilities"], expected, strict=True):
        assert probabilities == pytest.approx(dict(zip(map(str, model.classes_), row, strict=True)))
{%- endif %}


def test_requests_answered_together_each_get_their_own_rows_predictions(api, project, rows):
    """Concurrent requests (predicted together in one call per model) each get the answer for their own rows,
    from the model they named."""
    requests = [(rows.iloc[[i]], "knn" if i % 2 else "rules") for i in range(24)]

    def ask(request: tuple[pd.DataFrame, str]) -> dict:
        row, model = request
        return api.post("/predict", json={"rows": as_json(row), "model": model}).json()

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(ask, requests))
    for (row, model), answer in zip(requests, answers, strict=True):
        assert answer["model"] == model
        assert answer["predictions"] == saved_model(project, model).predict(row).tolist()


def test_columns_the_models_do_not_use_are_accepted_and_ignored(api, project, rows, ranked):
    """Extra keys (the target, a column unknown to the models) change nothing in the answer."""
    row = as_json(rows.head(1))[0]
    plain = api.post("/predict", json={"rows": [row]}).json()
    extra = api.post("/predict", json={"rows": [{**row, ranked[0]["target"]: 1, "not a column": "x"}]}).json()
    assert extra == plain


def test_an_unseen_category_is_accepted_and_reported(api, project, rows):
    """A category value absent from training is predicted as the saved model predicts it (ignoring the value)
    and named under `unseen`."""
    column = first_text_column(rows)
    row = rows.head(1).assign(**{column: "never-seen-in-training"})
    answer = api.post("/predict", json={"rows": as_json(row), "model": "knn"})
    assert answer.status_code == 200
    assert answer.json()["unseen"] == [{"row": 0, "column": column, "value": "never-seen-in-training"}]
    assert answer.json()["predictions"] == saved_model(project, "knn").predict(row).tolist()


def test_a_category_sent_with_spaces_around_it_is_that_category(api, project, rows):
    """Cleanup trained on text without the spaces around it: a request's ' value ' is predicted as value."""
    column = first_text_column(rows)
    row = rows.head(1)
    spaced = row.assign(**{column: f"  {row[column].iloc[0]} "})
    answer = api.post("/predict", json={"rows": as_json(spaced), "model": "knn"}).json()
    assert answer["unseen"] == []
    assert answer["predictions"] == saved_model(project, "knn").predict(row).tolist()


@pytest.fixture(scope="module")
def valid_body(rows) -> dict:
    return {"rows": as_json(rows.head(1))}


@pytest.fixture(scope="module")
def submit_settings(ranked) -> dict:
    """What `invoke submit` is told about a one-row source: its id column and the prediction's."""
    return {"target": ranked[0]["target"], "id": "row_id", "column": "predicted", "probabilities": False}


def submitted(project: Path, model: str, row: dict, settings: dict) -> list:
    """What `invoke submit` predicts with `model` for `row` as a one-row source (missing values as NaN)."""
    source = pd.DataFrame([{"row_id": 0, **row}]).fillna(np.nan)
    train = pd.read_parquet(project / "data" / "processed" / "train.parquet")
    predicted, _ = submission(saved_model(project, model), source, train, settings)
    return predicted["predicted"].tolist()


@pytest.mark.parametrize("how", ["null", "left out"])
def test_a_missing_feature_is_filled_in_as_submit_fills_it_and_listed(
    api, project, rows, ranked, how, submit_settings
):
    """A numeric and a text feature sent as null, or left out, get each model's prediction for that row as
    `invoke submit` makes it, and the answer lists both under `missing`."""
    row = as_json(rows.head(1))[0]
    number = next(name for name in rows.columns if pd.api.types.is_float_dtype(rows[name]))
    text = first_text_column(rows)
    sent = {name: value for name, value in row.items() if name not in (number, text)}
    if how == "null":
        sent |= {number: None, text: None}
    for result in ranked:
        answer = api.post("/predict", json={"rows": [sent], "model": result["model"]})
        assert answer.status_code == 200
        assert sorted(cell["column"] for cell in answer.json()["missing"]) == sorted([number, text])
        expected = submitted(project, result["model"], {**row, number: None, text: None}, submit_settings)
        assert answer.json()["predictions"] == expected


def test_nan_in_a_numeric_feature_is_missing_like_null(api, rows):
    """NaN (as Python's json.dumps writes it) in a number column is a missing value: the answer is null's."""
    row = as_json(rows.head(1))[0]
    number = next(name for name in rows.columns if pd.api.types.is_float_dtype(rows[name]))
    as_nan = post_json_text(api, "/predict", json.dumps({"rows": [{**row, number: float("nan")}]}))
    as_null = api.post("/predict", json={"rows": [{**row, number: None}]})
    assert as_nan.status_code == 200 and as_nan.json() == as_null.json()
    assert as_nan.json()["missing"] == [{"row": 0, "column": number}]


@pytest.mark.parametrize("value", ["Infinity", "-Infinity", "1e999"])
def test_an_infinite_number_is_a_422_naming_the_column_without_echoing_it(api, rows, value):
    """Infinity, -Infinity and 1e999 (too large for a float) in a number column are a 422 naming the column
    and the rule, and the answer holds no number it was sent."""
    row = as_json(rows.head(1))[0]
    number = next(name for name in rows.columns if pd.api.types.is_float_dtype(rows[name]))
    body = json.dumps({"rows": [{**row, number: 0.5}]}).replace("0.5", value)
    answer = post_json_text(api, "/predict", body)
    assert answer.status_code == 422
    (error,) = answer.json()["detail"]
    assert error["loc"] == ["body", "rows", 0, number] and error["msg"]
    assert "input" not in error and value.lower() not in answer.text.lower()


def test_a_lone_surrogate_in_a_text_feature_is_a_422_naming_the_column(api, rows):
    """A text value holding half a surrogate pair ("\\ud800", valid JSON but not Unicode) is a 422 naming
    the column, not a server error."""
    row = as_json(rows.head(1))[0]
    text = first_text_column(rows)
    answer = post_json_text(api, "/predict", json.dumps({"rows": [{**row, text: "\ud800"}]}))
    assert answer.status_code == 422
    assert {tuple(error["loc"]) for error in answer.json()["detail"]} == {("body", "rows", 0, text)}
    assert "ud800" not in answer.text


def test_a_422_never_echoes_the_value_sent(api, rows):
    """A value of the wrong type is named by its column and the rule, never repeated in the answer."""
    column = first_text_column(rows)
    secret = "do-not-repeat-me"
    answer = api.post("/predict", json={"rows": [{**as_json(rows.head(1))[0], column: [secret]}]})
    assert answer.status_code == 422 and secret not in answer.text


def test_text_longer_than_the_cap_is_a_422_naming_the_column(api, rows):
    """A text value over 1,000 characters is refused (422 naming the column), whatever the models know."""
    column = first_text_column(rows)
    answer = api.post("/predict", json={"rows": [{**as_json(rows.head(1))[0], column: "x" * 1001}]})
    assert answer.status_code == 422
    assert [error["loc"][-1] for error in answer.json()["detail"]] == [column]


def test_more_rows_than_the_cap_is_a_422_naming_rows(api, rows):
    """A request of 10,001 rows (one over the cap) is refused with 422 on `rows`, not predicted."""
    answer = api.post("/predict", json={"rows": as_json(rows.head(1)) * 10_001})
    assert answer.status_code == 422
    assert [error["loc"] for error in answer.json()["detail"]] == [["body", "rows"]]


def test_a_value_of_the_wrong_type_is_a_422_naming_the_column(api, rows):
    """A value that is not of its column's type (here a list) is refused with 422 naming the column."""
    column = rows.columns[-1]
    row = {**as_json(rows.head(1))[0], column: ["not", "a", "value"]}
    answer = api.post("/predict", json={"rows": [row]})
    assert answer.status_code == 422
    assert {error["loc"][3] for error in answer.json()["detail"]} == {column}


@pytest.mark.parametrize("body", [None, {}, {"rows": []}])
def test_an_empty_request_is_a_422(api, body):
    """No body, no rows key or no rows at all is refused with 422, not a server error."""
    assert api.post("/predict", json=body).status_code == 422
{%- endif %}


def test_the_api_never_writes_into_data_or_models(api, project, untouched):
    """After the requests above, data/ and models/ hold the same files, unchanged."""
    assert api.get("/health").status_code == 200
    assert files_under(project, "data", "models") == untouched
