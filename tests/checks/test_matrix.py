"""Every check of the catalog in four states of its fact: present and good, present and
bad, seen absent, not seeable.

The promise: a bad or absent fact never passes, a fact seen absent is never unknown (it is
a fail, or ``na`` for a check that only follows another one), and unknown is only for what
could not be seen. MATRIX must name every check of checks.toml: a new check joins it or
this module fails. A state that cannot exist for a check is a sentence saying why.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from tests.checks.conftest import NOW, ago, good_facts

from dentsec.checks.catalog import load_catalog
from dentsec.checks.policy import Policy
from dentsec.checks.runner import evaluate
from dentsec.facts import (
    Account,
    AntivirusProduct,
    AutoOpen,
    BackupTool,
    BrowserPasswords,
    Facts,
    Family,
    FirewallProfile,
    ListeningSocket,
    OSInfo,
    PasswordFile,
)
from dentsec.vocab import Status

Change = Callable[[Facts], None]
State = Change | str
"""A change of the hardened machine's facts, or why this state cannot exist."""


def fam(facts: Facts, name: str) -> Family:
    value = getattr(facts, name)
    assert isinstance(value, Family)
    return value


def set_(family: str, **values: object) -> Change:
    def change(facts: Facts) -> None:
        target = fam(facts, family)
        for field, value in values.items():
            setattr(target, field, value)
    return change


def blind(family: str, field: str, **values: object) -> Change:
    """The collector could not see ``field``: its value is None (or the list empty) and
    ``unknown`` says why."""
    def change(facts: Facts) -> None:
        target = fam(facts, family)
        for name, value in ({field: None} | values).items():
            setattr(target, name, value)
        target.unknown[field] = "test: could not be read"
    return change


def reason(family: str, field: str) -> Change:
    """Only the collector's reason (for a field of the family's list items)."""
    def change(facts: Facts) -> None:
        fam(facts, family).unknown[field] = "test: could not be read"
    return change


def dropped(family: str) -> Change:
    def change(facts: Facts) -> None:
        setattr(facts, family, None)
        facts.unknown[family] = "test: not gathered"
    return change


def each(*changes: Change) -> Change:
    def change(facts: Facts) -> None:
        for one in changes:
            one(facts)
    return change


def accounts_field(**values: object) -> Change:
    """Set fields on every account of the hardened machine."""
    def change(facts: Facts) -> None:
        assert facts.accounts is not None
        for account in facts.accounts.accounts:
            for field, value in values.items():
                setattr(account, field, value)
    return change


def add_account(account: Account) -> Change:
    def change(facts: Facts) -> None:
        assert facts.accounts is not None
        facts.accounts.accounts.append(account)
    return change


def linux(facts: Facts) -> None:
    """The same machine seen as Linux, where hidden uid-0 accounts exist."""
    facts.os = OSInfo(family="linux", name="Debian GNU/Linux 13 (trixie)", version="13",
                      eol_product="debian", eol_cycle="13", eol_date=date(2028, 8, 9))
    assert facts.accounts is not None
    facts.accounts.not_applicable = ["uac_enabled"]
    facts.accounts.uac_enabled = None


def av(**values: object) -> Change:
    def change(facts: Facts) -> None:
        assert facts.antivirus is not None
        facts.antivirus.products = [AntivirusProduct(
            name="Microsoft Defender", **({"enabled": True, "realtime": True,
                                           "signature_age_days": 0.5} | values))]  # type: ignore[arg-type]
    return change


def listening(*sockets: ListeningSocket) -> Change:
    def change(facts: Facts) -> None:
        assert facts.network is not None
        facts.network.listening += list(sockets)
    return change


def no_backup(facts: Facts) -> None:
    """Seen absent: no backup tool, dentsec's backup not configured."""
    set_("backup", tools=[], dentsec_configured=False, last_backup=None, last_verify=None,
         last_verify_ok=None, last_drill=None, last_drill_ok=None,
         disk_always_connected=None)(facts)


def other_tool_only(facts: Facts) -> None:
    """A backup by another tool that records no verification nor restore test."""
    no_backup(facts)
    set_("backup", tools=[BackupTool(tool="deja-dup", last_backup=ago(0.5))],
         last_backup=ago(0.5))(facts)


