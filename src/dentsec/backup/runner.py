"""``dentsec backup run``: one restic backup with --host, then retention when due, with the
status record written before (so a killed run is visible) and after.

A success is recorded only for a snapshot found in the repository on the backup disk,
with the disk seen the whole time (dentsec.backup.identity)."""

from __future__ import annotations

import fnmatch
import hashlib
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from dentsec.backup import clock
from dentsec.backup.config import BackupConfig, save_config
from dentsec.backup.disks import placement_of
from dentsec.backup.identity import (
    Presence,
    leftover_bytes,
    presence,
    snapshot_listed,
    still_there,
)
from dentsec.backup.locks import clear_stale_locks, locks_present
from dentsec.backup.restic import (
    REASONS,
    Restic,
    ResticFailure,
    failure_of,
    json_line,
    open_restic,
)
from dentsec.backup.secret import clear_leftovers
from dentsec.backup.status import (
    BackupStatus,
    Damage,
    IncompleteStreak,
    Leftovers,
    RunRecord,
    SnapshotRecord,
    load_status,
    run_interrupted,
    save_status,
)
from dentsec.errors import DentsecError

Progress = Callable[[dict[str, Any]], None]
WATCH_EVERY_S = 0.5
"""How often the disk is looked at during a run (restic prints a status line a second)."""
RETENTION_EVERY = timedelta(days=7)
LOW_SPACE = 0.10
"""Retention runs early when less than this share of the backup disk is free."""


class BackupIncomplete(DentsecError):
    """A snapshot was saved but does not hold everything (exit status 3)."""

    exit_code = 3

    def __init__(self, code: str, fr: str, en: str) -> None:
        super().__init__(fr, en)
        self.code = code


@dataclass
class RunOutcome:
    snapshot: str | None = None
    files: int = 0
    bytes: int = 0
    data_added: int = 0
    unreadable: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    cleared_locks: int = 0
    retention_seconds: float | None = None
    """How long retention took, when it ran."""
    damage: Damage | None = None
    """Damage found earlier and not repaired yet: this run may reuse damaged data."""
    problem: BackupIncomplete | None = None


def settle_interrupted(status: BackupStatus) -> bool:
    """Mark a run record left behind by a killed process; True when one was found."""
    last = status.last_run
    if last is None or not run_interrupted(last):
        return False
    last.ok, last.error, last.error_code = False, REASONS["interrupted"][0], "interrupted"
    return True


def is_excluded(path: str, patterns: list[str]) -> bool:
    name = os.path.basename(path)
    return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(path, p) for p in patterns)


def changed_since(paths: list[str], excludes: list[str], since: float) -> list[str]:
    """Files modified after ``since`` (the start of the run): their copy may be torn."""
    found = []
    for root in paths:
        candidates: list[str] = []
        if os.path.isdir(root):
            for folder, _dirs, files in os.walk(root):
                candidates.extend(os.path.join(folder, f) for f in files)
        else:
            candidates.append(root)
        for path in candidates:
            if is_excluded(path, excludes):
                continue
            try:
                if os.lstat(path).st_mtime >= since:
                    found.append(path)
            except OSError:
                continue  # deleted during the run: restic saw it or not, nothing torn
    return found


