"""Rule 1 on macOS: the account password policy and where passwords are kept."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import unicodedata
from functools import partial
from typing import Any
from urllib.parse import quote

from dentsec.collect.common.browsers import count_firefox_logins
from dentsec.collect.macos import plist
from dentsec.collect.macos.context import LocalUser, MacContext
from dentsec.collect.macos.plan import (
    CHROMIUM_BROWSERS,
    CHROMIUM_LOGINS_PROBE,
    CHROMIUM_POLICY_DOMAINS,
    CHROMIUM_PROFILE,
    FIREFOX_LOGINS_PROBE,
    FIREFOX_POLICIES,
    FIREFOX_PROFILES,
    HOME_FOLDERS,
    MANAGED_PREFERENCES,
    PWPOLICY_ARGV,
)
from dentsec.facts import BrowserPasswords, PasswordFile, PasswordPolicy, Passwords
from dentsec.host import Host
from dentsec.host.base import under_root
from dentsec.vocab import ErrorKind

ENFORCEABLE_CLASSES = 4
"""pwpolicy content rules are regexes: they can require every character class."""

_LENGTH = re.compile(r"policyAttributePassword\s+matches\s+'\.\{(\d{1,4}),\d{0,4}\}\+?'")
_CLASSES = {
    "upper": re.compile(r"\[A-Z\]"),
    "lower": re.compile(r"\[a-z\]"),
    "digit": re.compile(r"\[0-9\]|\\d"),
    "special": re.compile(r"\[\^a-zA-Z0-9\]|\[\^A-Za-z0-9\]|\[\[:punct:\]\]|\[\^\[:alnum:\]\]"),
}
_LETTER = re.compile(r"\[a-zA-Z\]|\[A-Za-z\]")


def _policies(root: dict[str, Any], category: str) -> list[dict[str, Any]]:
    items = root.get(category)
    return [p for p in items if isinstance(p, dict)] if isinstance(items, list) else []


def _params(policy: dict[str, Any]) -> dict[str, Any]:
    params = policy.get("policyParameters")
    return params if isinstance(params, dict) else {}


def parse_pwpolicy(text: str) -> PasswordPolicy | None:
    """``pwpolicy -getaccountpolicies``: "Getting global account policies" then an XML plist.

    Lengths and classes come from the content regexes (``'.{8,}+'``, ``'(.*[A-Z].*){1,}+'``)
    and their parameters; lockout from policyAttributeMaximumFailedAuthentications;
    expiry from policyAttributeExpiresEveryNDays; history from
    policyAttributePasswordHistoryDepth. A category left out is a real "none".
    """
    root = plist.loads_dict(text)
    if root is None:
        return None
    fam = PasswordPolicy(source="pwpolicy -getaccountpolicies")
    lengths: list[int] = []
    classes: set[str] = set()
    letter = False
    history: list[int] = []
    for pol in _policies(root, "policyCategoryPasswordContent"):
        content = str(pol.get("policyContent", ""))
        params = _params(pol)
        lengths += [int(n) for n in _LENGTH.findall(content)]
        for key in ("minimumLength", "policyAttributeMinimumLength"):
            value = plist.as_int(params.get(key))
            if value is not None:
                lengths.append(value)
        for name, rx in _CLASSES.items():
            if rx.search(content):
                classes.add(name)
        letter = letter or bool(_LETTER.search(content))
        depth = plist.as_int(params.get("policyAttributePasswordHistoryDepth"))
        if depth is not None and "policyAttributePasswordHistory" in content:
            history.append(depth)
    if letter and not classes & {"upper", "lower"}:
        classes.add("letter")
    fam.min_length = max(lengths, default=0)
    fam.min_classes = min(len(classes), 4)
    fam.max_enforceable_classes = ENFORCEABLE_CLASSES
    fam.history_size = max(history, default=0)

    thresholds = [plist.as_int(_params(p).get("policyAttributeMaximumFailedAuthentications"))
                  for p in _policies(root, "policyCategoryAuthentication")]
    known = [t for t in thresholds if t is not None and t > 0]
    fam.lockout_threshold = min(known) if known else 0

    ages = []
    for pol in _policies(root, "policyCategoryPasswordChange"):
        params = _params(pol)
        days = plist.as_int(params.get("policyAttributeExpiresEveryNDays"))
        if days is None:
            minutes = plist.as_int(params.get("policyAttributeExpiresEveryNMinutes"))
            days = -(-minutes // 1440) if minutes else None
        if days is not None and days > 0:
            ages.append(days)
    fam.max_age_days = min(ages) if ages else 0
    return fam


def collect_password_policy(host: Host) -> PasswordPolicy:
    res = host.run(PWPOLICY_ARGV)
    fam = parse_pwpolicy(res.stdout) if res.ok else None
    if fam is None:
        fam = PasswordPolicy(source="pwpolicy -getaccountpolicies",
                             max_enforceable_classes=ENFORCEABLE_CLASSES)
        why = res.why_not() if not res.ok else "pwpolicy: no property list in the output"
        for name in ("min_length", "min_classes", "max_age_days", "lockout_threshold",
                     "history_size"):
            fam.unknown[name] = why
    return fam


# --- where passwords are kept ------------------------------------------------------

_NAME = re.compile(
    r"(mots?[ _.-]*de[ _.-]*passe|\bmdp\b|passwords?|passwd|\bpwd\b|identifiants?|"
    r"codes?[ _.-]*d?[ _.-]*acc[eè]s|logins?)", re.I)
_DOC_EXT = frozenset({".txt", ".rtf", ".rtfd", ".doc", ".docx", ".xls", ".xlsx", ".csv", ".odt",
                      ".ods", ".pages", ".numbers", ".md", ".pdf"})


def looks_like_password_file(name: str) -> bool:
    """A document whose *name* suggests it lists passwords (content is never read)."""
    plain = unicodedata.normalize("NFC", name)
    stem, ext = os.path.splitext(plain)
    return ext.lower() in _DOC_EXT and bool(_NAME.search(stem.replace("_", " ")))


def find_password_files(host: Host, users: list[LocalUser]) -> tuple[list[PasswordFile], str | None]:
    found: list[PasswordFile] = []
    failures: list[str] = []
    for user in users:
        if not user.home:
            continue
        for sub in HOME_FOLDERS:
            folder = f"{user.home}/{sub}" if sub else user.home
            listing = host.list_dir(folder)
            if not listing.ok:
                if listing.error != ErrorKind.FILE_MISSING:
                    failures.append(f"{folder}: {listing.error}")
                continue
            found += [PasswordFile(path=f"{folder}/{e}", owner=user.name)
                      for e in listing.entries if looks_like_password_file(e)]
    return found, "; ".join(failures) or None


def chromium_manager_disabled(host: Host, browser: str) -> bool | None:
    """PasswordManagerEnabled = false in the browser's configuration profile."""
    data, why = plist.read_plist(
        host, f"{MANAGED_PREFERENCES}/{CHROMIUM_POLICY_DOMAINS[browser]}.plist")
    if data is None:
        return False if why and why.startswith(ErrorKind.FILE_MISSING) else None
    return plist.as_bool(data.get("PasswordManagerEnabled")) is False


