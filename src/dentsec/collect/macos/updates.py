"""Rule 2 on macOS: automatic updates, pending updates, when updates last landed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timezone
from typing import Any

from dentsec.collect.macos import plist
from dentsec.collect.macos.context import MacContext
from dentsec.collect.macos.plan import (
    COMMERCE_PLIST,
    HISTORY_ARGV,
    HISTORY_TIMEOUT,
    INSTALL_HISTORY,
    LIST_ARGV,
    LIST_TIMEOUT,
    PLUTIL_TIMEOUT,
    SOFTWARE_UPDATE_MANAGED,
    SOFTWARE_UPDATE_PLIST,
    plutil_argv,
)
from dentsec.facts import Updates
from dentsec.host import Host

AUTO_KEYS = ("AutomaticCheckEnabled", "AutomaticDownload", "CriticalUpdateInstall",
             "ConfigDataInstall")
"""Check, download, install security responses and system files, install XProtect data."""
OS_INSTALL_KEY = "AutomaticallyInstallMacOSUpdates"
UPDATE_PROCESSES = frozenset({"softwareupdated", "Software Update", "OS X Installer",
                              "macOS installer"})
"""InstallHistory processName of system installs (plaso's test file; forensic write-ups)."""
SECURITY_DATA = ("XProtect", "MRT", "Gatekeeper")
"""Config-data installs that are security content; word lists and the like are not."""


@dataclass(frozen=True)
class PendingUpdate:
    label: str
    title: str = ""
    version: str = ""
    recommended: bool | None = None
    restart: bool = False


_FIELD = re.compile(r"(Title|Version|Size|Recommended|Action):\s*(.*?),\s*(?=(?:Title|Version|Size|"
                    r"Recommended|Action):|$)")


def parse_softwareupdate_list(text: str) -> list[PendingUpdate] | None:
    """``softwareupdate --list`` (stdout and stderr together); None when the scan failed.

    Only the two documented endings count: "No new software available." or a list of
    "* Label:" entries. A scan error or anything else is unknown, never "no updates".
    """
    if re.search(r"(?im)^\s*Scan finished with error|Error Domain=", text):
        return None
    updates: list[PendingUpdate] = []
    current: PendingUpdate | None = None
    for line in text.splitlines():
        label = re.match(r"\s*\*\s*Label:\s*(.+?)\s*$", line)
        if label:
            if current:
                updates.append(current)
            current = PendingUpdate(label.group(1))
            continue
        if current and re.match(r"\s*Title:", line):
            body = line.strip()
            body += "" if body.endswith(",") else ","
            fields = {k: v.strip() for k, v in _FIELD.findall(body)}
            rec = fields.get("Recommended", "").upper()
            current = PendingUpdate(current.label, fields.get("Title", ""), fields.get("Version", ""),
                                    True if rec == "YES" else False if rec == "NO" else None,
                                    fields.get("Action", "").lower() == "restart")
    if current:
        updates.append(current)
    if updates:
        return updates
    if re.search(r"(?m)^\s*No new software available\.?\s*$", text):
        return []
    return None


def count_security(updates: list[PendingUpdate], installed: str) -> int:
    """Updates that fix the installed release: its own point releases and security content.

    Apple ships every security fix of a supported macOS as a point release (or a
    "Security Update"/"Background Security Improvement"); a new major version is an
    upgrade, counted among pending updates but not here.
    """
    major = installed.split(".")[0] if installed else ""
    count = 0
    for up in updates:
        text = f"{up.title} {up.label}"
        if re.search(r"Security|XProtect|Rapid Security|Background Security", text, re.I):
            count += 1
        elif up.title.startswith("macOS") and major and up.version.split(".")[0] == major:
            count += 1
    return count


_HIST_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?")


def parse_history(text: str, tz: timezone | None) -> tuple[datetime | None, str | None]:
    """``softwareupdate --history``: the latest install date, or (None, why).

    Dates follow the user's region ("28/08/2025, 02:01:08" or "08/28/2025, …") with no
    marker, so the day/month order is taken from a value above 12; when every date is
    ambiguous the answer is unknown. Times are local: ``tz`` is the Mac's offset.
    """
    rows = [m.groups() for m in _HIST_DATE.finditer(text)]
    if not rows:
        if re.search(r"(?m)^\s*Display Name\s+Version\s+Date\s*$", text):
            return None, "softwareupdate --history: nothing installed yet"
        return None, "softwareupdate --history: no date found"
    firsts = {int(r[0]) for r in rows}
    seconds = {int(r[1]) for r in rows}
    day_first = any(v > 12 for v in firsts)
    month_first = any(v > 12 for v in seconds)
    if day_first == month_first and not all(int(r[0]) == int(r[1]) for r in rows):
        return None, "softwareupdate --history: day/month order cannot be told apart"
    best: datetime | None = None
    for a, b, year, hour, minute, sec in rows:
        day, month = (int(a), int(b)) if day_first else (int(b), int(a))
        try:
            when = datetime(int(year), month, day, int(hour), int(minute), int(sec or 0),
                            tzinfo=tz or UTC).astimezone(UTC)
        except (ValueError, OverflowError):
            continue
        best = when if best is None or when > best else best
    if best is None:
        return None, "softwareupdate --history: no valid date"
    return best, None


def install_history_dates(items: Any, name_prefix: str | None = None) -> datetime | None:
    """Latest install date in InstallHistory.plist: system and security updates (OS
    installs, point releases, XProtect data), or the entries of one product."""
    if not isinstance(items, list):
        return None
    best: datetime | None = None
    for item in items:
        if not isinstance(item, dict):
            continue
        when = plist.as_utc(item.get("date"))
        if when is None:
            continue
        name = str(item.get("displayName", ""))
        if name_prefix is not None:
            if not name.startswith(name_prefix):
                continue
        elif str(item.get("processName", "")) not in UPDATE_PROCESSES or (
                item.get("contentType") == "config-data" and not name.startswith(SECURITY_DATA)):
            continue
        best = when if best is None or when > best else best
    return best


def read_install_history(host: Host) -> tuple[list[Any] | None, str | None]:
    res = host.run(plutil_argv(INSTALL_HISTORY), timeout=PLUTIL_TIMEOUT)
    if not res.ok:
        return None, res.why_not()
    value = plist.loads(res.stdout)
    if not isinstance(value, list):
        return None, f"{INSTALL_HISTORY}: not a list of installs"
    return value, None


def auto_update_state(settings: dict[str, Any]) -> tuple[bool | None, str]:
    """(enabled, description) from the merged com.apple.SoftwareUpdate keys.

    A key left out means the OS default, which the file does not say; so only
    explicit values decide: any of them off is "off", all of them on is "on".
    """
    values = {k: plist.as_bool(settings.get(k)) for k in (*AUTO_KEYS, OS_INSTALL_KEY)}
    desc = ", ".join(f"{k}={'?' if v is None else int(v)}" for k, v in values.items())
    if any(values[k] is False for k in AUTO_KEYS):
        return False, desc
    if all(values[k] is True for k in AUTO_KEYS):
        return True, desc
    return None, desc


def collect_updates(host: Host, ctx: MacContext, os_version: str) -> Updates:
    fam = Updates(source="softwareupdate, com.apple.SoftwareUpdate, InstallHistory.plist")
    local, why_local = plist.read_plist(host, SOFTWARE_UPDATE_PLIST)
    managed, _ = plist.read_plist(host, SOFTWARE_UPDATE_MANAGED)
    commerce, _ = plist.read_plist(host, COMMERCE_PLIST)
    if local is None and managed is None:
        fam.unknown["auto_updates_enabled"] = why_local or "unreadable"
    else:
        merged = {**(local or {}), **(managed or {})}  # a profile wins over local choices
        enabled, desc = auto_update_state(merged)
        apps = plist.as_bool((commerce or {}).get("AutoUpdate"))
        desc += f"; App Store AutoUpdate={'?' if apps is None else int(apps)}"
        fam.auto_updates_enabled = enabled
        fam.auto_update_mechanism = f"softwareupdate ({desc})"
        if enabled is None:
            fam.unknown["auto_updates_enabled"] = (
                "com.apple.SoftwareUpdate does not state every automatic-update setting")

    res = host.run(LIST_ARGV, timeout=LIST_TIMEOUT)
    pending = None
    if res.error is None:
        pending = parse_softwareupdate_list(res.stdout + "\n" + res.stderr)
    if pending is None:
        reason = res.why_not() if res.error else "softwareupdate --list: scan failed or unreadable"
        fam.unknown["pending_updates"] = reason
        fam.unknown["pending_security_updates"] = reason
    else:
        fam.pending_updates = len(pending)
        fam.pending_security_updates = count_security(pending, os_version)

    history, why = read_install_history(host)
    last = install_history_dates(history) if history is not None else None
    if last is None:
        hist = host.run(HISTORY_ARGV, timeout=HISTORY_TIMEOUT)
        if hist.ok:
            last, why = parse_history(hist.stdout, ctx.local_tz)
        else:
            why = f"{why or 'InstallHistory: no system update'}; {hist.why_not()}"
    fam.last_update = last
    if last is None:
        fam.unknown["last_update"] = why or "no system update recorded"
    return fam
