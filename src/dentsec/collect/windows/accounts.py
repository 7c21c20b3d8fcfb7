"""Local accounts and administrators, by SID (names such as "Administrateurs" are translated).

Sources: ``Get-LocalUser`` and ``Get-LocalGroupMember -SID S-1-5-32-544`` (or its ADSI
fallback), UAC from the registry, the password policy from secedit when readable.
"""

from __future__ import annotations

from typing import Any

from dentsec.collect.windows.document import Document, PartMissing
from dentsec.collect.windows.psjson import as_bool, as_datetime, as_dict, as_list, as_text, prop
from dentsec.collect.windows.registry import Registry
from dentsec.collect.windows.secedit import parse_inf
from dentsec.facts import Account, Accounts

RID_ADMINISTRATOR = 500
RID_GUEST = 501
FIRST_USER_RID = 1000
SERVICE_ACCOUNT_NAMES = {"sshd", "defaultuser0", "defaultuser100000"}
"""Local accounts with a user RID that belong to a program, not to a person."""

POLICY_KEY = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System"


def sid_of(value: Any) -> str | None:
    """A SID from text or from the ``{"BinaryLength", "AccountDomainSid", "Value"}`` object."""
    text = as_text(value)
    return text if text and text.upper().startswith("S-1-") else None


def rid_of(sid: str) -> int | None:
    tail = sid.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else None


def admin_sids(doc: Document) -> set[str]:
    """SIDs of the members of Administrators (S-1-5-32-544); raises PartMissing."""
    raw = doc.data("admins")
    members = as_list(prop(raw, "members")) if isinstance(raw, dict) else as_list(raw)
    sids = set()
    for member in members:
        sid = sid_of(prop(member, "SID"))
        if sid:
            sids.add(sid.upper())
    return sids


def accounts(doc: Document) -> Accounts:
    fam = Accounts(source="Get-LocalUser, Get-LocalGroupMember -SID S-1-5-32-544, registry",
                   not_applicable=["uid0_accounts"])
    users = as_list(doc.data("local_users"))
    try:
        admins: set[str] | None = admin_sids(doc)
        admins_why = ""
    except PartMissing as exc:
        admins, admins_why = None, str(exc)
    min_length = _min_password_length(doc)
    for raw in users:
        account = _account(as_dict(raw), admins, min_length)
        if account is not None:
            fam.accounts.append(account)
    if admins is None:
        fam.unknown["is_admin"] = admins_why
    # The person at the screen when known, else the account that ran the collector.
    console = as_text(doc.context.get("console_user"))
    user = console or as_text(doc.context.get("user"))
    fam.current_user = user.split("\\")[-1] if user else None
    user_sid = sid_of(doc.context.get("console_user_sid" if console else "user_sid"))
    if admins is not None and user_sid:
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
    human = builtin_admin or (rid is not None and rid >= FIRST_USER_RID
                              and name.lower() not in SERVICE_ACCOUNT_NAMES)
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
