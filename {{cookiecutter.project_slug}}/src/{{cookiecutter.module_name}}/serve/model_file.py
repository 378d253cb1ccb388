"""A saved model file as the server loaded it (standard library only): what `/health` compares with
the file on disk to tell a newer build."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

MODELS = Path("models")
HASHED_CHUNK = 1 << 20  # bytes read at a time while hashing a model file


@dataclass(frozen=True)
class ModelFile:
    """A saved model as the server loaded it: enough to tell whether the file on disk is still that one."""

    model: str
    file: str  # relative to the project's folder
    modified_ns: int
    sha256: str

    @classmethod
    def of(cls, root: Path, name: str) -> ModelFile:
        path = MODELS / f"{name}.joblib"
        digest = hashlib.sha256()
        with open(root / path, "rb") as opened:
            while chunk := opened.read(HASHED_CHUNK):
                digest.update(chunk)
        return cls(name, str(path), (root / path).stat().st_mtime_ns, digest.hexdigest())

    def modified(self) -> str:
        """When the file was written, in UTC (ISO 8601)."""
        return datetime.fromtimestamp(self.modified_ns / 1e9, timezone.utc).isoformat(timespec="seconds")
