"""The status file ``dentsec backup`` writes (schema dentsec.backup-status/1), read the
same way on every OS through the writer's own model (dentsec.backup.status)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from dentsec.backup.status import BackupStatus, DiskCheck, parse_iso, parse_status
from dentsec.facts import Backup, BackupTool
from dentsec.host import Host

OFFLINE_WINDOW = timedelta(days=14)
PRESENCE_LOOKS_NEEDED = 3
"""Looks at the disk between backups, on different days, before "always connected"."""
LOOKS = ("probe", "audit")
"""Disk checks that look at the disk without needing it (a backup run plugs it in)."""
DiskProbe = Callable[[str], DiskCheck | None]


def parse_when(value: object) -> datetime | None:
    return parse_iso(value)


def disk_always_connected(checks: list[DiskCheck]) -> bool | None:
    """Over the last 14 days of disk checks: False when a look between two backups saw
    the disk absent; True when >= 3 looks on different days between backups all saw it
    connected; None when nobody looked between backups (a disk plugged in for each run
    and failed runs with the disk absent say nothing about it)."""
    seen = sorted((c for c in checks if c.at is not None and c.connected is not None),
                  key=lambda c: c.at or datetime.min)
    if not seen or seen[-1].at is None:
        return None
    start = seen[-1].at - OFFLINE_WINDOW
    runs = [c.at for c in seen if c.by == "run" and c.connected and c.at and c.at >= start]
    if not runs:
        return None
    looks = [c for c in seen if c.by in LOOKS and c.at and c.at > runs[0]]
    if any(c.connected is False for c in looks):
        return False
    days = {c.at.date() for c in looks if c.at}
    return True if len(days) >= PRESENCE_LOOKS_NEEDED else None


def apply_status(fam: Backup, text: str, probe: DiskProbe | None = None) -> BackupStatus:
    """Fill ``fam`` from a status file; ``probe`` looks at the disk now (audit time).
    Raises ValueError when the text is not a status file."""
    status = parse_status(text)
    last = status.last_run
    fam.dentsec_configured = True
    fam.tools.append(BackupTool(
        tool="dentsec", configured=True, destination=status.repository or None,
        last_backup=status.last_success, last_ok=last.ok if last else None))
    if last is not None:
        fam.last_run_at = last.finished or last.started
        if not last.ok:
            fam.last_run_error = last.error or last.error_code or "échec"
    partial = status.last_partial
    if partial and partial.finished and (status.last_success is None
                                         or partial.finished > status.last_success):
        fam.last_partial_backup = partial.finished
    fam.incomplete_runs = status.incomplete.runs if status.incomplete else 0
    fam.incomplete_kind = status.incomplete.kind if status.incomplete else None
    if status.last_verify is not None:
        fam.last_verify, fam.last_verify_ok = status.last_verify.at, status.last_verify.ok
    if status.last_drill is not None:
        fam.last_drill, fam.last_drill_ok = status.last_drill.at, status.last_drill.ok
    if status.damage is not None:
        fam.damaged_since = status.damage.since
        fam.damage_reason = status.damage.error or status.damage.by
    fam.last_full_read = status.last_full_read
    if status.placement is not None:
        fam.repository_same_disk = status.placement.same_disk
    checks = list(status.disk_checks)
    if probe is not None and status.repository:
        now = probe(status.repository)
        if now is not None:
            checks.append(now)
    fam.disk_always_connected = disk_always_connected(checks)
    if fam.disk_always_connected is None:
        fam.unknown["disk_always_connected"] = (
            "nobody looked at the backup disk between backups over the last 14 days "
            f"(fewer than {PRESENCE_LOOKS_NEEDED} days with a look)")
    for provider in status.providers:
        if provider.name:
            fam.cloud_providers.append(provider.name)
            if provider.assessed_at:
                fam.cloud_providers_assessed.append(provider.name)
    return status


def _dentsec_home(_root: str) -> str:
    from dentsec.paths import dentsec_home

    return str(dentsec_home())


def own_status_path(host: Host) -> str | None:
    """The status file under the collecting user's DENTSEC_HOME, asked through a probe so
    that a bundle replays the path the live host used."""
    home = host.probe("dentsec-home", _dentsec_home, live_only=True)
    if home.ok and isinstance(home.value, str):
        return f"{home.value.rstrip('/')}/backup/status.json"
    return None


def disk_probe(host: Host) -> DiskProbe:
    """The audit's cheap look at the backup disk (is the repository's ``config`` there?),
    kept as evidence with the time it was taken so a bundle replays it."""
    def look(repository: str) -> DiskCheck | None:
        def present(root: str) -> bool:
            return Path(root + repository, "config").is_file()

        result = host.probe(f"backup-disk-present:{repository}", present, live_only=True)
        if not result.ok or not isinstance(result.value, bool):
            return None
        return DiskCheck(host.info.collected_at, result.value, "audit")

    return look