def files_key(config: BackupConfig, paths: list[str]) -> str:
    """A keyed digest of a set of paths: "the same files as last time" without their names
    (a plain hash of a patient's name is found by trying names)."""
    if not config.status_key:
        import secrets

        config.status_key = secrets.token_hex(16)
        save_config(config)
    digest = hashlib.blake2b(key=bytes.fromhex(config.status_key), digest_size=16)
    for path in sorted(set(paths)):
        digest.update(path.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


def note_incomplete(status: BackupStatus, kind: str, key: str) -> None:
    streak = status.incomplete
    if streak is not None and (streak.kind, streak.key) == (kind, key):
        streak.runs += 1
    else:
        status.incomplete = IncompleteStreak(kind, key, 1, clock.now())


def _backup_once(restic: Restic, config: BackupConfig, outcome: RunOutcome,
                 on_progress: Progress | None, watch: Callable[[], None]) -> tuple[int | None, str]:
    argv = ["backup", "--json", "--host", config.host]
    argv += [f"--exclude={pattern}" for pattern in config.excludes]
    argv += ["--", *config.paths]
    text: list[str] = []

    def on_line(line: str) -> None:
        message = json_line(line)
        if message is None:
            text.append(line)
            return
        kind = message.get("message_type")
        if kind == "status":
            watch()
            if on_progress is not None:
                on_progress(message)
        elif kind == "summary":
            outcome.snapshot = str(message.get("snapshot_id") or "") or None
            outcome.files = int(message.get("total_files_processed") or 0)
            outcome.bytes = int(message.get("total_bytes_processed") or 0)
            outcome.data_added = int(message.get("data_added") or 0)
        elif kind == "error":
            outcome.unreadable.append(str(message.get("item") or "?"))

    # nobody watches a scheduled run: one status line a second instead of sixty
    fps = 60.0 if on_progress is not None else 1.0
    return restic.stream(argv, on_line, fps), "\n".join(text)


def retention_args(config: BackupConfig) -> list[str]:
    return ["forget", "--host", config.host, "--group-by", "host",
            "--keep-daily", str(config.keep_daily), "--keep-weekly", str(config.keep_weekly),
            "--keep-monthly", str(config.keep_monthly)]


def _retention(restic: Restic, config: BackupConfig) -> None:
    """The automatic retention never rewrites data: it deletes the packs no kept snapshot
    uses (``--max-unused unlimited``: no repacking, little time, no room needed);
    ``backup prune`` repacks the partly used ones when the practice wants the space."""
    restic.check([*retention_args(config), "--prune", "--max-unused", "unlimited"],
                 timeout=24 * 3600.0)


def space_low(repository: str) -> bool:
    try:
        usage = shutil.disk_usage(repository)
    except OSError:
        return False
    return usage.free < LOW_SPACE * usage.total


def retention_due(status: BackupStatus, repository: str) -> bool:
    """Pruning rewrites packs and costs more than a daily backup: once a week keeps the
    7 daily / 4 weekly / 12 monthly counts (restic keeps the newest of each day anyway),
    sooner when the disk runs out of room."""
    last = status.last_retention
    return last is None or clock.now() - last >= RETENTION_EVERY or space_low(repository)


def snapshot_count(repository: str) -> int:
    """Snapshots in a local repository (one file each under ``snapshots/``): with a single
    one the policy has nothing to forget, and restic need not be asked."""
    try:
        return sum(1 for _ in os.scandir(os.path.join(repository, "snapshots")))
    except OSError:
        return 2  # cannot tell: let restic apply the policy


def with_stale_lock_retry(restic: Restic, outcome: RunOutcome, action: Callable[[], None]) -> None:
    try:
        action()
    except ResticFailure as exc:
        if exc.code != "locked":
            raise
        report = clear_stale_locks(restic)
        if not report.stale:
            raise
        outcome.cleared_locks += len(report.stale)
        action()


def missing_repository(status: BackupStatus, repository: str) -> ResticFailure:
    """The disk is not there; restic folders found in its place are reported (they were
    written to the internal disk while the mount point was empty)."""
    left = leftover_bytes(repository)
    if left is None:
        return ResticFailure("repository-missing", repository)
    status.leftovers = Leftovers(clock.now(), repository, left)
    return ResticFailure(
        "repository-missing",
        f"{repository} ; {left // 1024} Ko écrits sur le disque interne à sa place : "
        "« dentsec backup leftovers »",
        f"{repository}; {left // 1024} KB written to the internal disk in its place: "
        "\"dentsec backup leftovers\"")


def _lost_disk(restic: Restic, status: BackupStatus, repository: str,
               snapshot: str | None) -> ResticFailure:
    """The disk went away during the run. If it is back, what restic wrote meanwhile went
    under the empty mount point: drop the snapshot (its data is not on the disk) and the
    index entries of missing packs, and keep the repository marked damaged until a full
    verify passes."""
    if presence(repository) is None:
        return missing_repository(status, repository)
    if snapshot and snapshot_listed(repository, snapshot):
        restic.run(["forget", snapshot])
    restic.run(["rebuild-index"])
    fr = ("le disque a été débranché pendant la sauvegarde : une partie des données a pu "
          "être écrite sur le disque interne")
    status.damage = Damage(clock.now(), "run", fr[0].upper() + fr[1:] + ".")
    return ResticFailure("repository-missing", "débranché pendant la sauvegarde",
                         "unplugged during the backup")


def run_backup(config: BackupConfig, on_progress: Progress | None = None) -> RunOutcome:
    repository = config.require_repository()
    config.require_paths()
    status = load_status()
    settle_interrupted(status)
    status.repository, status.host = repository, config.host
    before = presence(repository)
    status.record_disk_check(before is not None, "run")
    record = RunRecord(started=clock.now(), pid=os.getpid())
    status.last_run = record
    outcome = RunOutcome(damage=status.damage)

    def finish(code: str | None, error_fr: str | None) -> None:
        record.finished, record.ok, record.error, record.error_code = (
            clock.now(), code is None, error_fr, code)
        record.snapshot, record.files, record.bytes = (
            outcome.snapshot, outcome.files or None, outcome.bytes or None)
        record.unreadable_files, record.changed_files = len(outcome.unreadable), len(outcome.changed)
        saved = SnapshotRecord(record.finished, outcome.snapshot, record.files, record.bytes)
        if outcome.snapshot and code in (None, "retention-failed"):
            status.last_success, status.last_success_run = record.finished, saved
            status.incomplete = None
        elif outcome.snapshot and code in ("unreadable-files", "changed-files"):
            status.last_partial = saved
            note_incomplete(status, code, files_key(
                config, outcome.unreadable if code == "unreadable-files" else outcome.changed))
        save_status(status)

    if before is None:
        failure = missing_repository(status, repository)
        finish(failure.code, failure.fr)
        raise failure
    if status.config_digest is None:
        status.config_digest = before.digest  # a status written before dentsec kept it
    elif before.digest != status.config_digest:
        failure = ResticFailure("foreign-repository", repository)
        finish(failure.code, failure.fr)
        raise failure
    status.placement = placement_of(repository, config.paths)
    save_status(status)  # a killed run leaves this unfinished record behind
    clear_leftovers()
    started = time.time()
    try:
        with open_restic(config) as restic:
            _run(restic, config, status, outcome, before, on_progress, started)
    except ResticFailure as exc:
        if exc.code != "repository-missing" and not still_there(repository, before):
            exc = ResticFailure("repository-missing", repository)  # unplugged mid-run
        if exc.code in ("repository-missing", "io-error"):
            outcome.snapshot = None
        finish(exc.code, exc.fr)
        raise exc from None
    except DentsecError as exc:
        finish(getattr(exc, "code", "failed"), exc.fr)
        raise
    if outcome.unreadable:
        outcome.problem = BackupIncomplete(
            "unreadable-files",
            f"Sauvegarde incomplète : {len(outcome.unreadable)} fichier(s) illisible(s) "
            "n'ont pas été sauvegardés (droits d'accès ? fichier ouvert ?).",
            f"Incomplete backup: {len(outcome.unreadable)} unreadable file(s) were not "
            "backed up (permissions? file in use?).")
    elif outcome.changed:
        outcome.problem = BackupIncomplete(
            "changed-files",
            f"Sauvegarde à reprendre : {len(outcome.changed)} fichier(s) ont changé pendant "
            "la sauvegarde, leur copie peut être incohérente. Fermez les logiciels qui les "
            "modifient et relancez la sauvegarde.",
            f"Backup to redo: {len(outcome.changed)} file(s) changed during the backup, "
            "their copy may be inconsistent. Close the programs changing them and run the "
            "backup again.")
    problem = outcome.problem
    finish(problem.code if problem else None, problem.fr if problem else None)
    return outcome


def _run(restic: Restic, config: BackupConfig, status: BackupStatus, outcome: RunOutcome,
         before: Presence, on_progress: Progress | None, started: float) -> None:
    repository = restic.repository
    if locks_present(repository):
        outcome.cleared_locks += len(clear_stale_locks(restic).stale)
    lost = False
    looked = 0.0

    def watch() -> None:
        nonlocal lost, looked
        moment = time.monotonic()
        if moment - looked >= WATCH_EVERY_S:
            looked = moment
            lost = lost or not still_there(repository, before)

    def attempt() -> None:
        outcome.unreadable.clear()
        exit_code, text = _backup_once(restic, config, outcome, on_progress, watch)
        if exit_code not in (0, 3):
            raise failure_of(text, exit_code, None)

    with_stale_lock_retry(restic, outcome, attempt)
    if lost or presence(repository) != before or not (
            outcome.snapshot and snapshot_listed(repository, outcome.snapshot)):
        raise _lost_disk(restic, status, repository, outcome.snapshot)
    # restic 0.14 skips a missing folder with a mere warning: count it as unread
    outcome.unreadable += [p for p in config.paths if not os.path.lexists(p)]
    outcome.changed = changed_since(config.paths, config.excludes, started)
    # only a complete snapshot may push older ones out of the retention window
    if outcome.unreadable or outcome.changed or not retention_due(status, repository):
        return
    try:
        if snapshot_count(repository) > 1:
            began = time.monotonic()
            with_stale_lock_retry(restic, outcome, lambda: _retention(restic, config))
            outcome.retention_seconds = time.monotonic() - began
        status.last_retention = clock.now()
    except ResticFailure as exc:
        outcome.problem = BackupIncomplete(
            "retention-failed",
            "Sauvegarde faite, mais le nettoyage des anciennes sauvegardes a "
            f"échoué : {exc.fr}",
            f"Backup done, but removing old backups failed: {exc.en}")
