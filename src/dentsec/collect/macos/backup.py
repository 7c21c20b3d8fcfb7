"""Rule 4 on macOS: Time Machine and dentsec's own backups."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from dentsec.collect.macos import plist
from dentsec.collect.macos.context import MacContext
from dentsec.facts import Backup, BackupTool
from dentsec.host import Host

DESTINATIONS_ARGV = ["tmutil", "destinationinfo"]
LATEST_ARGV = ["tmutil", "latestbackup"]
TIME_MACHINE_PLIST = "/Library/Preferences/com.apple.TimeMachine.plist"
DENTSEC_STATUS = "Library/Application Support/dentsec/backup/status.json"
"""Below each home: where ``dentsec backup`` keeps its status on a Mac by default."""
ALWAYS_CONNECTED_CHECKS = 7


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


def _iso(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def always_connected(checks: Any) -> bool | None:
    """The last checks (≥ 7, over ≥ 7 days) all saw the backup disk connected."""
    if not isinstance(checks, list):
        return None
    seen = [(_iso(c.get("at")), c.get("connected")) for c in checks if isinstance(c, dict)]
    seen = [(at, ok) for at, ok in seen if at is not None and isinstance(ok, bool)]
    if len(seen) < ALWAYS_CONNECTED_CHECKS:
        return None
    if any(ok is False for _, ok in seen[-ALWAYS_CONNECTED_CHECKS:]):
        return False
    span = max(at for at, _ in seen if at) - min(at for at, _ in seen if at)
    return True if span >= timedelta(days=7) else None


def parse_dentsec_status(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("schema") != "dentsec.backup-status/1":
        return None
    return data


def apply_dentsec_status(fam: Backup, status: dict[str, Any]) -> BackupTool:
    last_run = status.get("last_run") if isinstance(status.get("last_run"), dict) else {}
    fam.dentsec_configured = True
    for key, at_field, ok_field in (("last_verify", "last_verify", "last_verify_ok"),
                                    ("last_drill", "last_drill", "last_drill_ok")):
        entry = status.get(key)
        if isinstance(entry, dict):
            setattr(fam, at_field, _iso(entry.get("at")))
            ok = entry.get("ok")
            setattr(fam, ok_field, ok if isinstance(ok, bool) else None)
    fam.disk_always_connected = always_connected(status.get("disk_checks"))
    providers = status.get("providers")
    for prov in providers if isinstance(providers, list) else []:
        if isinstance(prov, dict) and isinstance(prov.get("name"), str):
            fam.cloud_providers.append(prov["name"])
            if prov.get("assessed_at"):
                fam.cloud_providers_assessed.append(prov["name"])
    ok = last_run.get("ok") if isinstance(last_run, dict) else None
    repo = status.get("repository")
    return BackupTool(tool="dentsec", configured=True,
                      destination=repo if isinstance(repo, str) else None,
                      last_backup=_iso(status.get("last_success")),
                      last_ok=ok if isinstance(ok, bool) else None)


def _dentsec_home(_root: str) -> str:
    from dentsec.paths import dentsec_home

    return str(dentsec_home())


def status_paths(host: Host, ctx: MacContext) -> list[str]:
    """Where ``dentsec backup`` may have left its status: the collecting user's
    DENTSEC_HOME (asked through a probe so a bundle replays it), then each person's
    default home for it."""
    paths: list[str] = []
    home = host.probe("dentsec-home", _dentsec_home, live_only=True)
    if home.ok and isinstance(home.value, str):
        paths.append(f"{home.value.rstrip('/')}/backup/status.json")
    paths += [f"{u.home}/{DENTSEC_STATUS}" for u in ctx.humans if u.home]
    return list(dict.fromkeys(paths))


def collect_backup(host: Host, ctx: MacContext) -> Backup:
    fam = Backup(source="tmutil, com.apple.TimeMachine, dentsec backup status",
                 not_applicable=["shadow_copies"])
    dest_res = host.run(DESTINATIONS_ARGV, timeout=30.0)
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
            latest = host.run(LATEST_ARGV, timeout=30.0)
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
        status = parse_dentsec_status(res.text or "")
        if status is None:
            fam.unknown["dentsec_configured"] = f"{res.path}: not a dentsec backup status"
            continue
        fam.tools.append(apply_dentsec_status(fam, status))
        break
    if ctx.users is None:
        fam.unknown["dentsec_configured"] = ctx.users_error or "no user list"
    if dests is None and not fam.tools:
        # Neither Time Machine nor dentsec could be seen: nothing is known about backups.
        raise RuntimeError(fam.unknown["tools"])
    dates = [t.last_backup for t in fam.tools if t.last_backup and t.last_ok is not False]
    fam.last_backup = max(dates) if dates else None
    if fam.last_backup is None and fam.tools:
        fam.unknown["last_backup"] = "no successful backup date recorded"
    return fam