GOOD: Change = lambda facts: None  # noqa: E731 - the hardened machine as it is
LINUX_ONLY = "uid-0 accounts exist on Unix only (na on Windows, see its own test)"

MATRIX: dict[str, tuple[State, State, State, State]] = {
    # check: (present good, present bad, seen absent, not seeable)
    "PWD-MIN-LENGTH": (GOOD, set_("password_policy", min_length=6),
                       set_("password_policy", min_length=0),
                       blind("password_policy", "min_length")),
    "PWD-COMPLEXITY": (GOOD, set_("password_policy", min_classes=1),
                       set_("password_policy", min_classes=0),
                       blind("password_policy", "min_classes")),
    "PWD-LOCKOUT": (GOOD, set_("password_policy", lockout_threshold=50),
                    set_("password_policy", lockout_threshold=0),
                    blind("password_policy", "lockout_threshold")),
    "PWD-RENEWAL": (GOOD, accounts_field(password_last_set=ago(400)),
                    "a password always has a change date; without one it was not seen",
                    each(accounts_field(password_last_set=None),
                         reason("accounts", "password_last_set"))),
    "PWD-PLAINTEXT-FILES": (GOOD, set_("passwords", files=[PasswordFile(path="C:/mdp.txt")]),
                            set_("passwords", files=[]),
                            blind("passwords", "files", files=[])),
    "PWD-BROWSER-SAVED": (GOOD, set_("passwords", browsers=[BrowserPasswords(
                              browser="chrome", user="martin", saved_count=12)]),
                          set_("passwords", browsers=[]),
                          set_("passwords", browsers=[BrowserPasswords(
                              browser="chrome", user="martin", saved_count=None)])),
    "UPD-OS-SUPPORTED": (GOOD, set_("os", eol_date=date(2027, 3, 1)),
                         set_("os", eol_date=date(2025, 10, 14)),
                         blind("os", "eol_date", eol_announced=None)),
    "UPD-AUTO": (GOOD, set_("updates", auto_updates_enabled=False),
                 set_("updates", auto_updates_enabled=False, auto_update_mechanism=None),
                 blind("updates", "auto_updates_enabled")),
    "UPD-PENDING": (GOOD, set_("updates", pending_updates=4, pending_security_updates=3),
                    set_("updates", pending_updates=0, pending_security_updates=0),
                    blind("updates", "pending_updates", pending_security_updates=None)),
    "UPD-RECENT": (GOOD, set_("updates", last_update=ago(200)),
                   "an install date is a date; none in the logs means it was not seen",
                   blind("updates", "last_update")),
    "UPD-SOFTWARE-SUPPORTED": (GOOD, lambda f: setattr(f.software.items[0], "eol_date",  # type: ignore[union-attr]
                                                       date(2026, 1, 1)),
                               set_("software", items=[]),
                               blind("software", "items", items=[])),
    "ACC-NAMED": (GOOD, add_account(Account(name="accueil", enabled=True, is_admin=False)),
                  "a workstation always has accounts",
                  dropped("accounts")),
    "ACC-DAILY-ADMIN": (GOOD, set_("accounts", current_user_is_admin=True),
                        "a session either has the rights or not; nobody signed in is not seen",
                        blind("accounts", "current_user_is_admin")),
    "ACC-ADMIN-COUNT": (GOOD, each(*(add_account(Account(name=f"admin{n}", is_admin=True,
                                                         enabled=True)) for n in range(3))),
                        accounts_field(is_admin=False),
                        add_account(Account(name="inconnu", is_admin=None, enabled=True))),
    "ACC-EMPTY-PASSWORD": (GOOD, add_account(Account(name="stagiaire", enabled=True,
                                                     password_empty=True)),
                           "every account has a password or none; not knowing is not seen",
                           add_account(Account(name="stagiaire", enabled=True,
                                               password_empty=None))),
    "ACC-HIDDEN-SUPERUSER": (linux, each(linux, set_("accounts", uid0_accounts=["toor"])),
                             linux, each(linux, blind("accounts", "uid0_accounts",
                                                      uid0_accounts=[]))),
    "ACC-GUEST": (GOOD, add_account(Account(name="Guest", guest=True, human=False, enabled=True)),
                  lambda f: setattr(f.accounts, "accounts", [a for a in f.accounts.accounts  # type: ignore[union-attr]
                                                             if not a.guest]),
                  add_account(Account(name="Guest", guest=True, human=False, enabled=None))),
    "ACC-UAC": (GOOD, set_("accounts", uac_enabled=False),
                "UAC is part of every Windows (na elsewhere)", blind("accounts", "uac_enabled")),
    "ACC-SCREEN-LOCK": (GOOD, set_("screen_lock", timeout_seconds=3600),
                        set_("screen_lock", enabled=False, timeout_seconds=None,
                             require_password=False),
                        blind("screen_lock", "enabled")),
    "ACC-DORMANT": (GOOD, accounts_field(last_logon=ago(200)),
                    "a last logon is a date; never logged on is recorded as not seen",
                    accounts_field(last_logon=None)),
    "BAK-CONFIGURED": (GOOD, each(no_backup, set_("backup", tools=[BackupTool(
                           tool="windows-backup", configured=False)])),
                       no_backup, each(no_backup, blind("backup", "tools", tools=[]))),
    # dentsec's own status file read with no complete snapshot is seen (a fail); not seeable
    # is a status file that could not be read at all
    "BAK-RECENT": (GOOD, set_("backup", last_backup=ago(10)), no_backup,
                   each(no_backup, reason("backup", "tools"))),
    "BAK-VERIFIED": (GOOD, set_("backup", last_verify_ok=False), no_backup, other_tool_only),
    "BAK-RESTORE-TESTED": (GOOD, set_("backup", last_drill_ok=False), no_backup,
                           other_tool_only),
    "BAK-OFFLINE-COPY": (GOOD, set_("backup", disk_always_connected=True), no_backup,
                         blind("backup", "disk_always_connected")),
    "BAK-CLOUD-ASSESSED": (set_("backup", cloud_providers=["pCloud"],
                                cloud_providers_assessed=["pCloud"]),
                           set_("backup", cloud_providers=["pCloud"]),
                           GOOD, dropped("backup")),
    "DL-AUTO-OPEN": (GOOD, set_("downloads", auto_open=[AutoOpen(browser="chrome",
                                                                 extensions=["pdf"])]),
                     set_("downloads", auto_open=[]),
                     blind("downloads", "auto_open", auto_open=[])),
    "DL-REPUTATION": (GOOD, set_("downloads", reputation_check=False),
                      "SmartScreen / Gatekeeper is part of the system: on or off",
                      blind("downloads", "reputation_check")),
    "DL-AUTORUN": (GOOD, set_("downloads", autorun_disabled=False),
                   "AutoRun is part of the system: on or off",
                   blind("downloads", "autorun_disabled")),
    "DL-SCAN": (GOOD, set_("downloads", scan_downloads=False),
                each(set_("downloads", scan_downloads=False), set_("antivirus", products=[])),
                blind("downloads", "scan_downloads")),
    "DL-UNWANTED-SOFTWARE": (GOOD, set_("software", unwanted=["Ask Toolbar"]),
                             set_("software", unwanted=[]),
                             blind("software", "unwanted", unwanted=[])),
    "FW-ENABLED": (GOOD, lambda f: setattr(f.firewall.profiles[2], "enabled", False),  # type: ignore[union-attr]
                   set_("firewall", backend=None, installed=False, profiles=[]),
                   each(blind("firewall", "profiles", profiles=[]),
                        lambda f: f.firewall.profiles.append(  # type: ignore[union-attr]
                            FirewallProfile(name="domain", enabled=True, default_inbound="block")))),
    "FW-AV-PRESENT": (GOOD, av(realtime=False), set_("antivirus", products=[]),
                      blind("antivirus", "products", products=[])),
    "FW-AV-UPDATED": (GOOD, av(up_to_date=False), set_("antivirus", products=[]),
                      av(signature_age_days=None, up_to_date=None)),
    "FW-REMOTE-DESKTOP": (GOOD, set_("remote_access", rdp_enabled=True),
                          set_("remote_access", rdp_enabled=False, vnc_enabled=False),
                          blind("remote_access", "rdp_enabled")),
    "FW-SSH": (GOOD, set_("remote_access", ssh_enabled=True, ssh_password_auth=True),
               set_("remote_access", ssh_enabled=False), blind("remote_access", "ssh_enabled")),
    "FW-RISKY-SERVICES": (GOOD, listening(ListeningSocket(proto="tcp", address="0.0.0.0",
                                                          port=3306, process="mysqld")),
                          set_("network", listening=[]), dropped("network")),
    "FW-SMB1": (GOOD, set_("remote_access", smb1_enabled=True),
                "SMBv1 is part of Windows: on or off", blind("remote_access", "smb1_enabled")),
    "FW-REMOTE-TOOLS": (GOOD, set_("software", remote_control_tools=["AnyDesk"]),
                        set_("software", remote_control_tools=[]),
                        blind("software", "remote_control_tools", remote_control_tools=[])),
    "FW-UNJUSTIFIED-PORTS": (GOOD, listening(ListeningSocket(proto="tcp", address="::",
                                                             port=8080, process="java")),
                             set_("network", listening=[]),
                             blind("network", "listening", listening=[])),
    "ENC-SYSTEM-DISK": (GOOD, set_("disk_encryption", system_encrypted=False),
                        set_("disk_encryption", system_encrypted=False, method=None),
                        blind("disk_encryption", "system_encrypted")),
}
ABSENCE_IS_GOOD = frozenset({
    "PWD-PLAINTEXT-FILES", "PWD-BROWSER-SAVED", "UPD-PENDING", "UPD-SOFTWARE-SUPPORTED",
    "ACC-ADMIN-COUNT", "ACC-HIDDEN-SUPERUSER", "ACC-GUEST", "DL-AUTO-OPEN",
    "DL-UNWANTED-SOFTWARE", "FW-REMOTE-DESKTOP", "FW-SSH", "FW-RISKY-SERVICES",
    "FW-REMOTE-TOOLS", "FW-UNJUSTIFIED-PORTS",
})
"""Checks whose fact seen absent is what the guide wants (no password file, no open port):
seen absent, they pass."""
NOTHING_TO_CHECK_WHEN_ABSENT = frozenset({"BAK-CLOUD-ASSESSED"})
"""Without the thing (no cloud provider) the check has no object: na, never unknown."""

