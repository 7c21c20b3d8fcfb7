"""The saved state and history of fixes: ``DENTSEC_HOME/fixes/ID/``.

Each fix run gets a folder holding ``record.json`` (schema ``dentsec.fix/1``: what, when,
who, on which tree, the check's verdicts, the result) and ``files/N``, exact copies of
every file as it was before the fix. The copies are written (atomically) before the first
byte of the system is changed, so an undo always has something whole to restore.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dentsec.errors import DentsecError, os_reason
from dentsec.fileio import atomic_write_bytes, atomic_write_text
from dentsec.fix.model import FileState
from dentsec.paths import dentsec_home

SCHEMA = "dentsec.fix/1"
ID_PATTERN = re.compile(r"^\d{8}T\d{6}Z-[a-z0-9-]+(?:-\d+)?$")
IN_PLACE = ("applied", "applying")
"""What an undo puts back: a fix in place, or one interrupted (power cut, killed) after its
copies were saved, whose files may be half changed."""


@contextmanager
def locked() -> Iterator[None]:
    """One fix or undo at a time on this machine (another run waits for nothing: refused)."""
    base = fixes_dir()
    try:
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle = open(base / ".lock", "a+b")  # noqa: SIM115 - held for the whole block
    except OSError as exc:
        raise _cannot_save(base, exc) from exc
    try:
        try:
            import fcntl
        except ImportError:  # Windows: the runner's scripts refuse an existing state instead
            yield
            return
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DentsecError("Un autre correctif est en cours sur ce poste : attendez qu'il "
                               "se termine. Rien n'a été modifié.",
                               "Another fix is running on this workstation: wait for it to "
                               "finish. Nothing was changed.") from None
        yield
    finally:
        handle.close()


def fixes_dir() -> Path:
    return dentsec_home() / "fixes"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def who() -> str:
    """The account running the fix, and the person behind sudo when there is one."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid()) if hasattr(os, "getuid") else "?"
    sudo = os.environ.get("SUDO_USER")
    return f"{user} (sudo : {sudo})" if sudo and sudo != user else user


def new_folder(fix_name: str) -> tuple[str, Path]:
    """A fresh, unique fix id and its folder (created now, private)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    base = fixes_dir()
    try:
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
        for n in range(100):
            fix_id = f"{stamp}-{fix_name}" + (f"-{n}" if n else "")
            folder = base / fix_id
            try:
                folder.mkdir(mode=0o700)
            except FileExistsError:
                continue
            return fix_id, folder
    except OSError as exc:
        raise _cannot_save(base, exc) from exc
    raise DentsecError(f"Trop de correctifs lancés dans la même seconde dans {base}.",
                       f"Too many fixes started in the same second in {base}.")


def _cannot_save(path: Path, exc: OSError) -> DentsecError:
    fr, en = os_reason(exc)
    return DentsecError(
        f"Impossible d'enregistrer l'état avant correction dans {path} : {fr}. "
        "Rien n'a été modifié.",
        f"Cannot save the state before the fix in {path}: {en}. Nothing was changed.")


def save_copies(folder: Path, states: dict[str, FileState]) -> list[dict[str, Any]]:
    """Copy every file's previous bytes into ``folder/files``; the record's file entries."""
    entries: list[dict[str, Any]] = []
    try:
        for n, (path, state) in enumerate(states.items()):
            saved = None
            if state.content is not None:
                saved = f"files/{n}"
                atomic_write_bytes(folder / saved, state.content, 0o600)
            entries.append({"path": path, "existed": state.exists, "link": state.link,
                            "mode": state.mode, "saved": saved})
    except DentsecError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise DentsecError(exc.fr + " Rien n'a été modifié.", exc.en + " Nothing was changed.") \
            from exc
    return entries


def saved_state(folder: Path, entry: dict[str, Any]) -> FileState:
    """The file as it was before the fix, from its copy."""
    if not entry["existed"]:
        return FileState(None, None, None)
    if entry.get("link") is not None:
        return FileState(None, str(entry["link"]), None)
    return FileState((folder / str(entry["saved"])).read_bytes(), None, entry.get("mode"))


def write_record(folder: Path, record: dict[str, Any]) -> None:
    atomic_write_text(folder / "record.json",
                      json.dumps(record, ensure_ascii=False, indent=2) + "\n", 0o600)


def load(fix_id: str) -> tuple[Path, dict[str, Any]]:
    """The folder and record of a fix id, or ``last`` (the latest fix still applied)."""
    if fix_id == "last":
        applied = [r for r in history() if r["status"] in IN_PLACE]
        if not applied:
            raise DentsecError("Aucun correctif appliqué à annuler.", "No applied fix to undo.")
        fix_id = str(applied[-1]["id"])
    if not ID_PATTERN.match(fix_id):
        raise DentsecError(f"Identifiant de correctif invalide : {fix_id} "
                           "(voir dentsec fix --history).",
                           f"Invalid fix id: {fix_id} (see dentsec fix --history).")
    folder = fixes_dir() / fix_id
    try:
        record = json.loads((folder / "record.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DentsecError(f"Correctif inconnu : {fix_id} (voir dentsec fix --history).",
                           f"Unknown fix: {fix_id} (see dentsec fix --history).") from None
    except (OSError, ValueError) as exc:
        raise DentsecError(f"Historique du correctif {fix_id} illisible : {exc}",
                           f"History of fix {fix_id} unreadable: {exc}") from exc
    if not isinstance(record, dict) or record.get("schema") != SCHEMA:
        raise DentsecError(f"Historique du correctif {fix_id} illisible (format inconnu).",
                           f"History of fix {fix_id} unreadable (unknown format).")
    return folder, record


def history() -> list[dict[str, Any]]:
    """Every fix record, oldest first; unreadable folders are skipped."""
    base = fixes_dir()
    out: list[dict[str, Any]] = []
    if not base.is_dir():
        return out
    for folder in sorted(base.iterdir()):
        try:
            record = json.loads((folder / "record.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(record, dict) and record.get("schema") == SCHEMA:
            out.append(record)
    out.sort(key=lambda r: (str(r.get("started_at")), str(r.get("id"))))
    return out
