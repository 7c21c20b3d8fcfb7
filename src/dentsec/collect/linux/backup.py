"""Backups: dentsec's own status file, then other known tools (restic, borg, timeshift, deja-dup).

Where the dentsec status file is looked for:
* live: ``$DENTSEC_HOME/backup/status.json`` (dentsec.paths.dentsec_home()), then the
  default places below;
* ``--root`` (and as fallback live): ``/root/.config/dentsec/backup/status.json`` (root's
  default DENTSEC_HOME, where a machine-wide backup run by root writes) and
  ``~/.config/dentsec/backup/status.json`` of each person.

With the status read, the audit looks at the backup disk itself (probe
``backup-disk-present:<repository>``: is its ``config`` there?), one more look for
BAK-OFFLINE-COPY; the audit writes nothing.
"""

from __future__ import annotations

import re
from datetime import datetime

from dentsec.collect.common.backup_status import (
    apply_status,
    disk_probe,
    own_status_path,
    parse_when,
)
from dentsec.collect.linux import dconf
from dentsec.collect.linux.context import LinuxContext
from dentsec.facts import Backup, BackupTool

TOOL_PACKAGES = {"restic": "restic", "borgbackup": "borg", "borgmatic": "borg",
                 "duplicity": "duplicity", "backintime-common": "backintime"}
TIMESHIFT_SNAPSHOTS = ("/timeshift/snapshots", "/run/timeshift/backup/timeshift/snapshots")
SCHEDULE_DIRS = ("/etc/systemd/system", "/etc/cron.d", "/etc/cron.daily", "/etc/cron.weekly")


def timeshift_time(name: str) -> datetime | None:
    """Snapshot folder names look like 2024-01-15_10-00-01 (local time, taken as UTC)."""
    from datetime import UTC

    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})_(\d{2})-(\d{2})-(\d{2})", name)
    if not m:
        return None
    try:
        y, mo, d, h, mi, sec = map(int, m.groups())
        return datetime(y, mo, d, h, mi, sec, tzinfo=UTC)
    except ValueError:
        return None


def _status_paths(ctx: LinuxContext) -> list[str]:
    paths: list[str] = []
    own = own_status_path(ctx.host)
    if own:
        paths.append(own)
    paths.append("/root/.config/dentsec/backup/status.json")
    users, _ = ctx.human_users()
    paths += [f"{u.home.rstrip('/')}/.config/dentsec/backup/status.json" for u in users or []]
    return list(dict.fromkeys(paths))


def collect_backup(ctx: LinuxContext) -> Backup:
    host = ctx.host
    fam = Backup(source="dentsec status + restic/borg/timeshift/deja-dup traces")
    problems: list[str] = []
    for path in _status_paths(ctx):
        res = host.read_text(path)
        if res.text is None:
            if res.error != "missing":
                problems.append(res.why_not())
            continue
        try:
            apply_status(fam, res.text, disk_probe(host))
            break
        except ValueError as exc:
            problems.append(f"{path}: {exc}"[:200])
    pkgs, why = ctx.packages()
    scheduled = _scheduled_names(ctx)
    for package, tool in TOOL_PACKAGES.items():
        if pkgs and package in pkgs and not any(t.tool == tool for t in fam.tools):
            fam.tools.append(BackupTool(tool=tool, configured=any(tool in s for s in scheduled)))
    if pkgs and "timeshift" in pkgs:
        fam.tools.append(_timeshift(ctx))
    _deja_dup(ctx, fam, problems)
    # each tool's last_backup is its last *successful* run: a later failure does not erase it
    done = [t.last_backup for t in fam.tools if t.last_backup]
    fam.last_backup = max(done) if done else None
    if fam.last_backup is None:
        fam.unknown["last_backup"] = "; ".join(problems)[:500] or "no backup seen"
    unreadable = [p for p in problems if p.endswith(": permission")]
    if pkgs is None or (unreadable and not fam.dentsec_configured):
        # A status file we may not read could be a working backup: not "no backup".
        fam.unknown["tools"] = "; ".join([*unreadable, *([why] if pkgs is None else [])])[:500]
    fam.not_applicable.append("shadow_copies")
    return fam


def _scheduled_names(ctx: LinuxContext) -> list[str]:
    """Names of systemd units and cron jobs (a restic/borg job is named after its tool)."""
    names: list[str] = []
    for folder in SCHEDULE_DIRS:
        names += [n.lower() for n in ctx.host.list_dir(folder).entries]
    return names


def _timeshift(ctx: LinuxContext) -> BackupTool:
    tool = BackupTool(tool="timeshift", configured=ctx.exists("/etc/timeshift/timeshift.json"))
    for folder in TIMESHIFT_SNAPSHOTS:
        stamps = [t for t in map(timeshift_time, ctx.host.list_dir(folder).entries) if t]
        if stamps:
            tool.last_backup, tool.destination, tool.last_ok = max(stamps), folder, True
            break
    return tool


def _deja_dup(ctx: LinuxContext, fam: Backup, problems: list[str]) -> None:
    users, _ = ctx.human_users()
    for user in users or []:
        home = user.home.rstrip("/")
        probe = ctx.host.probe(f"dconf-user-db:{home}", dconf.user_db_probe(home))
        values = probe.value if probe.ok and isinstance(probe.value, dict) else {}
        last = parse_when(values.get("/org/gnome/deja-dup/last-backup"))
        if last is not None or values.get("/org/gnome/deja-dup/last-run"):
            backend = values.get("/org/gnome/deja-dup/backend")
            fam.tools.append(BackupTool(tool="deja-dup", configured=True,
                                        destination=str(backend) if backend else None,
                                        last_backup=last, last_ok=True if last else None))
            if backend in ("google", "microsoft", "remote", "s3", "gcs", "swift"):
                fam.cloud_providers.append(f"deja-dup:{backend}")