STATES = ("good", "bad", "absent", "blind")


def status_of(check_id: str, change: Change) -> Status:
    facts = good_facts()
    change(facts)
    assert facts.collected_at == NOW
    return next(f.status for f in evaluate(facts, Policy()) if f.check.id == check_id)


def test_every_check_of_the_catalog_is_in_the_matrix() -> None:
    assert set(MATRIX) == set(load_catalog())
    assert ABSENCE_IS_GOOD | NOTHING_TO_CHECK_WHEN_ABSENT <= set(MATRIX)


def allowed(check_id: str, state: str) -> set[Status]:
    if state == "good":
        return {Status.PASS}
    if state == "bad":
        return {Status.FAIL, Status.WARN}
    if state == "blind":
        return {Status.UNKNOWN}
    if check_id in ABSENCE_IS_GOOD:
        return {Status.PASS}
    if check_id in NOTHING_TO_CHECK_WHEN_ABSENT:
        return {Status.NA}
    # A check that only follows another (no backup, so nothing verified) may say "na".
    follows = bool(load_catalog()[check_id].depends_on)
    return {Status.FAIL, Status.WARN} | ({Status.NA} if follows else set())


CASES = [(check_id, state, change) for check_id, states in MATRIX.items()
         for state, change in zip(STATES, states, strict=True) if not isinstance(change, str)]


@pytest.mark.parametrize(("check_id", "state", "change"), CASES,
                         ids=[f"{c}-{s}" for c, s, _ in CASES])
def test_matrix(check_id: str, state: str, change: Change) -> None:
    assert status_of(check_id, change) in allowed(check_id, state)


def test_states_that_cannot_exist_say_why() -> None:
    for check_id, states in MATRIX.items():
        for state, entry in zip(STATES, states, strict=True):
            if isinstance(entry, str):
                assert state in ("absent",) and len(entry) > 20, (check_id, state)
