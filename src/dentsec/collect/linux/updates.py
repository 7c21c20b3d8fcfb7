"""Pending updates (apt package cache / dnf cache), automatic updates, date of the last update."""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo

from dentsec.collect.linux.context import LinuxContext
from dentsec.facts import Updates
from dentsec.host.base import under_root

# Reads the package cache without solving an upgrade: seconds faster than "apt-get -s upgrade"
# (1.9 s against 12 s on a loaded 2-core machine), and it also lists held-back packages.
APT_UPGRADABLE = ["apt", "list", "--upgradable"]
DNF_CHECK = ["dnf", "-q", "-C", "check-update"]
DNF_SECURITY = ["dnf", "-q", "-C", "updateinfo", "list", "--security"]
DNF_TIMERS = ("dnf-automatic-install.timer", "dnf-automatic.timer", "dnf5-automatic.timer")
LOG_BYTES = 4 * 1024 * 1024
LISTS_MAX_AGE_DAYS = 7
"""Older package lists can hide updates: "nothing pending" is then not trusted."""


_UPGRADABLE = re.compile(r"^(?P<name>[^/\s]+)/(?P<suites>\S+) \S+ \S+ \[upgradable from: [^\]]+\]$")


def parse_apt_upgradable(text: str) -> tuple[int, int]:
    """(packages with a newer candidate, of which from a security suite) from
    ``apt list --upgradable``: ``name/suite[,suite…] version arch [upgradable from: old]``."""
    total = security = 0
    for line in text.splitlines():
        match = _UPGRADABLE.match(line.strip())
        if not match:
            continue
        total += 1
        if any("security" in suite for suite in match["suites"].split(",")):
            security += 1
    return total, security


def parse_dnf_check_update(text: str) -> int:
    """Packages listed by ``dnf check-update`` (name.arch version repo)."""
    count = 0
    for line in text.splitlines():
        if line.startswith(("Obsoleting", "Security:")):
            break
        parts = line.split()
        if len(parts) == 3 and "." in parts[0] and not line.startswith(" "):
            count += 1
    return count


def apt_periodic(files: list[str]) -> dict[str, str]:
    """APT::Periodic::* settings of apt.conf.d files given in reading order (last wins)."""
    out: dict[str, str] = {}
    for text in files:
        text = re.sub(r"//[^\n]*|#[^\n]*", "", text)
        for key, value in re.findall(r'APT::Periodic::([\w-]+)\s+"([^"]*)"\s*;', text):
            out[key] = value
    return out


def _parse_time(value: str, zone: tzinfo) -> datetime | None:
    value = " ".join(value.split())
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%SZ"):
        try:
            when = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return (when if when.tzinfo else when.replace(tzinfo=zone)).astimezone(UTC)
    return None


def last_apt_upgrade(history: str, zone: tzinfo = UTC) -> datetime | None:
    """End-Date of the last /var/log/apt/history.log entry that upgraded packages."""
    latest: datetime | None = None
    for block in re.split(r"\n\s*\n", history):
        if not re.search(r"^Upgrade:", block, re.M):
            continue
        m = re.search(r"^End-Date:\s*(.+)$", block, re.M)
        when = _parse_time(m.group(1), zone) if m else None
        if when and (latest is None or when > latest):
            latest = when
    return latest


def last_dpkg_upgrade(log: str, zone: tzinfo = UTC) -> datetime | None:
    """Time of the last ``upgrade`` line in /var/log/dpkg.log."""
    latest: datetime | None = None
    for line in log.splitlines():
        parts = line.split(" ", 3)
        if len(parts) >= 3 and parts[2] == "upgrade":
            when = _parse_time(f"{parts[0]} {parts[1]}", zone)
            if when and (latest is None or when > latest):
                latest = when
    return latest


def last_dnf_upgrade(log: str) -> datetime | None:
    """Time of the last upgrade in /var/log/dnf.rpm.log (``2024-05-01T10:00:00+0000 … Upgrade``)."""
    latest: datetime | None = None
    for line in log.splitlines():
        if "Upgrade" not in line:
            continue
        when = _parse_time(line.split(" ", 1)[0], UTC)
        if when and (latest is None or when > latest):
            latest = when
    return latest


def local_zone(ctx: LinuxContext) -> tzinfo:
    """Time zone of the audited system (log times are local)."""
    from zoneinfo import ZoneInfo

    name = (ctx.host.read_text("/etc/timezone", max_bytes=200).text or "").strip()
    try:
        return ZoneInfo(name) if name else UTC
    except (ValueError, OSError):
        return UTC


def _lists_refreshed(root: str) -> float | None:
    """Newest modification time of the repository Release files apt downloaded."""
    import os

    folder = under_root(root, "var/lib/apt/lists")
    times = [entry.stat().st_mtime for entry in os.scandir(folder)
             if entry.name.endswith("Release") and entry.is_file()]
    return max(times) if times else None


