"""Objects in a bucket and the team bucket, in what can be checked without a store: which sources are
buckets, what make installs for them, how failures and secrets are told, and how a push or a pull decides.
(The template's tests run all of it against a real S3 server.)"""

import os
import re
import stat
from pathlib import Path

import pytest

from {{ cookiecutter.module_name }}.config import main as config_main
from {{ cookiecutter.module_name }}.sources import kind, local_files, store_extra
from {{ cookiecutter.module_name }}.sources.objects import failure, hidden, secrets_in
from {{ cookiecutter.module_name }}.storage import conflicts, in_build_order


@pytest.mark.parametrize(
    ("source", "extra"),
    [
        ("s3://sponsor-data/plays/2026-11-*.parquet", "s3fs s3"),
        ("gs://sponsor-data/plays.csv", "gcsfs gcs"),
        ("az://container/plays.jsonl", "adlfs azure"),
        ("abfs://container/plays.jsonl", "adlfs azure"),
    ],
)
def test_a_bucket_url_is_read_as_objects_with_its_stores_extra(source, extra):
    """s3://, gs://, az:// name objects (not a database), need their back-end's extra, are no local file."""
    assert kind(source) == "objects"
    assert store_extra(source) == extra
    assert local_files(source) == ""


def test_other_sources_need_no_store_extra():
    sources = ("data/x.csv", "https://example.org/x.csv", "sqlite:///x.db")
    assert [store_extra(source) for source in sources] == ["", "", ""]


def test_settings_mk_names_the_extras_a_bucket_source_and_the_team_bucket_need(tmp_path):
    """make learns which extra to install before the data step and before push/pull."""
    text = Path("config.toml").read_text(encoding="utf-8")
    text = re.sub(r'^source = ".*"$', 'source = "s3://sponsor/plays.csv"', text, count=1, flags=re.M)
    text += '\n[storage]\nremote = "gs://team-bucket/project"\n'
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    config_main(tmp_path / "config.toml", tmp_path / "settings")
    written = (tmp_path / "settings" / "settings.mk").read_text()
    assert "DATA_EXTRA := s3fs s3\n" in written
    assert "REMOTE_EXTRA := gcsfs gcs\n" in written


class NoCredentialsError(Exception):
    """Named as botocore names it: failures are told apart by the names of their classes, since each
    back-end raises its own."""


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (PermissionError("Forbidden"), "access denied to 's3://b/k.csv'"),
        (FileNotFoundError("b/k.csv"), "no such object: 's3://b/k.csv'"),
        (TimeoutError(), "did not answer within 5 s"),
        (NoCredentialsError("Unable to locate credentials"), "no credentials to read 's3://b/k.csv'"),
    ],
)
def test_each_kind_of_store_failure_gets_its_own_line_and_fix(error, words):
    assert words in str(failure(error, "s3://b/k.csv", 5))


def test_secret_storage_options_and_keys_never_show_but_the_endpoint_does():
    """The secret and token options and the AWS secret key are masked; where the store is stays readable."""
    options = {"endpoint_url": "http://127.0.0.1:9000", "secret": "opt-secret-1", "token": "opt-token-2"}
    secrets = secrets_in(options, {"AWS_SECRET_ACCESS_KEY": "env-secret-3", "HOME": "/home/me"})
    shown = hidden("http://127.0.0.1:9000 opt-secret-1 opt-token-2 env-secret-3 /home/me", secrets)
    assert shown == "http://127.0.0.1:9000 *** *** *** /home/me"


def entry(sha: str) -> dict:
    return {"sha256": sha, "size": 1, "mtime_ns": 1}


def test_a_push_conflicts_only_with_files_a_teammate_changed_since_the_last_sync():
    """A remote file that differs from both this copy and what it last pushed or pulled is a teammate's."""
    local = {"a": entry("mine"), "b": entry("mine"), "c": entry("same"), "d": entry("mine")}
    remote = {"a": entry("theirs"), "b": entry("synced"), "c": entry("same"), "e": entry("theirs")}
    synced = {"b": entry("synced")}
    assert conflicts(local, remote, synced) == ["a"]


def test_a_pull_stamps_files_in_the_order_they_were_built_and_the_snapshot_read_only(tmp_path, monkeypatch):
    """make compares times: each pulled output must be newer than what it was built from."""
    monkeypatch.chdir(tmp_path)
    for name in ("data/raw/snapshot.parquet", "data/interim/clean.parquet", "models/knn.joblib"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text(name)
    built = {"models/knn.joblib": 30, "data/raw/snapshot.parquet": 10, "data/interim/clean.parquet": 20}
    in_build_order({name: {"mtime_ns": at} for name, at in built.items()})
    times = [os.stat(name).st_mtime_ns for name in sorted(built, key=built.get)]
    assert times == sorted(times) and times[0] > 10**18  # now, not the pusher's times
    assert not os.stat("data/raw/snapshot.parquet").st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert os.stat("models/knn.joblib").st_mode & stat.S_IWUSR
