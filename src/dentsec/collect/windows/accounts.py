"""Local accounts and administrators, by SID (names such as "Administrateurs" are translated).

Sources: ``Get-LocalUser`` and ``Get-LocalGroupMember -SID S-1-5-32-544`` (or its ADSI
fallback), UAC from the registry, the password policy from secedit when readable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dentsec.collect.windows.document import Document, PartMissing
from dentsec.collect.windows.psjson import (
    as_bool,
    as_datetime,
    as_dict,
    as_list,
    as_text,
    prop,
)
from dentsec.collect.windows.registry import Registry
from dentsec.collect.windows.secedit import parse_inf
from dentsec.facts import Account, Accounts

RID_ADMINISTRATOR = 500
RID_GUEST = 501
FIRST_USER_RID = 1000
SERVICE_ACCOUNT_NAMES = re.compile(
    r"^(sshd|defaultuser\d+|wdagutilityaccount|homegroupuser\$|aspnet|iusr.*|iwam.*"
    r"|mssql\$.+|sqlserver.+|sqlagent\$.+|sqltelemetry.*|reportserver.*|mssqlfdlauncher.*"
    r"|mssqlserver\d{2}|sqlexpress\d{2}|__vmware.*|.+\$)$", re.I)
"""Local accounts with a user RID that belong to a program, not to a person: OpenSSH,
SQL Server (MSSQL$INSTANCE, SQLServer2005…, SQL Server Machine Learning Services'
R/Python workers MSSQLSERVER01…20), IIS, VMware Tools, and names ending in $
(machine and managed service accounts)."""
SERVICE_DESCRIPTION = re.compile(
    r"service account|compte (?:de|du|des) service|used by (?:the )?\S+ service"
    r"|utilis[ée] par le service|built-in account for", re.I)
"""A description saying the account is a program's (not "Service comptabilité")."""
SERVICE_SID_PREFIXES = ("S-1-5-80-", "S-1-5-82-", "S-1-5-83-", "S-1-5-90-", "S-1-5-96-")
"""Virtual service accounts (NT SERVICE\\…), IIS app pools, VMs, window and font drivers."""
DOMAIN_GROUP_RIDS = frozenset({512, 513, 514, 515, 516, 518, 519, 520})
"""Domain Admins, Users, Guests, Computers, Controllers, Schema/Enterprise Admins, GPO owners."""

POLICY_KEY = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System"


def sid_of(value: Any) -> str | None:
    """A SID from text or from the ``{"BinaryLength", "AccountDomainSid", "Value"}`` object."""
    text = as_text(value)
    return text if text and text.upper().startswith("S-1-") else None


def rid_of(sid: str) -> int | None:
    tail = sid.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else None


@dataclass(frozen=True)
class AdminMember:
    name: str
    sid: str
    group: bool
    """ObjectClass Group, or a well-known domain group RID when the class was not given."""
    known: bool = True
    """The class was given (older bundles' ADSI fallback did not give it)."""


def admin_members(doc: Document) -> list[AdminMember]:
    """Every member of Administrators (S-1-5-32-544), users and groups, local or from a
    domain; raises PartMissing."""
    raw = doc.data("admins")
    members = as_list(prop(raw, "members")) if isinstance(raw, dict) else as_list(raw)
    out = []
    for member in members:
        sid = sid_of(prop(member, "SID"))
        name = as_text(prop(member, "Name")) or sid
        if not sid and not name:
            continue
        kind = (as_text(prop(member, "ObjectClass")) or "").strip().lower()
        group = kind == "group" or (not kind and sid is not None
                                    and sid.upper().startswith("S-1-5-21-")
                                    and rid_of(sid) in DOMAIN_GROUP_RIDS)
        out.append(AdminMember(name or "?", (sid or "").upper(), group, known=bool(kind)))
    return out


def is_service(name: str, description: str | None, sid: str) -> bool:
    """A program's account, never a person's (for ACC-NAMED and ACC-DORMANT)."""
    short = name.split("\\")[-1]
    return (bool(SERVICE_ACCOUNT_NAMES.match(short)) or name.upper().startswith("NT SERVICE\\")
            or sid.upper().startswith(SERVICE_SID_PREFIXES)
            or bool(description and SERVICE_DESCRIPTION.search(description)))


