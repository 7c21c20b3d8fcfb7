"""Browser profiles of each person: where they are, how many saved passwords, auto-open types."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dentsec.collect.common.browsers import (
    chromium_auto_open,
    count_chromium_logins,
    count_firefox_logins,
    firefox_auto_open,
)
from dentsec.collect.linux.context import LinuxContext, PasswdEntry
from dentsec.collect.linux.textconf import parse_ini
from dentsec.host import ProbeResult
from dentsec.host.base import under_root
from dentsec.vocab import ErrorKind

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
        if listing.error == ErrorKind.FILE_MISSING:
            continue
        if not listing.ok:
            problems.append(f"{listing.path}: {listing.error}")
            continue
        for name in chromium_profile_names(listing.entries):
            profiles.append(Profile(browser, user.name, name, f"{home}/{rel}/{name}"))
    return profiles, problems


def _firefox_count(path: str) -> Callable[[str], Any]:
    def read(root: str) -> int | None:
        full = under_root(root, path, "logins.json")
        if not os.path.exists(full):
            return 0  # Firefox creates logins.json with the first saved password
        with open(full, encoding="utf-8") as fh:
            return count_firefox_logins(fh.read())
    return read


def _chromium_count(path: str) -> Callable[[str], Any]:
    def read(root: str) -> int:
        # Recent Chrome keeps passwords of the signed-in Google account in a second file.
        files = [under_root(root, path, name)
                 for name in ("Login Data", "Login Data For Account")]
        return sum(count_chromium_logins(f) for f in files if os.path.exists(f))
    return read


def saved_password_count(ctx: LinuxContext, profile: Profile) -> ProbeResult:
    if profile.browser == "firefox":
        return ctx.host.probe(f"firefox-saved-logins-count:{profile.path}",
                              _firefox_count(profile.path))
    return ctx.host.probe(f"chromium-saved-logins-count:{profile.path}",
                          _chromium_count(profile.path))


def _chromium_auto_open_probe(path: str) -> Callable[[str], Any]:
    def read(root: str) -> list[str]:
        full = under_root(root, path, "Preferences")
        if not os.path.exists(full):
            return []
        with open(full, encoding="utf-8") as fh:
            data = json.load(fh)
        return chromium_auto_open(data) if isinstance(data, dict) else []
    return read


def auto_open_types(ctx: LinuxContext, profile: Profile) -> tuple[list[str] | None, str]:
    if profile.browser == "firefox":
        res = ctx.host.read_text(f"{profile.path}/handlers.json")
        if res.error == ErrorKind.FILE_MISSING:
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
