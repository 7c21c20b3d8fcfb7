"""Atomic file writes: a crash or a full disk never leaves a half-written file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from dentsec.errors import DentsecError, os_reason


def atomic_write_bytes(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write through a temporary file in the same folder, then rename over ``path``.

    The temporary file is private (0600) from its creation; ``mode`` is applied before any
    byte is written. Failures become a DentsecError that names the file."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    try:
        if mode is not None:
            os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _cannot_write(path, exc) from exc
        raise


def atomic_write_text(path: Path, text: str, mode: int | None = None) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), mode)


def _cannot_write(path: Path, exc: OSError) -> DentsecError:
    fr, en = os_reason(exc)
    if exc.filename:  # the temporary file's name would only confuse: name the target
        fr, en = os_reason(type(exc)(exc.errno, exc.strerror))
    return DentsecError(f"Impossible d'écrire {path} : {fr}.", f"Cannot write {path}: {en}.")
