"""Proof that the backups are usable: ``verify`` (restic check reading a share of the data)
and ``drill`` (restore files sampled across every snapshot and compare their SHA-256 with
the originals). Both dated in status.json.

Damage is remembered: a verify, drill or restore that meets damaged data records
``damage``, and only a verify that reads everything (``--read-data``) and passes clears
it; a lucky partial verify afterwards does not. The default verify reads the next part of
a rotation (``--read-data-subset n/t``) so every pack is read once per ``t`` verifies."""

from __future__ import annotations

import hashlib
import os
import random
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dentsec.backup import clock
from dentsec.backup.config import BackupConfig
from dentsec.backup.locks import clear_stale_locks
from dentsec.backup.restic import (
    LONG_TIMEOUT,
    Node,
    Restic,
    ResticFailure,
    Snapshot,
    failure_of,
    open_restic,
    parse_ls,
    parse_snapshots,
    repository_connected,
)
from dentsec.backup.status import (
    BackupStatus,
    Damage,
    DrillRecord,
    VerifyCycle,
    VerifyRecord,
    load_status,
    save_status,
)
from dentsec.errors import DentsecError

_RFC3339 = re.compile(
    r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9})\d*)?(Z|z|[+-]\d{2}:\d{2})")
_RESTORE_ERROR = re.compile(r"^ignoring error for (.+?): (.*)$")
FULL = ("100%", "1/1")
DRILL_SNAPSHOTS = 5
"""Snapshots a drill samples from (the newest, the oldest, and others at random)."""


def require_connected(config: BackupConfig, by: str) -> None:
    repository = config.require_repository()
    status = load_status()
    connected = repository_connected(repository)
    status.record_disk_check(connected, by)
    save_status(status)
    if not connected:
        raise ResticFailure("repository-missing", repository)


def note_damage(status: BackupStatus, by: str, error: str) -> None:
    """Keep the first sighting: the damage dates from then until a full verify passes."""
    if status.damage is None:
        status.damage = Damage(clock.now(), by, error)


def check_unlocked(restic: Restic, args: list[str], timeout: float) -> None:
    """Run a command needing the exclusive lock, clearing a stale lock once if needed."""
    try:
        restic.check(args, timeout)
    except ResticFailure as exc:
        if exc.code != "locked" or not clear_stale_locks(restic).stale:
            raise
        restic.check(args, timeout)


def next_subset(status: BackupStatus, parts: int) -> str:
    cycle = status.verify_cycle
    if cycle is None or cycle.parts != parts or not 1 <= cycle.next <= parts:
        cycle = status.verify_cycle = VerifyCycle(parts, 1, None)
    return f"{cycle.next}/{cycle.parts}"


def verify(config: BackupConfig, subset: str | None) -> str:
    """Check the repository, reading ``subset`` of the data (the next part of the
    rotation when None); returns the subset read."""
    require_connected(config, "verify")
    chosen = subset or next_subset(load_status(), config.verify_parts)
    record = VerifyRecord(at=clock.now(), subset=chosen)
    try:
        with open_restic(config) as restic:
            check_unlocked(restic, ["check", f"--read-data-subset={chosen}"], LONG_TIMEOUT)
        record.ok = True
    except DentsecError as exc:
        record.error, record.error_code = exc.fr, getattr(exc, "code", "failed")
        raise
    finally:
        status = load_status()
        status.last_verify = record
        if subset is None:
            next_subset(status, config.verify_parts)  # the round this part belongs to
        if record.ok:
            _advance(status, chosen, subset is None)
        elif record.error_code == "damaged":
            note_damage(status, "verify", record.error or "")
        save_status(status)
    return chosen


def _advance(status: BackupStatus, chosen: str, rotating: bool) -> None:
    if chosen in FULL:
        status.last_full_read, status.damage = clock.now(), None
        return
    cycle = status.verify_cycle
    if not rotating or cycle is None:
        return
    if cycle.next == 1:
        cycle.started = clock.now()
    if cycle.next == cycle.parts:
        # every part read once: the whole repository as it was at the round's start
        status.last_full_read = cycle.started
        cycle.next = 1
    else:
        cycle.next += 1


@dataclass
class DrillOutcome:
    snapshot: str
    compared: int
    mismatched: list[str]
    snapshots: int = 1
    unrestorable: list[str] | None = None


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


def restore_errors(output: str) -> list[str]:
    """Files ``restic restore`` could not restore ("ignoring error for PATH: reason")."""
    found = []
    for line in output.splitlines():
        match = _RESTORE_ERROR.match(line.strip())
        if match:
            found.append(match.group(1))
    return found


def drill(config: BackupConfig, sample: int) -> DrillOutcome:
    require_connected(config, "drill")
    record = DrillRecord(at=clock.now())
    damage: str | None = None
    try:
        with open_restic(config) as restic:
            outcome = _drill(restic, config, sample)
        record.snapshot, record.files, record.snapshots = (
            outcome.snapshot, outcome.compared, outcome.snapshots)
        bad = len(outcome.mismatched) + len(outcome.unrestorable or [])
        record.ok = bad == 0
        if bad:
            record.error_code = "mismatch"
            record.error = damage = (f"{bad} fichier(s) restauré(s) différent(s) de l'original "
                                     "ou illisible(s) dans la sauvegarde")
        return outcome
    except DentsecError as exc:
        record.error, record.error_code = exc.fr, getattr(exc, "code", "failed")
        raise
    finally:
        status = load_status()
        status.last_drill = record
        if damage:
            note_damage(status, "drill", damage)
        save_status(status)


