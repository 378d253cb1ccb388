"""Objects in a bucket (s3://, gs://, az://): one object, or a glob of objects of one kind, through fsspec.

The objects are listed first (key, size, ETag), then streamed to a temporary folder on disk, several at
once, with a bar of the bytes on a terminal; the local file reader parses them from there, so no object
is ever held in memory as bytes and as a table at once (DuckDB reading a 200 MB CSV object through
fsspec itself took 35 s and 611 MB on an S3-compatible server; downloading first, 1.7 s, then 1.9 s to
read the file). `query` then runs over the table as for files. The listing goes into snapshot.json, so
`invoke fetch` can tell "unchanged" from the listing alone, without downloading anything.
Each back-end (s3fs, gcsfs, adlfs) is an optional extra that make installs the first time it is needed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd

from ..errors import StepError
from ..progress import bar
from . import OBJECT_STORES, DataSettings, format_of, store_of
from .credentials import expand, mask
from .formats import parse, stack

# Variables the back-ends read from the environment themselves (the usual credential chains):
# those set in .env are exported to this step, as if they had been exported in the shell.
CREDENTIAL_VARIABLES = ("AWS_", "GOOGLE_", "AZURE_", "GCSFS_")
# Options that name where to go, not who you are: shown in messages, never masked.
PUBLIC_OPTIONS = {"endpoint_url", "region_name", "anon", "requester_pays", "account_name", "project"}
# Objects downloaded at once; each streams to disk in small reads, one request per object: ranges of a
# large object fetched side by side would each be held in memory until written (s3fs's default), and
# were slower on S3-compatible servers (moto: 2.3 s for 200 MB streamed, 12 s in 2 ranges at a time).
OBJECTS_AT_ONCE = 8
RANGES_AT_ONCE = 1


def options_of(settings: DataSettings, variables: Mapping[str, str]) -> dict[str, Any]:
    """`[data] storage_options` with `${NAME}` filled in from the environment or .env."""
    return {
        name: expand(value, variables, "storage_options") if isinstance(value, str) else value
        for name, value in settings.storage_options.items()
    }


def secrets_in(options: Mapping[str, Any], variables: Mapping[str, str]) -> list[str]:
    """The values no message may show: secret options and the credential variables."""
    values = [v for k, v in options.items() if k not in PUBLIC_OPTIONS and isinstance(v, str)]
    values += [
        v
        for k, v in variables.items()
        if k.startswith(CREDENTIAL_VARIABLES) and ("KEY" in k or "SECRET" in k)
    ]
    return [value for value in values if len(value) >= 4]


def hidden(text: str, secrets: list[str]) -> str:
    """`text` masked as every message is, and with each secret value replaced by ***."""
    for secret in secrets:
        text = text.replace(secret, "***")
    return mask(text)


def filesystem(url: str, options: dict[str, Any], settings: DataSettings) -> Any:
    """The fsspec filesystem for `url`'s store, with `options`; the back-end's extra said if missing."""
    store = store_of(url)
    try:
        import fsspec

        if store == "s3":  # [data] timeout and retries bound each request, as for HTTP sources
            config = {"connect_timeout": settings.timeout, "read_timeout": settings.timeout}
            options = {"config_kwargs": {**config, "retries": {"max_attempts": 1}}, **options}
        system = fsspec.filesystem(store, skip_instance_cache=True, **options)
    except ImportError:
        module, extra = OBJECT_STORES[store]
        raise StepError(
            f"reading {store}:// needs {module}: `make` installs it (the {extra} extra) when [data] source "
            f"starts with {store}://; else pip install -e '.[{extra}]'"
        ) from None
    except (TypeError, ValueError) as error:
        raise StepError(f"[data] storage_options are not accepted by {store}://: {error}") from None
    if store == "s3":
        system.retries = settings.retries + 1  # s3fs's own tries, around botocore's single one
    return system


def failure(error: BaseException, shown: str, timeout: float) -> StepError:
    """One line for what went wrong reaching `shown`, and the fix."""
    names = {cls.__name__ for cls in type(error).__mro__}
    if names & {"ConnectTimeoutError", "ReadTimeoutError", "TimeoutError", "FSTimeoutError"}:
        return StepError(
            f"the storage for {shown!r} did not answer within {timeout:g} s: check storage_options "
            "endpoint_url in config.toml and the network, or raise the timeout"
        )
    if names & {"NoCredentialsError", "PartialCredentialsError", "DefaultCredentialsError"}:
        return StepError(
            f"no credentials to read {shown!r}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or your "
            "store's) in .env, or storage_options = { anon = true } for a public bucket"
        )
    if names & {"EndpointConnectionError", "ConnectionError", "ClientConnectorError"}:
        return StepError(
            f"cannot connect to the storage for {shown!r}: "
            "check storage_options endpoint_url in config.toml (or the network)"
        )
    if isinstance(error, PermissionError) or "ClientAuthenticationError" in names:
        return StepError(
            f"access denied to {shown!r}: check the credentials in .env and that they may read the bucket"
        )
    if isinstance(error, FileNotFoundError):
        return StepError(f"no such object: {shown!r}; check the key in config.toml")
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return StepError(f"cannot read {shown!r}: {reason}")


def etag(info: Mapping[str, Any]) -> str:
    """The object's version tag: its ETag, else its generation or MD5 (as the store names them)."""
    for name in ("ETag", "etag", "generation", "md5Hash", "VersionId"):
        if info.get(name):
            return str(info[name]).strip('"')
    return ""


