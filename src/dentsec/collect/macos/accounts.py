"""Rule 3 on macOS: local accounts, administrators, Guest, screen lock."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from dentsec.collect.macos import plist
from dentsec.collect.macos.context import LocalUser, MacContext
from dentsec.collect.macos.plan import (
    BYHOST,
    BYHOST_SCREENSAVER,
    LOGINWINDOW_PLIST,
    SCREEN_LOCK_ARGV,
    SCREENSAVER_MANAGED,
    account_policy_argv,
)
from dentsec.facts import Account, Accounts, ScreenLock
from dentsec.host import Host
from dentsec.vocab import ErrorKind

DEFAULT_IDLE_SECONDS = 1200
"""The screen saver starts after 20 minutes on an account that never changed it."""


def parse_account_policy(text: str) -> datetime | None:
    """``dscl . -read /Users/<u> accountPolicyData``: "accountPolicyData:" then an XML plist
    whose passwordLastSetTime is a Unix time (<real>)."""
    data = plist.loads_dict(text)
    if data is None:
        return None
    value = data.get("passwordLastSetTime")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (OverflowError, OSError, ValueError):
        return None


def collect_accounts(host: Host, ctx: MacContext) -> Accounts:
    fam = Accounts(source="dscl, stat /dev/console, com.apple.loginwindow",
                   not_applicable=["uac_enabled"])
    if ctx.users is None:
        raise RuntimeError(ctx.users_error or "dscl: no user list")
    admins = set(ctx.admins) if ctx.admins is not None else None
    pw_errors: list[str] = []
    for user in ctx.humans:
        acc = Account(name=user.name, id=str(user.uid), human=True, enabled=user.enabled,
                      is_admin=(user.name in admins) if admins is not None else None)
        res = host.run(account_policy_argv(user.name))
        acc.password_last_set = parse_account_policy(res.stdout) if res.ok else None
        if acc.password_last_set is None:
            # dscl answers "No such key" to a non-administrator instead of refusing.
            why = (res.why_not() if not res.ok else "no passwordLastSetTime" if ctx.is_admin
                   else "accountPolicyData needs administrator rights")
            pw_errors.append(f"{user.name}: {why}")
        fam.accounts.append(acc)
    # Administrators below uid 501 are hidden from the login window (often an IT
    # provider's account): they count as administrators all the same.
    by_name = {u.name: u for u in ctx.users}
    for name in sorted(admins or ()):
        member = by_name.get(name)
        if name != "root" and member is not None and member not in ctx.humans:
            fam.accounts.append(Account(name=name, id=str(member.uid), human=False,
                                        enabled=member.enabled, is_admin=True))
    root = by_name.get("root")
    # root is disabled on a Mac unless someone gave it a password (Directory Utility).
    fam.accounts.append(Account(name="root", id="0", human=False, builtin_admin=True,
                                is_admin=True, enabled=root.enabled if root else None))
    guest = next((u for u in ctx.users if u.name == "Guest"), None)
    login, why_login = plist.read_plist(host, LOGINWINDOW_PLIST)
    guest_on = plist.as_bool(login.get("GuestEnabled")) if login is not None else None
    fam.accounts.append(Account(name="Guest", id=str(guest.uid) if guest else "", human=False,
                                guest=True, enabled=guest_on))
    if guest_on is None:
        fam.unknown["guest"] = why_login or f"{LOGINWINDOW_PLIST}: no GuestEnabled key"
    fam.uid0_accounts = sorted(u.name for u in ctx.users if u.uid == 0 and u.name != "root")
    fam.current_user = ctx.console_user
    if ctx.console_user is None:
        fam.unknown["current_user"] = ctx.console_error or "unknown"
    elif admins is not None:
        fam.current_user_is_admin = ctx.console_user in admins
    if admins is None:
        fam.unknown["is_admin"] = fam.unknown["current_user_is_admin"] = (
            ctx.admins_error or "admin group unreadable")
    if pw_errors:
        fam.unknown["password_last_set"] = "; ".join(pw_errors)[:300]
    fam.unknown["password_empty"] = "macOS does not show whether a password is empty"
    fam.unknown["last_logon"] = "not read on macOS"
    return fam


# --- screen lock --------------------------------------------------------------------

def parse_screen_lock_status(text: str) -> tuple[bool | None, int | None]:
    """``sysadminctl -screenLock status`` (it writes to stderr, after a timestamp):
    "screenLock delay is immediate" / "… is 300 seconds" / "screenLock is off".

    Returns (password required, delay in seconds).
    """
    if re.search(r"screenLock is off", text, re.I):
        return False, None
    match = re.search(r"screenLock delay is (immediate|-?[0-9]+(?:\.[0-9]+)?)", text, re.I)
    if not match:
        return None, None
    value = match.group(1).lower()
    if value == "immediate":
        return True, 0
    delay = float(value)
    return (False, None) if delay < 0 else (True, int(delay))


def screensaver_idle(data: dict[str, object] | None) -> int | None:
    if data is None:
        return None
    value = plist.as_int(data.get("idleTime"))
    return value if value is not None and value >= 0 else None


def user_idle(host: Host, user: LocalUser) -> tuple[int | None, str]:
    """The screen saver delay of one user (ByHost preferences), with how it was found."""
    if not user.home:
        return None, "no home folder"
    folder = BYHOST.format(home=user.home)
    listing = host.list_dir(folder)
    if not listing.ok and listing.error != ErrorKind.FILE_MISSING:
        return None, f"{folder}: {listing.error}"
    files = [e for e in listing.entries if re.fullmatch(BYHOST_SCREENSAVER, e)]
    for name in files:
        data, why = plist.read_plist(host, f"{folder}/{name}")
        if data is None:
            return None, why or "unreadable"
        idle = screensaver_idle(data)
        if idle is not None:
            return idle, "idleTime"
    return DEFAULT_IDLE_SECONDS, "default (never changed)"


def collect_screen_lock(host: Host, ctx: MacContext) -> ScreenLock:
    fam = ScreenLock(source="com.apple.screensaver idleTime, sysadminctl -screenLock status")
    if ctx.users is None:
        raise RuntimeError(ctx.users_error or "dscl: no user list")
    managed, _ = plist.read_plist(host, SCREENSAVER_MANAGED)
    managed_idle = screensaver_idle(managed)
    managed_ask = plist.as_bool((managed or {}).get("askForPassword"))
    managed_delay = plist.as_int((managed or {}).get("askForPasswordDelay"))

    console_ask: bool | None = None
    console_delay: int | None = None
    if ctx.console_user:
        res = host.run(SCREEN_LOCK_ARGV)
        if res.error is None:
            console_ask, console_delay = parse_screen_lock_status(res.stderr + "\n" + res.stdout)
        if console_ask is None:
            fam.unknown["require_password"] = res.why_not() if res.error else "unrecognised answer"
    if managed_ask is not None:  # a configuration profile wins over the user's choice
        console_ask = managed_ask
        console_delay = managed_delay if managed_delay is not None else console_delay
    if not console_ask:
        console_delay = None

    idles: list[int] = []
    unknown_users: list[str] = []
    for user in ctx.humans:
        idle: int | None
        if managed_idle is not None:
            idle, how = managed_idle, "profile"
        else:
            idle, how = user_idle(host, user)
        if idle is None:
            unknown_users.append(f"{user.name}: {how}")
            continue
        desc = "never" if idle == 0 else f"{idle} s ({how})"
        if user.name == ctx.console_user and console_ask is not None:
            desc += ", password " + (f"after {console_delay} s" if console_ask else "not required")
        fam.per_user[user.name] = desc
        idles.append(idle + (console_delay or 0 if user.name == ctx.console_user else 0))
    fam.require_password = console_ask
    if fam.require_password is None and "require_password" not in fam.unknown:
        fam.unknown["require_password"] = ctx.console_error or "nobody signed in"
    if any(i == 0 for i in idles):
        fam.enabled = False  # one session that never locks settles it, whatever the others
    elif unknown_users:
        fam.unknown["enabled"] = "; ".join(unknown_users)[:300]
    elif idles:
        fam.enabled = True
        fam.timeout_seconds = max(idles)
    else:
        fam.unknown["enabled"] = "no local person account"
    if unknown_users and fam.enabled is False:
        fam.unknown["per_user"] = "; ".join(unknown_users)[:300]
    return fam
