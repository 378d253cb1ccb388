"""The team bucket: `invoke push` / `invoke pull` share data/raw/ (and, with --models, what make built
from it) through `[storage] remote` in config.toml, e.g. "s3://team-bucket/penguin-party".

The remote's MANIFEST.json lists each pushed file with its SHA-256, size and the order it was built in.
A pull downloads what differs into a scratch folder, checks every file against the manifest, then puts
them in place in that order (the snapshot read-only), so make treats them as built and rebuilds nothing.
.remote.json keeps the manifest this copy last pushed or pulled: a push never replaces a file that a
teammate pushed since then (it says so; `invoke pull` first, or push --force).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import stat
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .errors import StepError
from .files import read_toml, sha256_of, write_json
from .sources import DataSettings, store_of
from .sources.credentials import environment, expand
from .sources.objects import OBJECTS_AT_ONCE, RANGES_AT_ONCE, connect, failure, hidden

SNAPSHOT = ("data/raw",)
BUILT = ("data/interim", "data/processed", "models", "reports")
# Each machine's own logs, appended to as it works: never shared, never replaced.
PER_MACHINE = {"reports/history.jsonl", "reports/build-log.jsonl"}
MANIFEST = "MANIFEST.json"
RECORD = Path(".remote.json")
# One part of a large file in flight at a time (S3 multipart uploads of 8 MiB parts, downloads streamed),
# several files at once: memory stays small whatever the files' sizes.
# (s3fs's own options; the other back-ends keep their defaults.)
S3_TRANSFER = {"chunksize": 8 * 2**20, "max_concurrency": RANGES_AT_ONCE}


def transfer_options(remote: str) -> dict[str, int]:
    return {"batch_size": OBJECTS_AT_ONCE, **(S3_TRANSFER if store_of(remote) == "s3" else {})}


def local_files(folders: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Every file under `folders` (but .gitkeep and the per-machine logs): SHA-256, size, build time."""
    found = {}
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            name = path.as_posix()
            if path.is_file() and path.name != ".gitkeep" and name not in PER_MACHINE:
                status = path.stat()
                found[name] = {
                    "sha256": sha256_of(path),
                    "size": status.st_size,
                    "mtime_ns": status.st_mtime_ns,
                }
    return found


def in_scope(name: str, folders: tuple[str, ...]) -> bool:
    return any(name.startswith(folder + "/") for folder in folders)


def remote_of(config: dict[str, Any], variables: dict[str, str]) -> tuple[str, DataSettings]:
    """[storage] remote (without a trailing /) and its storage options, as a source's settings."""
    storage = config.get("storage", {})
    remote = storage.get("remote")
    if not isinstance(remote, str) or not store_of(remote):
        raise StepError(
            "set [storage] remote in config.toml to the team's bucket (s3://, gs:// or az://), "
            'e.g. remote = "s3://team-bucket/project"'
        )
    options = storage.get("storage_options", {})
    settings = DataSettings(source=remote, storage_options=options)
    return expand(remote, variables, "source").rstrip("/"), settings


def remote_manifest(system: Any, remote: str) -> dict[str, Any]:
    """The manifest of the last push to `remote` (no files when nothing was pushed yet)."""
    if not system.exists(f"{remote}/{MANIFEST}"):
        return {"files": {}}
    return json.loads(system.cat_file(f"{remote}/{MANIFEST}"))


def conflicts(local: dict, remote: dict, synced: dict) -> list[str]:
    """Files a teammate pushed since this copy last pushed or pulled, which this push would replace."""
    return sorted(
        name
        for name, pushed in remote.items()
        if name in local
        and pushed["sha256"] != local[name]["sha256"]
        and pushed["sha256"] != synced.get(name, {}).get("sha256")
    )