def accounts(doc: Document) -> Accounts:
    fam = Accounts(source="Get-LocalUser, Get-LocalGroupMember -SID S-1-5-32-544, registry",
                   not_applicable=["uid0_accounts"])
    users = as_list(doc.data("local_users"))
    try:
        members: list[AdminMember] | None = admin_members(doc)
        admins_why = ""
    except PartMissing as exc:
        members, admins_why = None, str(exc)
    admins = {m.sid for m in members if m.sid} if members is not None else None
    min_length = _min_password_length(doc)
    for raw in users:
        account = _account(as_dict(raw), admins, min_length)
        if account is not None:
            fam.accounts.append(account)
    # Domain users and groups, Entra accounts and services in Administrators are not local
    # users, but they hold the same rights: every one of them counts.
    known = {a.id.upper() for a in fam.accounts if a.id}
    for member in members or []:
        if member.sid not in known:
            fam.accounts.append(_member_account(member))
    if admins is None:
        fam.unknown["is_admin"] = admins_why
    # The person at the screen when known, else the account that ran the collector.
    console = as_text(doc.context.get("console_user"))
    user = console or as_text(doc.context.get("user"))
    fam.current_user = user.split("\\")[-1] if user else None
    user_sid = sid_of(doc.context.get("console_user_sid" if console else "user_sid"))
    local_sids = {a.id.upper() for a in fam.accounts if a.local and a.id}
    groups = [a.name for a in fam.accounts if a.group]
    if admins is not None and user_sid and user_sid.upper() not in admins \
            and user_sid.upper() not in local_sids and groups:
        # A domain user may hold the rights through a domain group whose members we do not
        # see (a local account cannot: Windows does not nest local groups).
        fam.unknown["current_user_is_admin"] = (
            f"{user}: not a direct member of Administrators; may be one through {', '.join(groups)}")
    elif admins is not None and user_sid:
        fam.current_user_is_admin = user_sid.upper() in admins
    elif doc.elevated and not console:
        fam.current_user_is_admin = True  # only an administrator gets an elevated token
    else:
        fam.unknown["current_user_is_admin"] = admins_why or "signed-in user unknown"
    fam.uac_enabled = _uac(doc, fam)
    return fam


def _account(user: dict[str, Any], admins: set[str] | None, min_length: int | None) -> Account | None:
    name = as_text(prop(user, "Name"))
    if not name:
        return None
    sid = sid_of(prop(user, "SID")) or ""
    rid = rid_of(sid) if sid else None
    builtin_admin = rid == RID_ADMINISTRATOR
    guest = rid == RID_GUEST
    description = as_text(prop(user, "Description"))
    human = builtin_admin or (rid is not None and rid >= FIRST_USER_RID
                              and not is_service(name, description, sid))
    required = as_bool(prop(user, "PasswordRequired"))
    password_empty: bool | None = None
    if required is True and min_length is not None and min_length > 0:
        password_empty = False  # a non-empty password was required when it was set
    return Account(
        name=name,
        full_name=as_text(prop(user, "FullName")) or None,
        id=sid,
        human=human,
        enabled=as_bool(prop(user, "Enabled")),
        is_admin=(sid.upper() in admins) if admins is not None and sid else None,
        password_empty=password_empty,
        password_last_set=as_datetime(prop(user, "PasswordLastSet")),
        last_logon=as_datetime(prop(user, "LastLogon")),
        builtin_admin=builtin_admin,
        guest=guest,
    )


def _member_account(member: AdminMember) -> Account:
    """A member of Administrators that is not a local user of this machine."""
    service = is_service(member.name, None, member.sid)
    # A member of unknown class may be a group: how many people it holds stays open.
    group = member.group or (not member.known and not service)
    return Account(name=member.name, id=member.sid, human=not service and not group,
                   is_admin=True, group=group, local=False)


def _min_password_length(doc: Document) -> int | None:
    try:
        inf = as_text(prop(doc.data("secpol"), "inf"))
    except PartMissing:
        return None
    return parse_inf(inf).number("System Access", "MinimumPasswordLength") if inf else None


def _uac(doc: Document, fam: Accounts) -> bool | None:
    try:
        reg = Registry(doc.data("registry"))
    except PartMissing as exc:
        fam.unknown["uac_enabled"] = str(exc)
        return None
    lua = reg.get("HKLM", POLICY_KEY, "EnableLUA")
    prompt = reg.get("HKLM", POLICY_KEY, "ConsentPromptBehaviorAdmin")
    if not lua.known or not lua.present:
        fam.unknown["uac_enabled"] = lua.why or "EnableLUA is not set"
        return None
    if lua.dword() != 1:
        return False
    # ConsentPromptBehaviorAdmin = 0 elevates without asking: UAC no longer protects.
    return not (prompt.known and prompt.present and prompt.dword() == 0)
