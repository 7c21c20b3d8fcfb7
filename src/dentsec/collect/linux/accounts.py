"""Accounts from /etc/passwd, /etc/group and /etc/shadow (hashes redacted before keeping)."""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from dentsec.collect.linux.context import LinuxContext, PasswdEntry
from dentsec.collect.linux.textconf import to_int
from dentsec.facts import Account, Accounts
from dentsec.host.base import under_root

ADMIN_GROUPS = ("sudo", "wheel", "admin")
GUEST_NAMES = ("guest", "invite", "invité", "invites", "invités")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LASTLOG_RECORD = 292  # int32 time + 32-byte line + 256-byte host (glibc, Linux)


def redact_hash(field: str) -> str:
    """The only things kept of a shadow password field."""
    if field == "":
        return "<empty>"
    if field.startswith("!"):
        return "!<locked>"
    if field.startswith("*"):
        return "*"
    return "<set>"


def redact_shadow(text: str) -> str:
    """/etc/shadow with every hash replaced, so it can enter the evidence."""
    out: list[str] = []
    for line in text.splitlines():
        parts = line.split(":")
        if len(parts) >= 2:
            parts[1] = redact_hash(parts[1])
            out.append(":".join(parts))
        elif line.strip():
            out.append("<unparsed line>")
    return "\n".join(out) + ("\n" if out else "")


@dataclass(frozen=True)
class ShadowEntry:
    password: str
    """Redacted: <set>, <empty>, !<locked> or *."""
    last_change: datetime | None
    expire: datetime | None


def _day(value: str) -> datetime | None:
    days = to_int(value)
    if days is None or days <= 0 or days > 200000:
        return None
    return EPOCH + timedelta(days=days)


def parse_shadow(text: str) -> dict[str, ShadowEntry]:
    out: dict[str, ShadowEntry] = {}
    for line in text.splitlines():
        parts = line.split(":")
        if len(parts) < 2 or not parts[0]:
            continue
        parts += [""] * (9 - len(parts))
        out[parts[0]] = ShadowEntry(redact_hash(parts[1]) if parts[1] not in
                                    ("<set>", "<empty>", "!<locked>") else parts[1],
                                    _day(parts[2]), _day(parts[7]))
    return out


def admin_names(
    groups: dict[str, tuple[int | None, list[str]]], users: list[PasswdEntry]
) -> set[str]:
    """Members of sudo/wheel/admin (listed, or by primary group), plus uid 0."""
    admins = {u.name for u in users if u.uid == 0}
    for group in ADMIN_GROUPS:
        if group in groups:
            gid, members = groups[group]
            admins.update(members)
            admins.update(u.name for u in users if gid is not None and u.gid == gid)
    return admins


def sudoers_grants(text: str) -> tuple[set[str], set[str]]:
    """(users, groups) given rights by user specifications of a sudoers file."""
    users: set[str] = set()
    groups: set[str] = set()
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#include") else ""
        if not line or "=" not in line or line.startswith(("Defaults", "@include")):
            continue
        first = line.split(None, 1)[0]
        if first.endswith("_Alias"):
            continue
        for who in first.split(","):
            who = who.strip()
            if who.startswith("%"):
                groups.add(who[1:])
            elif who and who.replace("_", "").replace("-", "").replace(".", "").isalnum():
                users.add(who)
    return users, groups


def _sudoers(ctx: LinuxContext) -> tuple[set[str], set[str], str]:
    """Users and groups named in /etc/sudoers and /etc/sudoers.d (readable by root only)."""
    host = ctx.host
    main = host.read_text("/etc/sudoers")
    if main.text is None:
        return set(), set(), main.why_not()
    users, groups = sudoers_grants(main.text)
    for name in host.list_dir("/etc/sudoers.d").entries:
        # sudo skips files whose name ends with "~" or contains a dot.
        if name.endswith("~") or "." in name:
            continue
        extra = host.read_text(f"/etc/sudoers.d/{name}").text or ""
        more_users, more_groups = sudoers_grants(extra)
        users |= more_users
        groups |= more_groups
    return users, groups, ""


