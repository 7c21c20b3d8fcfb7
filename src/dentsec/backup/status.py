"""The status record read by the audit: ``$DENTSEC_HOME/backup/status.json``, schema
``dentsec.backup-status/1`` (fields documented in docs/ARCHITECTURE.md).

One typed model, :class:`BackupStatus`, is written by ``dentsec backup`` and read by the
audit's collectors on every OS (:func:`parse_status`): a field the writer adds is seen by
every reader. Reading is tolerant (outside text): a field of the wrong type is taken as
absent, never as a good value.

No file path of the practice is ever written here (a file name can carry a patient's
name): failures keep counts and a reason code, never the paths themselves.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from dentsec.backup import clock
from dentsec.backup.config import backup_dir
from dentsec.backup.files import read_json, write_json
from dentsec.errors import DentsecError

STATUS_SCHEMA = "dentsec.backup-status/1"
MAX_DISK_CHECKS = 60


def parse_iso(value: object) -> datetime | None:
    """An ISO 8601 timestamp with its zone; anything else is None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


@dataclass
class RunRecord:
    started: datetime | None = None
    finished: datetime | None = None
    """None while running; a run killed before the end keeps None."""
    ok: bool = False
    error: str | None = None
    """The French sentence shown to the user."""
    error_code: str | None = None
    snapshot: str | None = None
    files: int | None = None
    bytes: int | None = None
    unreadable_files: int = 0
    changed_files: int = 0
    pid: int | None = None


@dataclass
class SnapshotRecord:
    """A snapshot restic listed in the repository after the run that saved it."""

    finished: datetime | None = None
    snapshot: str | None = None
    files: int | None = None
    bytes: int | None = None


@dataclass
class IncompleteStreak:
    """Runs in a row whose snapshot missed (or may hold torn copies of) the same files."""

    kind: str = ""
    """changed-files | unreadable-files"""
    key: str = ""
    """Keyed digest of the set of paths (so "the same files" is known without the names)."""
    runs: int = 0
    since: datetime | None = None


@dataclass
class VerifyRecord:
    at: datetime | None = None
    ok: bool = False
    error: str | None = None
    error_code: str | None = None
    subset: str | None = None


@dataclass
class VerifyCycle:
    """The default verify reads part ``next`` of ``parts`` (restic --read-data-subset n/t):
    after ``parts`` verifies every pack was read once."""

    parts: int = 30
    next: int = 1
    started: datetime | None = None
    """When part 1 of the current round was read."""


@dataclass
class Damage:
    """Errors found in the repository, kept until a full verify (--read-data) passes."""

    since: datetime | None = None
    by: str = ""
    """verify | drill | restore | run (a run that lost its disk midway)"""
    error: str | None = None


@dataclass
class DrillRecord:
    at: datetime | None = None
    ok: bool = False
    files: int = 0
    error: str | None = None
    error_code: str | None = None
    snapshot: str | None = None
    snapshots: int = 0
    """How many snapshots the sample was drawn from."""


@dataclass
class DiskCheck:
    at: datetime | None = None
    connected: bool | None = None
    by: str | None = None
    """run (a backup needing the disk) | probe (a presence look: status, agent, audit) |
    init | verify | drill; absent in files written before dentsec recorded it."""


@dataclass
class Placement:
    """Where the repository sits compared with the data it protects."""

    checked_at: datetime | None = None
    same_disk: bool | None = None
    internal: bool | None = None


@dataclass
class Leftovers:
    """Data restic wrote under an empty mount point (the internal disk), not on the backup disk."""

    at: datetime | None = None
    path: str = ""
    bytes: int = 0


@dataclass
class Provider:
    name: str = ""
    assessed_at: datetime | None = None
    answers: dict[str, str] = field(default_factory=dict)
    verdict: str | None = None


