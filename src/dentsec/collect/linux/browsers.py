"""Browser profiles of each person: where they are, how many saved passwords, auto-open types."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dentsec.collect.linux.context import LinuxContext, PasswdEntry
from dentsec.collect.linux.textconf import parse_ini
from dentsec.host import ProbeResult

FIREFOX_DIRS = (
    ".mozilla/firefox",
    "snap/firefox/common/.mozilla/firefox",
    ".var/app/org.mozilla.firefox/.mozilla/firefox",
)
CHROMIUM_DIRS = {
    ".config/chromium": "chromium",
    "snap/chromium/common/chromium": "chromium",
    ".config/google-chrome": "chrome",
    ".config/BraveSoftware/Brave-Browser": "brave",
    ".config/microsoft-edge": "edge",
}

# Firefox handlers.json actions that launch another program after the download.
FIREFOX_OPEN_ACTIONS = {2, 4}  # useHelperApp, useSystemDefault


@dataclass(frozen=True)
class Profile:
    browser: str
    user: str
    name: str
    path: str
    """Path of the profile folder (as the host names it)."""


def firefox_profile_paths(profiles_ini: str) -> list[str]:
    """Relative or absolute profile paths listed in a Firefox profiles.ini."""
    out: list[str] = []
    for section, values in parse_ini(profiles_ini).items():
        if section.startswith("Profile") and values.get("Path"):
            out.append(values["Path"])
    return out


def chromium_profile_names(entries: tuple[str, ...]) -> list[str]:
    return [e for e in entries if e == "Default" or e.startswith("Profile ")]


def find_profiles(ctx: LinuxContext, user: PasswdEntry) -> tuple[list[Profile], list[str]]:
    """Profiles of one person and the reasons of the places that could not be looked at."""
    host = ctx.host
    profiles: list[Profile] = []
    problems: list[str] = []
    home = user.home.rstrip("/")
    top = host.list_dir(home)
    if not top.ok:
        return [], [f"{home}: {top.error}"]
    for rel in FIREFOX_DIRS:
        if rel.split("/")[0] not in top.entries:
            continue
        base = f"{home}/{rel}"
        ini = host.read_text(f"{base}/profiles.ini")
        if ini.text is None:
            continue
        for path in firefox_profile_paths(ini.text):
            full = path if path.startswith("/") else f"{base}/{path}"
            profiles.append(Profile("firefox", user.name, path.rsplit("/", 1)[-1], full))
    for rel, browser in CHROMIUM_DIRS.items():
        if rel.split("/")[0] not in top.entries:
            continue
        listing = host.list_dir(f"{home}/{rel}")
        if listing.error == "missing":
            continue
        if not listing.ok:
            problems.append(f"{listing.path}: {listing.error}")
            continue
        for name in chromium_profile_names(listing.entries):
            profiles.append(Profile(browser, user.name, name, f"{home}/{rel}/{name}"))
    return profiles, problems


def count_firefox_logins(text: str) -> int:
    data = json.loads(text)
    logins = data.get("logins") if isinstance(data, dict) else None
    return len(logins) if isinstance(logins, list) else 0


def _firefox_count(path: str) -> Callable[[str], Any]:
    def read(root: str) -> int | None:
        full = os.path.join(root or "/", path.lstrip("/"), "logins.json")
        if not os.path.exists(full):
            return 0  # Firefox creates logins.json with the first saved password
        with open(full, encoding="utf-8") as fh:
            return count_firefox_logins(fh.read())
    return read


def _chromium_count(path: str) -> Callable[[str], Any]:
    def read(root: str) -> int:
        import sqlite3
        from urllib.parse import quote

        total = 0
        # Recent Chrome keeps passwords of the signed-in Google account in a second file.
        for name in ("Login Data", "Login Data For Account"):
            full = os.path.join(root or "/", path.lstrip("/"), name)
            if not os.path.exists(full):
                continue
            # immutable=1: never take a lock or touch the journal of a running browser.
            con = sqlite3.connect(f"file:{quote(full)}?mode=ro&immutable=1", uri=True)
            try:
                try:
                    row = con.execute(
                        "SELECT COUNT(*) FROM logins WHERE blacklisted_by_user = 0").fetchone()
                except sqlite3.OperationalError:
                    row = con.execute("SELECT COUNT(*) FROM logins").fetchone()
            finally:
                con.close()
            total += int(row[0])
        return total
    return read


def saved_password_count(ctx: LinuxContext, profile: Profile) -> ProbeResult:
    if profile.browser == "firefox":
        return ctx.host.probe(f"firefox-saved-logins-count:{profile.path}",
                              _firefox_count(profile.path))
    return ctx.host.probe(f"chromium-saved-logins-count:{profile.path}",
                          _chromium_count(profile.path))


def firefox_auto_open(handlers_json: str) -> list[str]:
    """Extensions (or MIME types without any) that Firefox opens with a program by itself."""
    data = json.loads(handlers_json)
    mime = data.get("mimeTypes") if isinstance(data, dict) else None
    out: list[str] = []
    if not isinstance(mime, dict):
        return out
    for mtype, entry in mime.items():
        action = entry.get("action") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or not isinstance(action, int) \
                or action not in FIREFOX_OPEN_ACTIONS:
            continue
        if entry.get("ask") is True:
            continue
        exts = entry.get("extensions")
        if isinstance(exts, list) and exts:
            out.extend(str(e).lower() for e in exts)
        else:
            out.append(str(mtype))
    return sorted(set(out))


def chromium_auto_open(preferences: dict[str, Any]) -> list[str]:
    """``download.extensions_to_open`` of a Chromium Preferences file (colon separated)."""
    download = preferences.get("download")
    value = download.get("extensions_to_open") if isinstance(download, dict) else None
    if not isinstance(value, str):
        return []
    return sorted({p.strip().lower() for p in value.split(":") if p.strip()})


def _chromium_auto_open_probe(path: str) -> Callable[[str], Any]:
    def read(root: str) -> list[str]:
        full = os.path.join(root or "/", path.lstrip("/"), "Preferences")
        if not os.path.exists(full):
            return []
        with open(full, encoding="utf-8") as fh:
            data = json.load(fh)
        return chromium_auto_open(data) if isinstance(data, dict) else []
    return read


def auto_open_types(ctx: LinuxContext, profile: Profile) -> tuple[list[str] | None, str]:
    if profile.browser == "firefox":
        res = ctx.host.read_text(f"{profile.path}/handlers.json")
        if res.error == "missing":
            return [], ""
        if res.text is None:
            return None, res.why_not()
        try:
            return firefox_auto_open(res.text), ""
        except (ValueError, AttributeError) as exc:
            return None, f"{res.path}: {exc}"[:200]
    # Preferences also holds browsing details: only the setting leaves the probe.
    probe = ctx.host.probe(f"chromium-extensions-to-open:{profile.path}",
                           _chromium_auto_open_probe(profile.path))
    if probe.ok and isinstance(probe.value, list):
        return [str(v) for v in probe.value], ""
    return None, f"{profile.path}/Preferences: {probe.error}"
