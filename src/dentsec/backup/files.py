"""Small file helpers shared by the backup toolkit: atomic, private writes."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from dentsec.errors import DentsecError


def write_atomic(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write through a temp file in the same folder then rename, so a crash or a full disk
    never leaves half a file; the temp file is created with ``mode`` from the start."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        os.chmod(tmp, mode)  # before any byte is written
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise DentsecError(
            f"Impossible d'écrire {path} : {exc.strerror or exc}",
            f"Cannot write {path}: {exc.strerror or exc}",
        ) from exc


def write_json(path: Path, value: Any) -> None:
    text = json.dumps(value, indent=1, ensure_ascii=False, sort_keys=False) + "\n"
    write_atomic(path, text.encode("utf-8"))


def read_json(path: Path) -> Any:
    """The parsed file, or None when it does not exist; a damaged file is a clear error."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DentsecError(
            f"Impossible de lire {path} : {exc.strerror or exc}",
            f"Cannot read {path}: {exc.strerror or exc}",
        ) from exc
    try:
        return json.loads(text)
    except ValueError as exc:
        raise DentsecError(
            f"Le fichier {path} est endommagé (JSON invalide) : {exc}",
            f"The file {path} is damaged (invalid JSON): {exc}",
        ) from exc