@dataclass
class BackupStatus:
    schema: str = STATUS_SCHEMA
    repository: str | None = None
    host: str | None = None
    repository_id: str | None = None
    """restic's repository id (``restic cat config``), read at init."""
    config_digest: str | None = None
    """SHA-256 of the repository's ``config`` file: its identity, checked without the key."""
    placement: Placement | None = None
    last_run: RunRecord | None = None
    last_success: datetime | None = None
    """End of the last run whose complete snapshot restic lists (survives failures)."""
    last_success_run: SnapshotRecord | None = None
    last_partial: SnapshotRecord | None = None
    """Latest snapshot saved incomplete (changed-files / unreadable-files)."""
    incomplete: IncompleteStreak | None = None
    last_verify: VerifyRecord | None = None
    last_full_read: datetime | None = None
    """When every pack of the repository was last read (a full verify or a finished round)."""
    verify_cycle: VerifyCycle | None = None
    damage: Damage | None = None
    last_drill: DrillRecord | None = None
    disk_checks: list[DiskCheck] = field(default_factory=list)
    last_retention: datetime | None = None
    leftovers: Leftovers | None = None
    providers: list[Provider] = field(default_factory=list)

    def record_disk_check(self, connected: bool, by: str) -> None:
        self.disk_checks.append(DiskCheck(clock.now(), connected, by))
        del self.disk_checks[:-MAX_DISK_CHECKS]


# --- JSON <-> model -----------------------------------------------------------------

class _Bad(Exception):
    """A value of the wrong type (taken as absent)."""


T = TypeVar("T")


def _decode(kind: Any, value: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin in (types.UnionType, typing.Union):
        if value is None:
            return None
        (inner,) = [a for a in typing.get_args(kind) if a is not type(None)]
        return _decode(inner, value)
    if origin is list:
        if not isinstance(value, list):
            raise _Bad
        (item,) = typing.get_args(kind)
        out = []
        for entry in value:
            try:
                out.append(_decode(item, entry))
            except _Bad:
                continue  # one bad entry does not hide the others
        return out
    if origin is dict:
        if not isinstance(value, dict):
            raise _Bad
        return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}
    if kind is datetime:
        when = parse_iso(value)
        if when is None:
            raise _Bad
        return when
    if kind is bool:
        if not isinstance(value, bool):
            raise _Bad
        return value
    if kind is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise _Bad
        return value
    if kind is str:
        if not isinstance(value, str):
            raise _Bad
        return value
    if dataclasses.is_dataclass(kind):
        return from_obj(typing.cast(type[Any], kind), value)
    raise TypeError(f"no decoder for {kind!r}")  # a model field of an unplanned type


@functools.cache
def _hints(cls: Hashable) -> dict[str, Any]:
    return typing.get_type_hints(cls)  # evaluates the annotations: once per class


def from_obj(cls: type[T], obj: Any) -> T:
    """``cls`` from a parsed JSON object; fields of the wrong type keep their default."""
    if not isinstance(obj, dict):
        raise _Bad
    hints = _hints(typing.cast(Hashable, cls))
    values: dict[str, Any] = {}
    for item in dataclasses.fields(typing.cast(Any, cls)):
        if item.name in obj:
            try:
                values[item.name] = _decode(hints[item.name], obj[item.name])
            except (_Bad, RecursionError):
                continue
    return cls(**values)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def to_json(status: BackupStatus) -> dict[str, Any]:
    return typing.cast(dict[str, Any], _encode(status))


def parse_status(text: str) -> BackupStatus:
    """A status file's text. Raises ValueError when the text is not such a file."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"not JSON: {exc}"[:200]) from exc
    return status_from_data(data)


def status_from_data(data: Any) -> BackupStatus:
    if not isinstance(data, dict) or data.get("schema") != STATUS_SCHEMA:
        raise ValueError(f"not a {STATUS_SCHEMA} file")
    return from_obj(BackupStatus, data)


# --- the file ------------------------------------------------------------------------

def status_path() -> Path:
    return backup_dir() / "status.json"


def load_status() -> BackupStatus:
    raw = read_json(status_path())
    if raw is None:
        return BackupStatus()
    try:
        return status_from_data(raw)
    except ValueError as exc:
        raise DentsecError(
            f"Fichier d'état de sauvegarde inattendu : {status_path()}.",
            f"Unexpected backup status file: {status_path()}.",
        ) from exc


def save_status(status: BackupStatus) -> None:
    write_json(status_path(), to_json(status))


def pid_alive(pid: int) -> bool:
    # psutil, not os.kill(pid, 0): on Windows os.kill terminates the process
    import psutil  # 12 ms at import: only a killed run or a lock needs it

    return pid > 0 and psutil.pid_exists(pid)


def run_interrupted(last_run: RunRecord | None) -> bool:
    """A run record left unfinished by a process that no longer exists (killed, power cut)."""
    if last_run is None or last_run.finished is not None:
        return False
    return not (last_run.pid is not None and pid_alive(last_run.pid))


def hours_since(when: datetime | None) -> float | None:
    return None if when is None else (clock.now() - when) / timedelta(hours=1)
