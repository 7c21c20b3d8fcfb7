"""Rule 4 on macOS: Time Machine and dentsec's own backups (with the audit's own look at
the backup disk, probe ``backup-disk-present:<repository>``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timezone
from typing import Any

from dentsec.collect.common.backup_status import apply_status, disk_probe, own_status_path
from dentsec.collect.macos import plist
from dentsec.collect.macos.context import MacContext
from dentsec.collect.macos.plan import (
    DENTSEC_STATUS,
    DESTINATIONS_ARGV,
    LATEST_ARGV,
    TIME_MACHINE_PLIST,
    TMUTIL_TIMEOUT,
)
from dentsec.facts import Backup, BackupTool
from dentsec.host import Host


def parse_destinationinfo(text: str) -> list[dict[str, str]] | None:
    """``tmutil destinationinfo``: blocks of "Name : value" lines under a row of "=".

    "No destinations configured." is an empty list; anything else unreadable is None.
    """
    if re.search(r"No destinations configured", text, re.I):
        return []
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for line in text.splitlines():
        if re.fullmatch(r"\s*[=>-]{3,}\s*", line):
            if current:
                blocks.append(current)
            current = {}
            continue
        match = re.match(r"\s*(>?\s*[A-Za-z][A-Za-z ]*?)\s*:\s*(.*?)\s*$", line)
        if match:
            current[match.group(1).lstrip("> ").strip()] = match.group(2)
    if current:
        blocks.append(current)
    blocks = [b for b in blocks if "ID" in b or "Name" in b or "URL" in b]
    return blocks or None


def parse_latestbackup(text: str, tz: timezone | None) -> datetime | None:
    """``tmutil latestbackup``: a path ending in the snapshot's local time
    ("…/2023-06-12-104511" or "…/2023-06-12-104511.backup")."""
    found = re.findall(r"(\d{4})-(\d{2})-(\d{2})-(\d{2})(\d{2})(\d{2})", text)
    if not found:
        return None
    y, mo, d, h, mi, s = (int(x) for x in found[-1])
    try:
        return datetime(y, mo, d, h, mi, s, tzinfo=tz or UTC).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def latest_snapshot(settings: dict[str, Any]) -> datetime | None:
    """Latest SnapshotDates entry of any destination in com.apple.TimeMachine."""
    best: datetime | None = None
    dests = settings.get("Destinations")
    for dest in dests if isinstance(dests, list) else []:
        dates = dest.get("SnapshotDates") if isinstance(dest, dict) else None
        for value in dates if isinstance(dates, list) else []:
            when = plist.as_utc(value)
            if when and (best is None or when > best):
                best = when
    return best


def status_paths(host: Host, ctx: MacContext) -> list[str]:
    """Where ``dentsec backup`` may have left its status: the collecting user's
    DENTSEC_HOME (asked through a probe so a bundle replays it), then each person's
    default home for it."""
    own = own_status_path(host)
    paths = [own] if own else []
    paths += [f"{u.home}/{DENTSEC_STATUS}" for u in ctx.humans if u.home]
    return list(dict.fromkeys(paths))


def collect_backup(host: Host, ctx: MacContext) -> Backup:
    fam = Backup(source="tmutil, com.apple.TimeMachine, dentsec backup status",
                 not_applicable=["shadow_copies"])
    dest_res = host.run(DESTINATIONS_ARGV, timeout=TMUTIL_TIMEOUT)
    dests = (parse_destinationinfo(dest_res.stdout + "\n" + dest_res.stderr)
             if dest_res.error is None else None)
    settings, _ = plist.read_plist(host, TIME_MACHINE_PLIST)
    auto = plist.as_bool((settings or {}).get("AutoBackup"))
    if dests is None:
        fam.unknown["tools"] = "tmutil destinationinfo: " + (
            dest_res.why_not() if dest_res.error else "unrecognised answer")
    elif dests:
        last = latest_snapshot(settings) if settings else None
        if last is None:
            latest = host.run(LATEST_ARGV, timeout=TMUTIL_TIMEOUT)
            last = parse_latestbackup(latest.stdout, ctx.local_tz) if latest.ok else None
        first = dests[0]
        fam.tools.append(BackupTool(
            tool="time-machine", configured=auto is not False,
            destination=first.get("URL") or first.get("Mount Point") or first.get("Name"),
            last_backup=last, last_ok=None))
        if auto is None:
            fam.unknown["tools"] = "Time Machine: AutoBackup not stated"

    for path in status_paths(host, ctx):
        res = host.read_text(path)
        if not res.ok:
            if res.error not in ("missing", None):
                fam.unknown.setdefault("dentsec_configured", res.why_not())
            continue
        try:
            apply_status(fam, res.text or "", disk_probe(host))
        except ValueError:
            fam.unknown["dentsec_configured"] = f"{res.path}: not a dentsec backup status"
            continue
        break
    if ctx.users is None:
        fam.unknown["dentsec_configured"] = ctx.users_error or "no user list"
    if dests is None and not fam.tools:
        # Neither Time Machine nor dentsec could be seen: nothing is known about backups.
        raise RuntimeError(fam.unknown["tools"])
    # each tool's last_backup is its last *successful* run: a later failure does not erase it
    dates = [t.last_backup for t in fam.tools if t.last_backup]
    fam.last_backup = max(dates) if dates else None
    if fam.last_backup is None and fam.tools:
        fam.unknown["last_backup"] = "no successful backup date recorded"
    return fam