def _drill_snapshots(snapshots: list[Snapshot]) -> list[Snapshot]:
    if len(snapshots) <= DRILL_SNAPSHOTS:
        return snapshots
    middle = random.SystemRandom().sample(snapshots[1:-1], DRILL_SNAPSHOTS - 2)
    return [snapshots[0], *middle, snapshots[-1]]


def _drill(restic: Restic, config: BackupConfig, sample: int) -> DrillOutcome:
    listed = restic.check(["snapshots", "--json", "--host", config.host])
    snapshots = parse_snapshots(listed.stdout)
    if not snapshots:
        raise DentsecError("Aucune sauvegarde à tester : lancez d'abord « dentsec backup run ».",
                           "No backup to test: run \"dentsec backup run\" first.")
    pool: list[tuple[Snapshot, Node]] = []
    for snapshot in _drill_snapshots(snapshots):
        nodes = parse_ls(restic.check(["ls", "--json", snapshot.id], LONG_TIMEOUT).stdout)
        pool += [(snapshot, n) for n in nodes if n.type == "file" and unchanged_on_disk(n)]
    if not pool:
        raise DentsecError(
            "Aucun fichier sauvegardé n'est resté identique sur ce poste : lancez une "
            "sauvegarde puis recommencez l'exercice.",
            "No backed-up file is unchanged on this computer: run a backup and try the "
            "drill again.")
    chosen = random.SystemRandom().sample(pool, min(sample, len(pool)))
    by_snapshot: dict[str, list[Node]] = {}
    for snapshot, node in chosen:
        by_snapshot.setdefault(snapshot.id, []).append(node)
    mismatched: list[str] = []
    unrestorable: list[str] = []
    for snapshot_id, nodes in by_snapshot.items():
        with tempfile.TemporaryDirectory(prefix="dentsec-drill-") as tmp:
            args = ["restore", snapshot_id, "--target", tmp]
            for node in nodes:
                args += ["--include", escape_pattern(node.path)]
            result = restic.run(args, LONG_TIMEOUT)
            output = result.stdout + "\n" + result.stderr
            failed = set(restore_errors(output))
            if not result.ok and not failed:
                raise failure_of(output, result.exit_code, result.error)
            unrestorable += sorted(failed)
            for node in nodes:
                if node.path in failed:
                    continue
                try:
                    same = sha256_of(Path(tmp) / node.path.lstrip("/")) == sha256_of(Path(node.path))
                except OSError:
                    same = False
                if not same:
                    mismatched.append(node.path)
    return DrillOutcome(snapshots[-1].short_id, len(chosen), mismatched,
                        len(by_snapshot), unrestorable)


_BAD_PACK = re.compile(r"Pack ID does not match, want ([0-9a-f]{64})|pack ([0-9a-f]{64})[: ]")


def damaged_packs(output: str) -> list[str]:
    """Pack IDs ``restic check --read-data`` reports as damaged."""
    found = {a or b for a, b in _BAD_PACK.findall(output)}
    return sorted(found)


def repair(config: BackupConfig) -> None:
    """The repair path of restic 0.14 (which has no ``repair`` command): read everything,
    move the damaged packs out of ``data/`` (kept beside the repository, not deleted),
    ``rebuild-index`` so restic forgets their blobs, back up again (restic saves again the
    blobs still present in the files), then read everything again. Only that last full
    read clears the damage."""
    from dentsec.backup.runner import run_backup

    require_connected(config, "verify")
    repository = Path(config.require_repository())
    with open_restic(config) as restic:
        first = restic.run(["check", "--read-data"], LONG_TIMEOUT)
        packs = damaged_packs(first.stdout + "\n" + first.stderr)
        if not first.ok and packs:
            aside = repository.with_name(repository.name + "-paquets-endommages")
            aside.mkdir(exist_ok=True)
            for pack in packs:
                source = repository / "data" / pack[:2] / pack
                if source.exists():
                    source.rename(aside / pack)
        if not first.ok:
            restic.check(["rebuild-index"], LONG_TIMEOUT)
    if not first.ok:
        try:
            run_backup(config)
        except DentsecError as exc:
            if getattr(exc, "exit_code", 2) != 3:
                raise
    try:
        verify(config, "100%")
    except DentsecError as exc:
        raise DentsecError(
            f"Réparation impossible sur ce disque ({exc.fr}) : des fichiers d'anciennes "
            "sauvegardes sont perdus. Passez à un nouveau disque : « dentsec backup move "
            "--to DOSSIER ».",
            f"Cannot repair on this disk ({exc.en}): files of older backups are lost. "
            "Switch to a new disk: \"dentsec backup move --to FOLDER\".") from exc