def _last_logins(users: tuple[tuple[int, str], ...]) -> Callable[[str], Any]:
    """Probe: last login time per person, from lastlog (uid-indexed records) or lastlog2.

    Debian 13 and recent Fedora replaced /var/log/lastlog with the lastlog2 SQLite
    database (table Lastlog2: Name, Time, TTY, RemoteHost, Service); only times leave.
    """
    def read(root: str) -> dict[str, int]:
        import sqlite3
        from urllib.parse import quote

        legacy = under_root(root, "var/log/lastlog")
        out: dict[str, int] = {}
        if os.path.exists(legacy):
            with open(legacy, "rb") as fh:
                for uid, name in users:
                    fh.seek(uid * LASTLOG_RECORD)
                    raw = fh.read(4)
                    out[name] = struct.unpack("<i", raw)[0] if len(raw) == 4 else 0
            return out
        db = under_root(root, "var/lib/lastlog/lastlog2.db")
        if not os.path.exists(db):
            raise FileNotFoundError("neither /var/log/lastlog nor /var/lib/lastlog/lastlog2.db")
        con = sqlite3.connect(f"file:{quote(db)}?mode=ro&immutable=1", uri=True)
        try:
            wanted = {name for _uid, name in users}
            for name, when in con.execute("SELECT Name, Time FROM Lastlog2"):
                if name in wanted and isinstance(when, int):
                    out[str(name)] = when
        finally:
            con.close()
        return out
    return read


def _current_user(_root: str) -> str:
    import pwd

    sudo = os.environ.get("SUDO_USER")
    if sudo and sudo != "root":
        return sudo
    try:
        return os.getlogin()
    except OSError:
        return pwd.getpwuid(os.getuid()).pw_name


def collect_accounts(ctx: LinuxContext) -> Accounts:
    host = ctx.host
    users, why = ctx.passwd()
    if users is None:
        raise RuntimeError(why)
    groups, why_groups = ctx.groups()
    fam = Accounts(source="/etc/passwd + /etc/group + /etc/shadow (redacted)")
    low, high = ctx.uid_range()
    shadow_res = host.read_text("/etc/shadow", redact=redact_shadow)
    shadow = parse_shadow(shadow_res.text) if shadow_res.text is not None else None
    admins = admin_names(groups, users) if groups is not None else None
    sudo_users, sudo_groups, sudoers_why = _sudoers(ctx)
    if admins is not None and groups is not None:
        admins |= sudo_users
        for group in sudo_groups:
            gid, members = groups.get(group, (None, []))
            admins.update(members)
            admins.update(u.name for u in users if gid is not None and u.gid == gid)
    if sudoers_why:
        fam.source += f"; sudoers unread ({sudoers_why}): only sudo/wheel/admin members counted"
    fam.uid0_accounts = sorted(u.name for u in users if u.uid == 0 and u.name != "root")
    picked = [u for u in users
              if (low <= u.uid <= high and u.can_log_in) or u.uid == 0
              or (shadow and u.name in shadow and shadow[u.name].password == "<empty>")]
    humans = tuple((u.uid, u.name) for u in picked if low <= u.uid <= high and u.can_log_in)
    lastlog = host.probe(f"last-logins:{','.join(n for _u, n in humans)}",
                         _last_logins(humans)) if humans else None
    now = host.info.collected_at
    for u in picked:
        acc = Account(name=u.name, full_name=u.gecos.split(",")[0] or None, id=str(u.uid),
                      human=low <= u.uid <= high and u.can_log_in, builtin_admin=u.name == "root",
                      guest=u.name.lower() in GUEST_NAMES,
                      is_admin=(u.name in admins) if admins is not None else None)
        entry = shadow.get(u.name) if shadow is not None else None
        if entry is not None:
            acc.password_empty = entry.password == "<empty>"
            acc.password_last_set = entry.last_change
            expired = entry.expire is not None and entry.expire <= now
            acc.enabled = (u.can_log_in and not expired
                           and entry.password in ("<set>", "<empty>"))
        if lastlog is not None and lastlog.ok and isinstance(lastlog.value, dict):
            seconds = lastlog.value.get(u.name)
            if isinstance(seconds, int) and 0 < seconds < 2**33:
                acc.last_logon = datetime.fromtimestamp(seconds, UTC)
        fam.accounts.append(acc)
    if shadow is None:
        fam.unknown["password_empty"] = shadow_res.why_not()
        fam.unknown["enabled"] = shadow_res.why_not()
        fam.unknown["password_last_set"] = shadow_res.why_not()
    if admins is None:
        fam.unknown["is_admin"] = why_groups
    if lastlog is not None and not lastlog.ok:
        fam.unknown["last_logon"] = f"last logins: {lastlog.error}"
    current = host.probe("current-user", _current_user, live_only=True)
    if current.ok and isinstance(current.value, str):
        fam.current_user = current.value
        if admins is not None:
            fam.current_user_is_admin = current.value in admins
    else:
        fam.unknown["current_user"] = f"invoking user: {current.error}"
        fam.unknown["current_user_is_admin"] = f"invoking user: {current.error}"
    fam.not_applicable.append("uac_enabled")
    return fam