def push(system: Any, remote: str, folders: tuple[str, ...], force: bool) -> str:
    """Upload the files of `folders` that differ from the remote's, then the manifest; what was done."""
    local = local_files(folders)
    if not local:
        raise StepError(f"nothing to push in {', '.join(folders)}/: run make first")
    manifest = remote_manifest(system, remote)
    synced = json.loads(RECORD.read_text())["files"] if RECORD.exists() else {}
    newer = conflicts(local, manifest["files"], synced)
    if newer and not force:
        more = f" (and {len(newer) - 1} more)" if len(newer) > 1 else ""
        who = f"{manifest.get('pushed_by', 'a teammate')} at {manifest.get('pushed_at', '?')}"
        raise StepError(
            f"the remote holds a newer {newer[0]}{more}, pushed by {who}: `invoke pull` to get it, "
            "or `invoke push --force` (make push FORCE=1) to replace it"
        )
    changed = [
        name for name in local if manifest["files"].get(name, {}).get("sha256") != local[name]["sha256"]
    ]
    if changed:
        system.put(changed, [f"{remote}/{name}" for name in changed], **transfer_options(remote))
        for name in changed:  # the store holds what was sent: the size it reports is the file's
            if system.info(f"{remote}/{name}")["size"] != local[name]["size"]:
                raise StepError(f"the upload of {name} came out truncated: push again")
    kept = {name: entry for name, entry in manifest["files"].items() if not in_scope(name, folders)}
    manifest = {
        "files": {**kept, **local},
        "pushed_by": socket.gethostname(),
        "pushed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    system.pipe_file(f"{remote}/{MANIFEST}", json.dumps(manifest, indent=2).encode())
    write_json(manifest, RECORD)
    size = sum(local[name]["size"] for name in changed)
    unchanged = len(local) - len(changed)
    return (
        f"push: {len(changed)} file(s) uploaded ({size / 2**20:.1f} MiB) and checked, {unchanged} unchanged"
    )


def pull(system: Any, remote: str, folders: tuple[str, ...]) -> str:
    """Download the remote's files of `folders` that differ here, checked, put in place in build order."""
    manifest = remote_manifest(system, remote)
    wanted = {name: entry for name, entry in manifest["files"].items() if in_scope(name, folders)}
    if not wanted:
        raise StepError(
            f"nothing pushed to [storage] remote for {', '.join(folders)}/ yet: `invoke push` first"
        )
    here = {name: sha256_of(Path(name)) for name in wanted if Path(name).is_file()}
    missing = [name for name in wanted if here.get(name) != wanted[name]["sha256"]]
    with tempfile.TemporaryDirectory(dir=".", prefix=".pull-") as scratch:
        copies = [Path(scratch, f"{index:05d}") for index in range(len(missing))]
        if missing:
            system.get(
                [f"{remote}/{name}" for name in missing],
                [str(copy) for copy in copies],
                **transfer_options(remote),
            )
        for name, copy in zip(missing, copies, strict=True):
            if sha256_of(copy) != wanted[name]["sha256"]:
                raise StepError(
                    f"{name} changed on the remote while it was pulled (checksum differs): pull again"
                )
        for name, copy in zip(missing, copies, strict=True):
            Path(name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(copy, name)
    if missing:
        in_build_order(wanted)
    write_json({"files": manifest["files"]}, RECORD)
    return f"pull: {len(missing)} file(s) downloaded and verified, {len(wanted) - len(missing)} already here"


def in_build_order(files: dict[str, dict[str, Any]]) -> None:
    """Stamp `files` now, in the order they were built where they were pushed, so make sees each output
    newer than its inputs (settings and code here being older); the snapshot read-only, as make leaves it."""
    start = time.time_ns()
    for step, name in enumerate(sorted(files, key=lambda name: files[name]["mtime_ns"])):
        if in_scope(name, SNAPSHOT):
            os.chmod(name, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.utime(name, ns=(start + step * 1000, start + step * 1000))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m <package>.storage", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("push", "pull"))
    parser.add_argument("--models", action="store_true", help="also the built data, models/ and reports/")
    parser.add_argument("--force", action="store_true", help="push: replace files a teammate pushed since")
    arguments = parser.parse_args(argv)
    folders = SNAPSHOT + BUILT if arguments.models else SNAPSHOT
    variables = environment()
    remote, settings = remote_of(read_toml(Path("config.toml")), variables)
    system, secrets = connect(settings, remote, variables)
    shown = hidden(remote, secrets)
    try:
        if arguments.action == "push":
            done = push(system, remote, folders, arguments.force)
        else:
            done = pull(system, remote, folders)
    except StepError:
        raise
    except Exception as error:  # noqa: BLE001 (each back-end raises its own kinds; failure() sorts them)
        raise StepError(hidden(str(failure(error, shown, settings.timeout)), secrets)) from None
    print(f"{done} [{shown}]")


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except StepError as error:
        sys.exit(f"error: {error}")
