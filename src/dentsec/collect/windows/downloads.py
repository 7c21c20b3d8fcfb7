"""Rule 5 on Windows: SmartScreen, AutoRun/AutoPlay, scanning of downloads, auto-open types.

* SmartScreen: the policy ``EnableSmartScreen`` (HKLM ...\\Policies\\Microsoft\\Windows\\System)
  wins; otherwise ``SmartScreenEnabled`` (HKLM ...\\CurrentVersion\\Explorer) is
  "Off", "Warn", "Prompt" or "RequireAdmin".
* AutoRun: ``NoDriveTypeAutoRun`` = 0xFF turns it off for every drive type (HKLM policy
  first, then the user's), ``NoAutorun`` = 1 ignores every autorun command, and
  ``DisableAutoplay`` = 1 is the user's "AutoPlay off" switch in Settings.
* Scanning: Defender's IoavProtectionEnabled ("scan downloaded files and attachments")
  with real-time protection, or another antivirus that Security Center reports on.
* Auto-open: Chromium's per-profile ``download.extensions_to_open`` (colon-separated).
"""

from __future__ import annotations

from dentsec.collect.common.browsers import split_extensions
from dentsec.collect.windows.antivirus import defender_mode_normal, third_party_active
from dentsec.collect.windows.document import Document, PartMissing
from dentsec.collect.windows.psjson import as_bool, as_dict, as_list, as_text, prop
from dentsec.collect.windows.registry import Registry
from dentsec.facts import AutoOpen, Downloads

SYSTEM_POLICY = r"SOFTWARE\Policies\Microsoft\Windows\System"
EXPLORER = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Explorer"
EXPLORER_POLICY = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\Explorer"
AUTOPLAY = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Explorer\AutoplayHandlers"
ALL_DRIVE_TYPES = 0xFF
SMARTSCREEN_ON = {"warn", "prompt", "requireadmin", "on", "block"}


def downloads(doc: Document) -> Downloads:
    fam = Downloads(source="registry (SmartScreen, AutoRun), Defender status, browser preferences")
    try:
        reg: Registry | None = Registry(doc.data("registry"))
    except PartMissing as exc:
        reg = None
        fam.unknown["reputation_check"] = fam.unknown["autorun_disabled"] = str(exc)
    if reg is not None:
        fam.reputation_check = _smartscreen(reg, fam)
        fam.autorun_disabled = _autorun(reg, fam)
    fam.scan_downloads = _scan(doc, fam)
    try:
        for raw in as_list(doc.data("browsers")):
            entry = as_dict(raw)
            types = split_extensions(as_text(prop(entry, "extensions_to_open")))
            if types:
                fam.auto_open.append(AutoOpen(browser=as_text(prop(entry, "browser")) or "?",
                                              user=as_text(prop(entry, "user")) or "",
                                              profile=as_text(prop(entry, "profile")) or "",
                                              extensions=types))
    except PartMissing as exc:
        fam.unknown["auto_open"] = str(exc)
    return fam


def _smartscreen(reg: Registry, fam: Downloads) -> bool | None:
    policy = reg.get("HKLM", SYSTEM_POLICY, "EnableSmartScreen")
    if policy.known and policy.present and policy.dword() in (0, 1):
        return policy.dword() == 1
    setting = reg.get("HKLM", EXPLORER, "SmartScreenEnabled")
    text = (setting.text() or "").strip().lower()
    if text == "off":
        return False
    if text in SMARTSCREEN_ON:
        return True
    fam.unknown["reputation_check"] = setting.why or "SmartScreenEnabled not set"
    return None


def _autorun(reg: Registry, fam: Downloads) -> bool | None:
    machine = reg.get("HKLM", EXPLORER_POLICY, "NoDriveTypeAutoRun")
    user = reg.get("HKCU", EXPLORER_POLICY, "NoDriveTypeAutoRun")
    no_autorun = reg.get("HKLM", EXPLORER_POLICY, "NoAutorun")
    autoplay = reg.get("HKCU", AUTOPLAY, "DisableAutoplay")
    values = (machine, user, no_autorun, autoplay)
    if any((v.dword() or 0) & ALL_DRIVE_TYPES == ALL_DRIVE_TYPES for v in (machine, user)):
        return True
    if no_autorun.dword() == 1 or autoplay.dword() == 1:
        return True
    if all(v.known for v in values):
        return False  # absent values mean Windows' default 0x91: AutoRun still on for CDs
    fam.unknown["autorun_disabled"] = next(v.why for v in values if not v.known)
    return None


def _scan(doc: Document, fam: Downloads) -> bool | None:
    why = "no antivirus status"
    try:
        status = as_dict(doc.data("defender"))
    except PartMissing as exc:
        status, why = {}, str(exc)
    if status and defender_mode_normal(status):
        ioav = as_bool(prop(status, "IoavProtectionEnabled"))
        realtime = as_bool(prop(status, "RealTimeProtectionEnabled"))
        if ioav is not None and realtime is not None:
            return ioav and realtime
        why = "Defender did not report IoavProtectionEnabled"
    elif status:
        why = "Defender is not the active antivirus"
    if third_party_active(doc):
        return True
    fam.unknown["scan_downloads"] = why
    return None
