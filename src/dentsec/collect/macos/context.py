"""What several fact families need: the local people, their homes, the admin group.

Gathered once per collection, so a live run asks each question once and a replayed
bundle finds every answer under the same argv.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta, timezone

from dentsec.collect.macos.plan import (
    ADMIN_GROUP_ARGV,
    APPLICATIONS,
    CONSOLE_USER_ARGV,
    FIRST_HUMAN_UID,
    USERS_AUTH_ARGV,
    USERS_HOME_ARGV,
    USERS_UID_ARGV,
    UTC_OFFSET_ARGV,
)
from dentsec.host import DirResult, Host


@dataclass(frozen=True)
class LocalUser:
    name: str
    uid: int
    home: str | None
    auth: str | None = None
    """AuthenticationAuthority (";ShadowHash;…" for a local password, ";LocalCachedUser;…"
    for a directory account, "DisabledUser" once disabled); None when unread."""

    @property
    def enabled(self) -> bool | None:
        """No authority at all (root out of the box) means nobody can log in with it."""
        if self.auth is None:
            return None
        return bool(self.auth.strip()) and "DisabledUser" not in self.auth


@dataclass
class MacContext:
    users: list[LocalUser] | None
    """Every local account with a numeric uid; None when dscl could not list them."""
    users_error: str | None
    admins: list[str] | None
    admins_error: str | None
    console_user: str | None
    console_error: str | None
    applications: DirResult
    is_admin: bool | None
    local_tz: timezone | None = None
    """The Mac's UTC offset, for the few tools that print local wall-clock times."""

    @property
    def humans(self) -> list[LocalUser]:
        return [u for u in self.users or [] if is_human(u)]


def is_human(user: LocalUser) -> bool:
    # uid -2 (nobody) and 4294967294 style values are system placeholders.
    return FIRST_HUMAN_UID <= user.uid < 2**31 - 1 and not user.name.startswith("_")


def parse_dscl_list(text: str) -> dict[str, str]:
    """``dscl . -list /Users <attr>``: one "name   value" line per record (value may be empty)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.strip().split(None, 1)
        if not parts:
            continue
        out[parts[0]] = parts[1].strip() if len(parts) > 1 else ""
    return out


def parse_users(uid_text: str, home_text: str, auth_text: str | None) -> list[LocalUser]:
    """Join the three ``dscl -list`` answers; ``auth_text`` None when it was unreadable
    (a record it leaves out has no authority at all: no password, so it cannot log in)."""
    homes = parse_dscl_list(home_text)
    auths = parse_dscl_list(auth_text) if auth_text is not None else None
    users: list[LocalUser] = []
    for name, value in parse_dscl_list(uid_text).items():
        if not re.fullmatch(r"-?\d{1,12}", value):
            continue
        home = homes.get(name) or None
        auth = auths.get(name, "") if auths is not None else None
        users.append(LocalUser(name, int(value), home if home and home.startswith("/") else None,
                               auth))
    return users


def parse_group_membership(text: str) -> list[str] | None:
    """``dscl . -read /Groups/<g> GroupMembership``; None when the attribute is not shown.

    dscl prints "GroupMembership: root alice", or the values on indented lines after
    "GroupMembership:" when one of them holds a space.
    """
    marker = "GroupMembership:"
    at = text.find(marker)
    if at < 0:
        return None
    rest = text[at + len(marker):]
    names: list[str] = []
    for line in rest.splitlines():
        if names and line and not line[0].isspace():
            break  # the next attribute
        names.extend(line.split())
    return names


def parse_console_user(text: str) -> str | None:
    """``stat -f %Su /dev/console``: the signed-in user; root means the login window."""
    name = text.strip()
    if not name or name == "root" or any(c.isspace() for c in name):
        return None
    return name


def parse_utc_offset(text: str) -> timezone | None:
    """``date +%z``: "+0100", "-0530"."""
    match = re.fullmatch(r"\s*([+-])(\d{2})(\d{2})\s*", text)
    if not match or int(match.group(2)) > 14 or int(match.group(3)) > 59:
        return None
    minutes = int(match.group(2)) * 60 + int(match.group(3))
    return timezone(timedelta(minutes=-minutes if match.group(1) == "-" else minutes))


def gather(host: Host) -> MacContext:
    uids = host.run(USERS_UID_ARGV)
    homes = host.run(USERS_HOME_ARGV)
    auths = host.run(USERS_AUTH_ARGV)
    users: list[LocalUser] | None = None
    users_error = None
    if uids.ok:
        users = parse_users(uids.stdout, homes.stdout if homes.ok else "",
                            auths.stdout if auths.ok else None)
        if not users:
            users, users_error = None, "dscl: no user record with a UniqueID"
    else:
        users_error = uids.why_not()

    group = host.run(ADMIN_GROUP_ARGV)
    admins = parse_group_membership(group.stdout) if group.ok else None
    admins_error = None
    if admins is None:
        admins_error = group.why_not() if not group.ok else "dscl: no GroupMembership attribute"

    console = host.run(CONSOLE_USER_ARGV)
    console_user = parse_console_user(console.stdout) if console.ok else None
    console_error = None
    if console_user is None:
        console_error = (console.why_not() if not console.ok
                         else "nobody is signed in (login window)")
    offset = host.run(UTC_OFFSET_ARGV)
    return MacContext(users, users_error, admins, admins_error, console_user, console_error,
                      host.list_dir(APPLICATIONS), host.info.is_admin,
                      parse_utc_offset(offset.stdout) if offset.ok else None)
