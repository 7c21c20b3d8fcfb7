"""Proof that the backups are usable: ``verify`` (restic check reading a share of the data)
and ``drill`` (restore a random sample of files and compare their SHA-256 with the
originals). Both dated in status.json."""

from __future__ import annotations

import hashlib
import os
import random
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dentsec.backup.config import BackupConfig
from dentsec.backup.locks import clear_stale_locks
from dentsec.backup.restic import (
    LONG_TIMEOUT,
    Node,
    Restic,
    ResticFailure,
    failure_of,
    open_restic,
    parse_ls,
    parse_snapshots,
    repository_connected,
)
from dentsec.backup.status import load_status, now_iso, record_disk_check, save_status
from dentsec.errors import DentsecError

_RFC3339 = re.compile(
    r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9})\d*)?(Z|z|[+-]\d{2}:\d{2})")


def _require_connected(config: BackupConfig) -> None:
    repository = config.require_repository()
    status = load_status()
    connected = repository_connected(repository)
    record_disk_check(status, connected)
    save_status(status)
    if not connected:
        raise ResticFailure("repository-missing", repository)


def check_unlocked(restic: Restic, args: list[str], timeout: float) -> None:
    """Run a command needing the exclusive lock, clearing a stale lock once if needed."""
    try:
        restic.check(args, timeout)
    except ResticFailure as exc:
        if exc.code != "locked" or not clear_stale_locks(restic).stale:
            raise
        restic.check(args, timeout)


def verify(config: BackupConfig, subset: str) -> None:
    _require_connected(config)
    record: dict[str, object] = {"at": now_iso(), "ok": False, "error": None,
                                 "error_code": None, "subset": subset}
    try:
        with open_restic(config) as restic:
            check_unlocked(restic, ["check", f"--read-data-subset={subset}"], LONG_TIMEOUT)
        record["ok"] = True
    except DentsecError as exc:
        record.update(error=exc.fr, error_code=getattr(exc, "code", "failed"))
        raise
    finally:
        status = load_status()
        status["last_verify"] = record
        save_status(status)


@dataclass
class DrillOutcome:
    snapshot: str
    compared: int
    mismatched: list[str]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def mtime_ns(iso: str) -> int | None:
    """restic's node mtime (RFC 3339 with up to 9 decimals) in nanoseconds since the epoch."""
    match = _RFC3339.fullmatch(iso.strip())
    if match is None:
        return None
    head, digits, zone = match.groups()
    try:
        base = datetime.fromisoformat(head + ("+00:00" if zone in ("Z", "z") else zone))
    except ValueError:
        return None
    return int(base.timestamp()) * 1_000_000_000 + int((digits or "0").ljust(9, "0"))


def unchanged_on_disk(node: Node) -> bool:
    """The original still has the size and date the snapshot recorded (else it is newer
    work, not a restore fault)."""
    try:
        st = os.stat(node.path)
    except OSError:
        return False
    recorded = mtime_ns(node.mtime)
    return st.st_size == node.size and recorded is not None and abs(st.st_mtime_ns - recorded) < 1000


def escape_pattern(path: str) -> str:
    """restic --include takes a pattern: escape its wildcard characters."""
    return "".join("\\" + c if c in "*?[\\" else c for c in path)


def drill(config: BackupConfig, sample: int) -> DrillOutcome:
    _require_connected(config)
    record: dict[str, object] = {"at": now_iso(), "ok": False, "files": 0, "error": None,
                                 "error_code": None, "snapshot": None}
    try:
        with open_restic(config) as restic:
            outcome = _drill(restic, config, sample)
        record.update(snapshot=outcome.snapshot, files=outcome.compared,
                      ok=not outcome.mismatched)
        if outcome.mismatched:
            record.update(error_code="mismatch",
                          error=f"{len(outcome.mismatched)} fichier(s) restauré(s) différent(s)")
        return outcome
    except DentsecError as exc:
        record.update(error=exc.fr, error_code=getattr(exc, "code", "failed"))
        raise
    finally:
        status = load_status()
        status["last_drill"] = record
        save_status(status)


def _drill(restic: Restic, config: BackupConfig, sample: int) -> DrillOutcome:
    listed = restic.check(["snapshots", "--json", "--host", config.host, "latest"])
    snapshots = parse_snapshots(listed.stdout)
    if not snapshots:
        raise DentsecError("Aucune sauvegarde à tester : lancez d'abord « dentsec backup run ».",
                           "No backup to test: run \"dentsec backup run\" first.")
    snapshot = snapshots[-1]
    nodes = parse_ls(restic.check(["ls", "--json", snapshot.id], LONG_TIMEOUT).stdout)
    candidates = [n for n in nodes if n.type == "file" and unchanged_on_disk(n)]
    if not candidates:
        raise DentsecError(
            "Aucun fichier de la dernière sauvegarde n'est resté identique sur ce poste : "
            "lancez une sauvegarde puis recommencez l'exercice.",
            "No file of the last backup is unchanged on this computer: run a backup and "
            "try the drill again.")
    chosen = random.SystemRandom().sample(candidates, min(sample, len(candidates)))
    with tempfile.TemporaryDirectory(prefix="dentsec-drill-") as tmp:
        args = ["restore", snapshot.id, "--target", tmp]
        for node in chosen:
            args += ["--include", escape_pattern(node.path)]
        result = restic.run(args, LONG_TIMEOUT)
        if not result.ok:
            raise failure_of(result.stdout + "\n" + result.stderr, result.exit_code,
                             result.error)
        mismatched = []
        for node in chosen:
            restored = Path(tmp) / node.path.lstrip("/")
            try:
                same = sha256_of(restored) == sha256_of(Path(node.path))
            except OSError:
                same = False
            if not same:
                mismatched.append(node.path)
    return DrillOutcome(snapshot.short_id, len(chosen), mismatched)