def parse_firefox_policies(text: str) -> bool | None:
    """policies.json: {"policies": {"PasswordManagerEnabled": false}} disables saving."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    policies = data.get("policies") if isinstance(data, dict) else None
    return isinstance(policies, dict) and policies.get("PasswordManagerEnabled") is False


def firefox_manager_disabled(host: Host) -> bool | None:
    res = host.read_text(FIREFOX_POLICIES)
    if res.error == ErrorKind.FILE_MISSING:
        return False
    return parse_firefox_policies(res.text or "") if res.ok else None


def is_chromium_profile(name: str) -> bool:
    return re.fullmatch(CHROMIUM_PROFILE, name) is not None


def chromium_logins_probe(root: str, path: str) -> dict[str, Any]:
    """Probe: saved passwords in a Chromium "Login Data" database (a count, never a row).

    Opened immutable and read-only: no lock or journal of a running browser is touched.
    Rows the user marked "never save" (blacklisted_by_user) hold no password.
    """
    real = under_root(root, path)
    if not os.path.exists(real):
        return {"count": 0, "file": False}
    con = sqlite3.connect(f"file:{quote(real)}?mode=ro&immutable=1", uri=True)
    try:
        row = con.execute("SELECT COUNT(*) FROM logins WHERE blacklisted_by_user = 0").fetchone()
    finally:
        con.close()
    return {"count": int(row[0]), "file": True}


def firefox_logins_probe(root: str, path: str) -> dict[str, Any]:
    """Probe: number of entries in a Firefox logins.json (a count, never a login)."""
    real = under_root(root, path)
    if not os.path.exists(real):
        return {"count": 0, "file": False}  # created with the first saved password
    with open(real, encoding="utf-8") as fh:
        return {"count": count_firefox_logins(fh.read()), "file": True}


def probe_count(value: Any) -> int | None:
    if isinstance(value, dict):
        count = value.get("count")
        if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
            return count
    return None


def browser_passwords(host: Host, users: list[LocalUser]) -> list[BrowserPasswords]:
    out: list[BrowserPasswords] = []
    disabled: dict[str, bool | None] = {}  # browser -> password manager off by policy

    def policy(browser: str) -> bool | None:
        if browser not in disabled:
            disabled[browser] = (firefox_manager_disabled(host) if browser == "firefox"
                                 else chromium_manager_disabled(host, browser))
        return disabled[browser]

    for user in users:
        if not user.home:
            continue
        for browser, rel in CHROMIUM_BROWSERS.items():
            base = f"{user.home}/{rel}"
            listing = host.list_dir(base)
            for profile in (e for e in listing.entries if is_chromium_profile(e)):
                path = f"{base}/{profile}/Login Data"
                res = host.probe(f"{CHROMIUM_LOGINS_PROBE}{path}",
                                 partial(chromium_logins_probe, path=path))
                out.append(BrowserPasswords(browser=browser, user=user.name, profile=profile,
                                            saved_count=probe_count(res.value) if res.ok else None,
                                            manager_disabled_by_policy=policy(browser)))
        base = f"{user.home}/{FIREFOX_PROFILES}"
        for profile in host.list_dir(base).entries:
            path = f"{base}/{profile}/logins.json"
            res = host.probe(f"{FIREFOX_LOGINS_PROBE}{path}",
                             partial(firefox_logins_probe, path=path))
            out.append(BrowserPasswords(browser="firefox", user=user.name, profile=profile,
                                        saved_count=probe_count(res.value) if res.ok else None,
                                        manager_disabled_by_policy=policy("firefox")))
    return out


def collect_passwords(host: Host, ctx: MacContext) -> Passwords:
    fam = Passwords(source=("file names in home folders; Chrome/Edge/Brave/Firefox password "
                            "stores (counts); Safari and iCloud Keychain are a password "
                            "manager and are not counted"))
    if ctx.users is None:
        fam.unknown["files"] = fam.unknown["browsers"] = ctx.users_error or "no user list"
        return fam
    fam.files, why = find_password_files(host, ctx.humans)
    if why:
        fam.unknown["files"] = f"some folders unreadable: {why}"[:300]
    fam.browsers = browser_passwords(host, ctx.humans)
    return fam
