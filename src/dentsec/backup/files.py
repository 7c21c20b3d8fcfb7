"""Small file helpers shared by the backup toolkit: atomic, private writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dentsec.errors import DentsecError
from dentsec.fileio import atomic_write_bytes


def write_json(path: Path, value: Any) -> None:
    text = json.dumps(value, indent=1, ensure_ascii=False, sort_keys=False) + "\n"
    atomic_write_bytes(path, text.encode("utf-8"), mode=0o600)


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
