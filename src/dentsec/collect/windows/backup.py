"""Backups on Windows: dentsec's own status file, File History, shadow copies.

* dentsec: ``backup\\status.json`` (schema ``dentsec.backup-status/1``) under DENTSEC_HOME,
  %LOCALAPPDATA%\\dentsec or %APPDATA%\\dentsec, read whole by the script, with a look at
  the backup disk (``Test-Path`` of the repository's ``config``) and the time of that look.
* File History: its per-user configuration (``...\\FileHistory\\Configuration\\Config*.xml``)
  says it is set up and where it copies to; Windows keeps its last run in the target's
  catalog, which the audit does not open, so its last backup stays unknown.
* Backup and Restore (Windows 7): its ``\\Microsoft\\Windows\\WindowsBackup\\AutomaticBackup``
  scheduled task is enabled once a schedule is set; its last run and result
  (``Get-ScheduledTaskInfo``, 0 = success) give the last backup.
* Shadow copies: ``Win32_ShadowCopy`` instances (reading them needs administrator rights).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dentsec.backup.status import DiskCheck
from dentsec.collect.common.backup_status import apply_status
from dentsec.collect.windows.document import Document, PartMissing
from dentsec.collect.windows.psjson import (
    as_datetime,
    as_dict,
    as_int,
    as_list,
    as_text,
    prop,
)
from dentsec.facts import Backup, BackupTool

TASK_NEVER_RAN = datetime(2000, 1, 1, tzinfo=UTC)


def backup(doc: Document) -> Backup:
    fam = Backup(source="dentsec backup status, File History configuration, Win32_ShadowCopy")
    data = as_dict(doc.data("backup"))
    for raw in as_list(prop(data, "file_history")):
        entry = as_dict(raw)
        fam.tools.append(BackupTool(tool="file-history", configured=True,
                                    destination=as_text(prop(entry, "target"))))
    if any(t.tool == "file-history" for t in fam.tools):
        fam.unknown["file-history.last_backup"] = "File History keeps its last run in its catalog"
    _dentsec(as_dict(prop(data, "dentsec_status")), fam)
    _windows_backup(doc, fam)
    try:
        fam.shadow_copies = len(as_list(doc.data("shadow_copies")))
    except PartMissing as exc:
        fam.unknown["shadow_copies"] = str(exc)
    # Each tool's last_backup is its last *successful* run (a later failure does not erase it).
    done = [t.last_backup for t in fam.tools if t.last_backup]
    fam.last_backup = max(done) if done else None
    if fam.last_backup is None:
        fam.unknown.setdefault("last_backup", "no backup with a known successful run")
    return fam


def _windows_backup(doc: Document, fam: Backup) -> None:
    """Backup and Restore (Windows 7): its AutomaticBackup task, enabled once configured."""
    try:
        tasks = [as_dict(t) for t in as_list(doc.data("windows_backup"))]
    except PartMissing as exc:
        fam.unknown["windows-backup"] = str(exc)
        return
    for task in tasks:
        state = (as_text(prop(task, "State")) or "").lower()
        if as_text(prop(task, "TaskName")) != "AutomaticBackup" or state in ("", "disabled"):
            continue
        ran = as_datetime(prop(task, "LastRunTime"))
        if ran is not None and ran < TASK_NEVER_RAN:
            ran = None  # Task Scheduler shows 11/30/1999 for "never"
        result = as_int(prop(task, "LastTaskResult"))
        fam.tools.append(BackupTool(tool="windows-backup", configured=True,
                                    last_backup=ran if result == 0 else None,
                                    last_ok=None if ran is None or result is None else result == 0))


def _dentsec(found: dict[str, Any], fam: Backup) -> None:
    if not found:
        for field in ("last_verify", "last_drill", "disk_always_connected"):
            fam.unknown[field] = "no dentsec backup on this PC"
        return
    present, looked = prop(found, "disk_present"), as_datetime(prop(found, "looked_at"))
    look = (DiskCheck(looked, present, "audit")
            if isinstance(present, bool) and looked is not None else None)
    try:
        apply_status(fam, as_text(prop(found, "content")) or "", lambda _repo: look)
    except (ValueError, TypeError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        why = f"{as_text(prop(found, 'path'))}: {exc}"[:300]
        fam.unknown.update({"dentsec": why, "last_verify": why, "last_drill": why})
