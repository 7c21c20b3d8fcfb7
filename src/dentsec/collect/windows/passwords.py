"""Where passwords are kept: files named like password lists, and browsers' saved passwords.

Counts only, never contents. Firefox's ``logins.json`` is counted by the script. Chrome
and Edge keep passwords in an SQLite file ("Login Data") that Windows PowerShell 5.1
cannot open without extra libraries, so the script reports only that the file exists and
its size; when dentsec itself runs on the PC, a probe counts its rows with Python's
sqlite3 (on a copy: the browser keeps the file locked). A bundle made by the script alone
therefore leaves Chrome/Edge counts unknown rather than guessing from the file size.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dentsec.collect.windows.document import Document, PartMissing
from dentsec.collect.windows.psjson import as_dict, as_int, as_list, as_text, prop
from dentsec.collect.windows.registry import Registry
from dentsec.facts import BrowserPasswords, PasswordFile, Passwords

POLICY_KEYS = {
    "chrome": [("HKLM", r"SOFTWARE\Policies\Google\Chrome"), ("HKCU", r"SOFTWARE\Policies\Google\Chrome")],
    "edge": [("HKLM", r"SOFTWARE\Policies\Microsoft\Edge"), ("HKCU", r"SOFTWARE\Policies\Microsoft\Edge")],
    "firefox": [("HKLM", r"SOFTWARE\Policies\Mozilla\Firefox")],
}
CHROMIUM = ("chrome", "edge")
PROBE_PREFIX = "windows-chromium-saved-logins:"

Prober = Callable[[str], tuple[int | None, str | None]]
"""Login Data path -> (count, why unknown)."""


def passwords(doc: Document, prober: Prober | None = None) -> Passwords:
    fam = Passwords(source="file names in user folders, browser profiles, browser policies")
    try:
        for raw in as_list(doc.data("password_files")):
            entry = as_dict(raw)
            path = as_text(prop(entry, "path"))
            if path:
                fam.files.append(PasswordFile(path=path, size=as_int(prop(entry, "size")),
                                              owner=as_text(prop(entry, "user"))))
    except PartMissing as exc:
        fam.unknown["files"] = str(exc)
    try:
        profiles = as_list(doc.data("browsers"))
    except PartMissing as exc:
        fam.unknown["browsers"] = str(exc)
        return fam
    policies = _policies(doc)
    for raw in profiles:
        entry = as_dict(raw)
        browser = (as_text(prop(entry, "browser")) or "").lower()
        if not browser:
            continue
        item = BrowserPasswords(browser=browser, user=as_text(prop(entry, "user")) or "",
                                profile=as_text(prop(entry, "profile")) or "",
                                manager_disabled_by_policy=policies.get(browser))
        key = f"browsers.{browser}.{item.user}.{item.profile}"
        error = as_text(prop(entry, "error"))
        if browser in CHROMIUM:
            path = as_text(prop(entry, "login_data_path"))
            if path is None and not error:
                item.saved_count = 0  # no Login Data file: nothing was ever saved
            elif path is not None and prober is not None:
                item.saved_count, why = prober(path)
                if why:
                    fam.unknown[key] = why
            else:
                size = as_int(prop(entry, "login_data_bytes"))
                fam.unknown[key] = error or (
                    f"Login Data ({size} bytes) is SQLite: counted only when dentsec runs on the PC")
        else:
            item.saved_count = as_int(prop(entry, "saved_logins"))
            if item.saved_count is None:
                fam.unknown[key] = error or "logins.json unreadable"
        fam.browsers.append(item)
    return fam


def _policies(doc: Document) -> dict[str, bool | None]:
    """Browser -> password manager disabled by policy (PasswordManagerEnabled = 0)."""
    try:
        reg = Registry(doc.data("registry"))
    except PartMissing:
        return {}
    result: dict[str, bool | None] = {}
    for browser, keys in POLICY_KEYS.items():
        values = [reg.get(hive, key, "PasswordManagerEnabled") for hive, key in keys]
        if any(v.known and v.present and v.dword() == 0 for v in values):
            result[browser] = True
        elif all(v.known for v in values):
            result[browser] = False
        else:
            result[browser] = None
    return result


def probe_name(path: str) -> str:
    return PROBE_PREFIX + path


def probe_value(value: Any) -> int | None:
    return as_int(prop(value, "saved_logins"))