def _apt(ctx: LinuxContext, fam: Updates, pkgs: dict[str, str] | None) -> None:
    host = ctx.host
    sim = host.run(APT_UPGRADABLE, timeout=20)
    if sim.ok:
        fam.pending_updates, fam.pending_security_updates = parse_apt_upgradable(sim.stdout)
        refreshed = host.probe("apt-lists-refreshed", _lists_refreshed)
        age = ((host.info.collected_at.timestamp() - refreshed.value) / 86400
               if refreshed.ok and isinstance(refreshed.value, (int, float)) else None)
        if fam.pending_updates == 0 and (age is None or age > LISTS_MAX_AGE_DAYS):
            why = (f"package lists last refreshed {age:.0f} days ago (apt update)"
                   if age is not None else f"package lists age unknown ({refreshed.error})")
            fam.pending_updates = fam.pending_security_updates = None
            fam.unknown["pending_updates"] = fam.unknown["pending_security_updates"] = why
    else:
        fam.unknown["pending_updates"] = fam.unknown["pending_security_updates"] = sim.why_not()
    listing = host.list_dir("/etc/apt/apt.conf.d")
    texts = [host.read_text(f"/etc/apt/apt.conf.d/{name}").text or ""
             for name in listing.entries if "." not in name or name.endswith(".conf")]
    texts += [t for t in [host.read_text("/etc/apt/apt.conf").text] if t]
    periodic = apt_periodic(texts)
    fam.auto_update_mechanism = "unattended-upgrades"
    if pkgs is None:
        fam.unknown["auto_updates_enabled"] = "installed packages unknown"
    else:
        units, why = ctx.enabled_units()
        # apt runs unattended-upgrade from apt-daily-upgrade.timer (or cron without systemd).
        scheduled = "apt-daily-upgrade.timer" in units or ctx.exists("/etc/cron.daily/apt-compat")
        fam.auto_updates_enabled = ("unattended-upgrades" in pkgs and scheduled
                                    and periodic.get("Unattended-Upgrade", "0") not in ("0", ""))
        if why and not scheduled and fam.auto_updates_enabled is False:
            fam.unknown["auto_updates_enabled"] = why
            fam.auto_updates_enabled = None
    zone = local_zone(ctx)
    history = host.read_text("/var/log/apt/history.log", max_bytes=LOG_BYTES)
    fam.last_update = last_apt_upgrade(history.text or "", zone)
    if fam.last_update is None:
        dpkg = host.read_text("/var/log/dpkg.log", max_bytes=LOG_BYTES)
        fam.last_update = last_dpkg_upgrade(dpkg.text or "", zone)
        if fam.last_update is None:
            fam.unknown["last_update"] = (
                "no upgrade in /var/log/apt/history.log nor /var/log/dpkg.log "
                f"({history.error or 'no entry'}; {dpkg.error or 'no entry'})")


def _dnf(ctx: LinuxContext, fam: Updates, pkgs: dict[str, str] | None) -> None:
    host = ctx.host
    check = host.run(DNF_CHECK, timeout=20)
    # Exit 100 means "updates available", 0 "none"; anything else is an error.
    if check.error is None and check.exit_code in (0, 100):
        fam.pending_updates = parse_dnf_check_update(check.stdout)
        sec = host.run(DNF_SECURITY, timeout=20)
        if sec.ok:
            fam.pending_security_updates = len([ln for ln in sec.stdout.splitlines() if ln.split()])
        else:
            fam.unknown["pending_security_updates"] = sec.why_not()
    else:
        fam.unknown["pending_updates"] = fam.unknown["pending_security_updates"] = check.why_not()
    units, why = ctx.enabled_units()
    fam.auto_update_mechanism = "dnf-automatic"
    if why:
        fam.unknown["auto_updates_enabled"] = why
    else:
        fam.auto_updates_enabled = any(t in units for t in DNF_TIMERS)
    log = host.read_text("/var/log/dnf.rpm.log", max_bytes=LOG_BYTES)
    fam.last_update = last_dnf_upgrade(log.text or "")
    if fam.last_update is None:
        fam.unknown["last_update"] = f"no upgrade in /var/log/dnf.rpm.log ({log.error or 'none'})"


def collect_updates(ctx: LinuxContext) -> Updates:
    pkgs, why = ctx.packages()
    dnf_system = ctx.exists("/etc/dnf/dnf.conf") and not ctx.exists("/var/lib/dpkg/status")
    fam = Updates(source="dnf" if dnf_system else "apt (local package lists)")
    if dnf_system:
        _dnf(ctx, fam, pkgs)
    else:
        _apt(ctx, fam, pkgs)
    if pkgs is None and "auto_updates_enabled" not in fam.unknown and fam.auto_updates_enabled is None:
        fam.unknown["auto_updates_enabled"] = why
    return fam
