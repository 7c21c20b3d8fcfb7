"""Screen lock: the machine inactivity limit and each user's password-protected screensaver.

``InactivityTimeoutSecs`` (HKLM ...\\Policies\\System, "Interactive logon: Machine
inactivity limit") locks every session; otherwise a user is protected by a screensaver
that is active (``ScreenSaveActive`` = "1"), secure (``ScreenSaverIsSecure`` = "1") and
has a delay (``ScreenSaveTimeOut``, seconds), the policy key overriding the user's own.
Only users whose registry hive is loaded can be read (the signed-in ones).
"""

from __future__ import annotations

from typing import Any

from dentsec.collect.windows.document import Document, PartMissing
from dentsec.collect.windows.psjson import as_dict, as_int, as_list, as_text, prop
from dentsec.collect.windows.registry import Registry
from dentsec.facts import ScreenLock

POLICY_KEY = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System"


def screen_lock(doc: Document) -> ScreenLock:
    fam = ScreenLock(source="registry: InactivityTimeoutSecs, Control Panel\\Desktop screensaver")
    machine, machine_why = _machine_limit(doc)
    try:
        users = as_list(doc.data("screen_saver"))
    except PartMissing as exc:
        users = []
        users_why = str(exc)
    else:
        users_why = ""
    if machine:
        fam.per_user["*"] = f"machine inactivity limit {machine} s"
    timeouts: list[int | None] = []
    secure_all = True
    for raw in users:
        entry = as_dict(raw)
        name = (as_text(prop(entry, "user")) or as_text(prop(entry, "sid")) or "?").split("\\")[-1]
        own, secure, text = _user_lock(as_dict(prop(entry, "values")), as_dict(prop(entry, "policy")))
        effective = min(t for t in (machine, own) if t) if (machine or own) else None
        secure_all = secure_all and (secure or bool(machine))
        timeouts.append(effective)
        fam.per_user[name] = text
    if not users:
        if machine:
            fam.enabled, fam.timeout_seconds, fam.require_password = True, machine, True
            return fam
        why = users_why or machine_why or "no signed-in user to read"
        fam.unknown.update({"enabled": why, "timeout_seconds": why, "require_password": why})
        return fam
    fam.enabled = all(t is not None for t in timeouts)
    known = [t for t in timeouts if t is not None]
    fam.timeout_seconds = max(known) if fam.enabled and known else None
    if fam.timeout_seconds is None:
        fam.unknown["timeout_seconds"] = "no automatic lock for at least one user"
    fam.require_password = secure_all if fam.enabled else False
    return fam


def _machine_limit(doc: Document) -> tuple[int | None, str]:
    try:
        value = Registry(doc.data("registry")).get("HKLM", POLICY_KEY, "InactivityTimeoutSecs")
    except PartMissing as exc:
        return None, str(exc)
    if not value.known:
        return None, value.why
    seconds = value.dword()
    return (seconds if seconds else None), ""


def _user_lock(values: dict[str, Any], policy: dict[str, Any]) -> tuple[int | None, bool, str]:
    """(lock delay in seconds or None, password asked, description) for one user."""
    def pick(name: str) -> str | None:
        forced = as_text(prop(policy, name))
        return forced if forced is not None else as_text(prop(values, name))

    # ScreenSaveActive stays "1" with no screensaver chosen: SCRNSAVE.EXE tells.
    active = pick("ScreenSaveActive") == "1" and bool((pick("SCRNSAVE.EXE") or "").strip())
    secure = pick("ScreenSaverIsSecure") == "1"
    delay = as_int(pick("ScreenSaveTimeOut"))
    if not active or not delay or delay <= 0:
        return None, False, "no screensaver"
    if not secure:
        return None, False, f"screensaver after {delay} s without password"
    return delay, True, f"screensaver after {delay} s, password required"
