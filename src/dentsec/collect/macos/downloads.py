"""Rule 5 on macOS: Gatekeeper and what browsers open by themselves after a download."""

from __future__ import annotations

import json
import re
from typing import Any

from dentsec.collect.common.browsers import chromium_auto_open, firefox_auto_open
from dentsec.collect.macos import plist
from dentsec.collect.macos.context import LocalUser, MacContext
from dentsec.collect.macos.passwords import is_chromium_profile
from dentsec.collect.macos.plan import (
    CHROMIUM_BROWSERS,
    FIREFOX_PROFILES,
    PREFERENCES_MAX_BYTES,
    SAFARI_PLISTS,
    SPCTL_ARGV,
)
from dentsec.facts import AutoOpen, Downloads
from dentsec.host import Host
from dentsec.vocab import ErrorKind

SAFARI_SAFE_FILES = "safe files (pdf, images, archives…)"


def parse_spctl_status(text: str) -> bool | None:
    """``spctl --status``: "assessments enabled" / "assessments disabled"."""
    if re.search(r"assessments\s+enabled", text):
        return True
    if re.search(r"assessments\s+disabled", text):
        return False
    return None


def keep_download_prefs(text: str) -> str:
    """Redactor: of a Chromium Preferences file keep only the "download" settings
    (the rest holds account names and browsing data, which stays off the evidence)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return ""  # stays unreadable: an empty "{}" would read as "nothing opens by itself"
    download = data.get("download") if isinstance(data, dict) else None
    return json.dumps({"download": download} if isinstance(download, dict) else {})


def parse_chromium_auto_open(text: str) -> list[str] | None:
    """download.extensions_to_open of a Chromium Preferences file ("pdf:docm"), or None
    when the file is not JSON. No "download" section means nothing opens by itself."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return chromium_auto_open(data) if isinstance(data, dict) else None


def parse_firefox_auto_open(text: str) -> list[str] | None:
    """Types a Firefox profile's handlers.json opens with a program by itself; None when
    the file is not JSON."""
    try:
        return firefox_auto_open(text)
    except (ValueError, RecursionError, AttributeError, TypeError):
        return None


def safari_auto_open(data: dict[str, Any]) -> bool:
    """Safari opens "safe" files unless AutoOpenSafeDownloads is set off (on by default)."""
    return plist.as_bool(data.get("AutoOpenSafeDownloads")) is not False


def _safari(host: Host, user: LocalUser) -> tuple[AutoOpen | None, str | None]:
    """Safari's choice, or why it is unknown; (None, None) when Safari was never set up."""
    refused = None
    for rel in SAFARI_PLISTS:
        data, why = plist.read_plist(host, f"{user.home}/{rel}")
        if data is not None:
            exts = [SAFARI_SAFE_FILES] if safari_auto_open(data) else []
            return AutoOpen(browser="safari", user=user.name, extensions=exts), None
        if why and not why.startswith(ErrorKind.FILE_MISSING):
            refused = refused or why  # the container needs Full Disk Access
    return None, refused


def collect_downloads(host: Host, ctx: MacContext, xprotect_present: bool | None) -> Downloads:
    fam = Downloads(source="spctl --status, Safari, Chromium and Firefox preferences, XProtect",
                    not_applicable=["autorun_disabled"])
    res = host.run(SPCTL_ARGV)
    fam.reputation_check = (parse_spctl_status(res.stdout + "\n" + res.stderr)
                            if res.error is None else None)
    if fam.reputation_check is None:
        fam.unknown["reputation_check"] = res.why_not() if res.error else "unrecognised answer"
    # XProtect checks every quarantined download when it is first opened; it cannot be
    # switched off, so its presence answers the question.
    fam.scan_downloads = True if xprotect_present else None
    if not xprotect_present:
        fam.unknown["scan_downloads"] = "XProtect not found"
    if ctx.users is None:
        fam.unknown["auto_open"] = ctx.users_error or "no user list"
        return fam
    blind: list[str] = []
    for user in (u for u in ctx.humans if u.home):
        found, why = _safari(host, user)
        if found:
            fam.auto_open.append(found)
        elif why:
            blind.append(f"safari/{user.name}: {why}")
        for browser, rel in CHROMIUM_BROWSERS.items():
            base = f"{user.home}/{rel}"
            for profile in (e for e in host.list_dir(base).entries if is_chromium_profile(e)):
                prefs = host.read_text(f"{base}/{profile}/Preferences",
                                       max_bytes=PREFERENCES_MAX_BYTES,
                                       redact=keep_download_prefs)
                exts = None
                if not prefs.ok:
                    why = prefs.why_not()
                elif prefs.truncated:
                    why = f"{prefs.path}: larger than {PREFERENCES_MAX_BYTES} bytes"
                else:
                    exts = parse_chromium_auto_open(prefs.text or "")
                    why = f"{prefs.path}: not JSON"
                if exts is None:
                    blind.append(f"{browser}/{user.name}/{profile}: {why}")
                    continue
                fam.auto_open.append(AutoOpen(browser=browser, user=user.name, profile=profile,
                                              extensions=exts))
        base = f"{user.home}/{FIREFOX_PROFILES}"
        for profile in host.list_dir(base).entries:
            handlers = host.read_text(f"{base}/{profile}/handlers.json")
            if handlers.error == ErrorKind.FILE_MISSING:
                continue  # Firefox writes handlers.json once a download choice is made
            exts = parse_firefox_auto_open(handlers.text or "") if handlers.ok else None
            if exts is None:
                blind.append(f"firefox/{user.name}/{profile}: {handlers.why_not()}")
                continue
            fam.auto_open.append(AutoOpen(browser="firefox", user=user.name, profile=profile,
                                          extensions=exts))
    if blind:
        fam.unknown["auto_open"] = "; ".join(blind)[:300]
    return fam