def listing(system: Any, url: str, shown: str) -> list[dict[str, Any]]:
    """Each object `url` names (a glob names several), in key order: key, size and ETag."""
    path = system._strip_protocol(url)
    pattern = any(wildcard in path for wildcard in "*?[")
    try:
        found = system.glob(path, detail=True) if pattern else {path: system.info(path)}
    except FileNotFoundError:
        found = {}
    found = {key: info for key, info in found.items() if info["type"] == "file"}  # not a folder's prefix
    if not found:
        if not system.exists(path.split("/")[0]):
            raise StepError(f"no such bucket: {shown!r}; check the bucket's name (and endpoint_url)")
        if not pattern:
            raise StepError(f"no such object: {shown!r}; check the key in config.toml")
        raise StepError(f"no object matches [data] source {shown!r}: check the pattern")
    return [{"key": key, "size": found[key]["size"], "etag": etag(found[key])} for key in sorted(found)]


def bytes_callback(progress: Any) -> Any:
    """An fsspec callback that moves `progress` by the bytes of every object being downloaded."""
    from fsspec.callbacks import Callback

    class Bytes(Callback):
        def relative_update(self, inc: int = 1) -> None:
            progress.update(inc)

    class Objects(Callback):  # counts whole objects itself; each object's bytes go to the bar
        def branched(self, path_1: str, path_2: str, **kwargs: Any) -> Callback:
            return Bytes()

    return Objects()


def download(system: Any, objects: list[dict[str, Any]], folder: Path, store: str) -> list[Path]:
    """Stream every object into `folder` (names kept, in key order), several at once."""
    # One folder per object: two keys may end in the same name, and the reading bar shows the name.
    paths = [folder / f"{index:05d}" / PurePosixPath(item["key"]).name for index, item in enumerate(objects)]
    total = sum(item["size"] for item in objects)
    one_stream = {"max_concurrency": RANGES_AT_ONCE} if store == "s3" else {}
    with bar(
        total, f"downloading {len(objects)} object(s)", unit="B", unit_scale=True, unit_divisor=1024
    ) as progress:
        system.get(
            [item["key"] for item in objects],
            [str(path) for path in paths],
            callback=bytes_callback(progress),
            batch_size=OBJECTS_AT_ONCE,
            **one_stream,
        )
    return paths


def connect(settings: DataSettings, url: str, variables: Mapping[str, str]) -> tuple[Any, list[str]]:
    """The filesystem for `url`, the back-end's credential variables from .env exported for it."""
    for name, value in variables.items():
        if name.startswith(CREDENTIAL_VARIABLES) and name not in os.environ:
            os.environ[name] = value
    options = options_of(settings, variables)
    return filesystem(url, options, settings), secrets_in(options, variables)


def list_objects(settings: DataSettings, url: str, variables: Mapping[str, str]) -> list[dict[str, Any]]:
    """The objects `url` names now, without reading them (for `invoke fetch` to compare)."""
    system, secrets = connect(settings, url, variables)
    shown = hidden(url, secrets)
    try:
        return listing(system, url, shown)
    except StepError:
        raise
    except Exception as error:  # noqa: BLE001 (each back-end raises its own kinds; failure() sorts them)
        raise StepError(hidden(str(failure(error, shown, settings.timeout)), secrets)) from None


def read_objects(
    settings: DataSettings, url: str, variables: Mapping[str, str]
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Every object `url` names as one frame, and the listing (key, size, ETag) it was read from."""
    system, secrets = connect(settings, url, variables)
    shown = hidden(url, secrets)
    try:
        objects = listing(system, url, shown)
        formats = {format_of(item["key"], settings.format) for item in objects}
        if len(formats) > 1:
            raise StepError(
                f"{shown!r} matches objects of different kinds ({', '.join(sorted(formats))}): narrow it"
            )
        with tempfile.TemporaryDirectory(prefix="objects-") as folder:
            paths = download(system, objects, Path(folder), store_of(url))
            fmt = formats.pop()
            names = [f"{store_of(url)}://{item['key']}" for item in objects]
            frames = [
                parse(path, fmt, repr(name), settings.records_path, settings.sheet, settings.text)
                for path, name in zip(paths, names, strict=True)
            ]
    except StepError:
        raise
    except Exception as error:  # noqa: BLE001 (each back-end raises its own kinds; failure() sorts them)
        raise StepError(hidden(str(failure(error, shown, settings.timeout)), secrets)) from None
    return stack(frames, names, repr(shown)), objects


def settings_fingerprint(settings: DataSettings) -> str:
    """A digest of every [data] setting the snapshot was taken with (secrets included, never shown)."""
    return hashlib.sha256(json.dumps(asdict(settings), sort_keys=True, default=str).encode()).hexdigest()


def unchanged(settings: DataSettings, previous: Mapping[str, Any], variables: Mapping[str, str]) -> bool:
    """Whether the snapshot described by `previous` was taken with these settings from the objects
    the source names now (the same keys, sizes and ETags): then fetching again would change nothing."""
    if "objects" not in previous or previous.get("settings_sha256") != settings_fingerprint(settings):
        return False
    source = expand(settings.source, variables, "source")
    return list_objects(settings, source, variables) == previous["objects"]
