"""``dentsec backup run``: one restic backup with --host, then retention, with the status
record written before (so a killed run is visible) and after."""

from __future__ import annotations

import fnmatch
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from dentsec.backup.config import BackupConfig
from dentsec.backup.locks import clear_stale_locks, locks_present
from dentsec.backup.restic import (
    REASONS,
    Restic,
    ResticFailure,
    failure_of,
    json_line,
    open_restic,
    repository_connected,
)
from dentsec.backup.secret import clear_leftovers
from dentsec.backup.status import (
    Status,
    load_status,
    now_iso,
    parse_iso,
    record_disk_check,
    run_interrupted,
    save_status,
)
from dentsec.errors import DentsecError

Progress = Callable[[dict[str, Any]], None]


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
    problem: BackupIncomplete | None = None


def settle_interrupted(status: Status) -> bool:
    """Mark a run record left behind by a killed process; True when one was found."""
    last = status.get("last_run")
    if not run_interrupted(last):
        return False
    assert isinstance(last, dict)
    fr, en = REASONS["interrupted"]
    last.update(ok=False, error=fr, error_code="interrupted")
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


def _backup_once(restic: Restic, config: BackupConfig, outcome: RunOutcome,
                 on_progress: Progress | None) -> tuple[int | None, str]:
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
        if kind == "status" and on_progress is not None:
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


def _retention(restic: Restic, config: BackupConfig) -> None:
    restic.check([
        "forget", "--host", config.host, "--group-by", "host",
        "--keep-daily", str(config.keep_daily), "--keep-weekly", str(config.keep_weekly),
        "--keep-monthly", str(config.keep_monthly), "--prune",
    ], timeout=24 * 3600.0)


RETENTION_EVERY = timedelta(hours=20)


def retention_due(status: Status) -> bool:
    """Retention counts days, weeks and months: once a day is enough (20 h so that a daily
    job always qualifies). Extra runs in the same day skip its lock and prune."""
    last = parse_iso(status.get("last_retention"))
    return last is None or datetime.now(UTC) - last >= RETENTION_EVERY


def snapshot_count(repository: str) -> int:
    """Snapshots in a local repository (one file each under ``snapshots/``): with a single
    one the policy has nothing to forget, and restic need not be asked."""
    try:
        return sum(1 for _ in Path(repository, "snapshots").iterdir())
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


def run_backup(config: BackupConfig, on_progress: Progress | None = None) -> RunOutcome:
    repository = config.require_repository()
    config.require_paths()
    status = load_status()
    settle_interrupted(status)
    status["repository"], status["host"] = repository, config.host
    connected = repository_connected(repository)
    record_disk_check(status, connected)
    record: dict[str, Any] = {
        "started": now_iso(), "finished": None, "ok": False, "error": None,
        "error_code": None, "snapshot": None, "files": None, "bytes": None,
        "unreadable_files": 0, "changed_files": 0, "pid": os.getpid(),
    }
    status["last_run"] = record
    outcome = RunOutcome()

    def finish(code: str | None, error_fr: str | None) -> None:
        record.update(finished=now_iso(), ok=code is None, error=error_fr, error_code=code,
                      snapshot=outcome.snapshot, files=outcome.files or None,
                      bytes=outcome.bytes or None, unreadable_files=len(outcome.unreadable),
                      changed_files=len(outcome.changed))
        if outcome.snapshot and code in (None, "retention-failed"):
            status["last_success"] = record["finished"]
            status["last_success_run"] = {k: record[k] for k in ("finished", "snapshot",
                                                                  "files", "bytes")}
        save_status(status)

    if not connected:
        failure = ResticFailure("repository-missing", repository)
        finish(failure.code, failure.fr)
        raise failure
    save_status(status)  # a killed run leaves this unfinished record behind
    clear_leftovers()
    started = time.time()
    try:
        with open_restic(config) as restic:
            if locks_present(repository):
                outcome.cleared_locks += len(clear_stale_locks(restic).stale)

            def attempt() -> None:
                outcome.unreadable.clear()
                exit_code, text = _backup_once(restic, config, outcome, on_progress)
                if exit_code not in (0, 3):
                    raise failure_of(text, exit_code, None)

            with_stale_lock_retry(restic, outcome, attempt)
            # restic 0.14 skips a missing folder with a mere warning: count it as unread
            outcome.unreadable += [p for p in config.paths if not os.path.lexists(p)]
            if not repository_connected(repository):
                # disk pulled mid-run: restic recreates missing folders and "succeeds" into
                # an empty mount point, so the snapshot is not on the backup disk
                outcome.snapshot = None
                raise ResticFailure("repository-missing", repository)
            outcome.changed = changed_since(config.paths, config.excludes, started)
            # only a complete snapshot may push older ones out of the retention window
            if not outcome.unreadable and not outcome.changed and retention_due(status):
                try:
                    if snapshot_count(repository) > 1:
                        with_stale_lock_retry(restic, outcome,
                                              lambda: _retention(restic, config))
                    status["last_retention"] = now_iso()
                except ResticFailure as exc:
                    outcome.problem = BackupIncomplete(
                        "retention-failed",
                        "Sauvegarde faite, mais le nettoyage des anciennes sauvegardes a "
                        f"échoué : {exc.fr}",
                        f"Backup done, but removing old backups failed: {exc.en}")
    except ResticFailure as exc:
        if exc.code != "repository-missing" and not repository_connected(repository):
            exc = ResticFailure("repository-missing", repository)  # unplugged mid-run
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
