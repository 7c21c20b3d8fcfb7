"""Every check: pass, fail (or warn) and unknown, each from one change to a hardened machine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from tests.checks.conftest import ago, good_facts

from dentsec.checks.catalog import load_catalog
from dentsec.checks.policy import JustifiedPort, Policy
from dentsec.engine import Finding, evaluate
from dentsec.facts import (
    Account,
    AutoOpen,
    BackupTool,
    BrowserPasswords,
    Facts,
    FirewallProfile,
    ListeningSocket,
    PasswordFile,
    SoftwareItem,
)

Change = Callable[[Facts], None]


def run(facts: Facts, check_id: str, policy: Policy | None = None) -> Finding:
    return next(f for f in evaluate(facts, policy or Policy()) if f.check.id == check_id)


def test_hardened_machine_passes_everything_applicable() -> None:
    findings = evaluate(good_facts(), Policy())
    bad = {f.check.id: (f.status, f.evidence) for f in findings if f.status not in ("pass", "na")}
    assert bad == {}
    assert {f.check.id for f in findings if f.status == "na"} == {
        "ACC-HIDDEN-SUPERUSER", "BAK-CLOUD-ASSESSED"}


def _set(path: str, value: object) -> Change:
    def change(facts: Facts) -> None:
        *parents, last = path.split(".")
        obj: object = facts
        for name in parents:
            obj = getattr(obj, name)
        setattr(obj, last, value)
    return change


def _drop(family: str) -> Change:
    def change(facts: Facts) -> None:
        setattr(facts, family, None)
        facts.unknown[family] = "test: not gathered"
    return change


def _admin_daily(facts: Facts) -> None:
    assert facts.accounts is not None
    facts.accounts.current_user_is_admin = True


def _shared_account(facts: Facts) -> None:
    assert facts.accounts is not None
    facts.accounts.accounts.append(Account(name="Accueil2", enabled=True, is_admin=False))


def _many_admins(facts: Facts) -> None:
    assert facts.accounts is not None
    for n in range(3):
        facts.accounts.accounts.append(Account(name=f"dr{n}", enabled=True, is_admin=True))


def _empty_pw(facts: Facts) -> None:
    assert facts.accounts is not None
    facts.accounts.accounts[0].password_empty = True


def _guest_on(facts: Facts) -> None:
    assert facts.accounts is not None
    facts.accounts.accounts[3].enabled = True


def _old_password(facts: Facts) -> None:
    assert facts.accounts is not None
    facts.accounts.accounts[0].password_last_set = ago(400)


def _unknown_password_dates(facts: Facts) -> None:
    assert facts.accounts is not None
    for acc in facts.accounts.accounts:
        acc.password_last_set = None


def _dormant(facts: Facts) -> None:
    assert facts.accounts is not None
    facts.accounts.accounts[1].last_logon = ago(200)


def _no_logons(facts: Facts) -> None:
    assert facts.accounts is not None
    for acc in facts.accounts.accounts:
        acc.last_logon = None


def _uid0(facts: Facts) -> None:
    assert facts.accounts is not None
    facts.accounts.not_applicable = []
    facts.accounts.uid0_accounts = ["toor"]


def _uid0_unknown(facts: Facts) -> None:
    assert facts.accounts is not None
    facts.accounts.not_applicable = []
    facts.accounts.unknown["uid0_accounts"] = "/etc/passwd: permission"


def _pw_file(facts: Facts) -> None:
    assert facts.passwords is not None
    facts.passwords.files.append(PasswordFile(path="C:/Users/martin/Bureau/mots de passe.txt"))


def _pw_blind(facts: Facts) -> None:
    assert facts.passwords is not None
    facts.passwords.unknown["files"] = "C:/Users/dupont: permission"


def _browser_saved(facts: Facts) -> None:
    assert facts.passwords is not None
    facts.passwords.browsers.append(BrowserPasswords(browser="edge", user="martin", saved_count=14))


def _browser_unknown(facts: Facts) -> None:
    assert facts.passwords is not None
    facts.passwords.browsers[0].saved_count = None


def _auto_open(facts: Facts) -> None:
    assert facts.downloads is not None
    facts.downloads.auto_open.append(AutoOpen(browser="chrome", extensions=["pdf", "exe"]))


def _software_dead(facts: Facts) -> None:
    assert facts.software is not None
    facts.software.items.append(SoftwareItem(name="Office", version="2013", eol_date=date(2023, 4, 11)))


def _unwanted(facts: Facts) -> None:
    assert facts.software is not None
    facts.software.unwanted.append("Ask Toolbar")


def _remote_tool(facts: Facts) -> None:
    assert facts.software is not None
    facts.software.remote_control_tools.append("AnyDesk")


def _fw_off(facts: Facts) -> None:
    assert facts.firewall is not None
    facts.firewall.profiles[2].enabled = False


def _fw_unknown(facts: Facts) -> None:
    assert facts.firewall is not None
    facts.firewall.profiles = [FirewallProfile(name="nftables", enabled=None)]


def _no_av(facts: Facts) -> None:
    assert facts.antivirus is not None
    facts.antivirus.products = []


def _av_unknown(facts: Facts) -> None:
    assert facts.antivirus is not None
    facts.antivirus.products[0].realtime = None


def _av_old(facts: Facts) -> None:
    assert facts.antivirus is not None
    facts.antivirus.products[0].signature_age_days = 12


def _av_stale(facts: Facts) -> None:
    assert facts.antivirus is not None
    facts.antivirus.products[0].up_to_date = False


def _av_age_unknown(facts: Facts) -> None:
    assert facts.antivirus is not None
    facts.antivirus.products[0].signature_age_days = None


def _rdp_listening(facts: Facts) -> None:
    assert facts.network is not None
    facts.network.listening.append(ListeningSocket(proto="tcp", address="::", port=3389))


def _rdp_unknown(facts: Facts) -> None:
    assert facts.remote_access is not None
    facts.remote_access.rdp_enabled = None


def _risky(facts: Facts) -> None:
    assert facts.network is not None
    facts.network.listening.append(ListeningSocket(proto="tcp", address="0.0.0.0", port=1433,
                                                   process="sqlservr"))


def _unjustified(facts: Facts) -> None:
    assert facts.network is not None
    facts.network.listening.append(ListeningSocket(proto="tcp", address="0.0.0.0", port=8080,
                                                   process="java"))


def _ssh_password(facts: Facts) -> None:
    assert facts.remote_access is not None
    facts.remote_access.ssh_enabled = True
    facts.remote_access.ssh_password_auth = True
    facts.remote_access.ssh_root_login = False


def _no_backup(facts: Facts) -> None:
    assert facts.backup is not None
    facts.backup.tools = []
    facts.backup.dentsec_configured = False


def _backup_date_unknown(facts: Facts) -> None:
    """Time Machine set up, its last date unreadable (dentsec's own status says more)."""
    assert facts.backup is not None
    facts.backup.tools = [BackupTool(tool="time-machine", configured=True)]
    facts.backup.dentsec_configured = False
    facts.backup.last_backup = None
    facts.backup.unknown["last_backup"] = "no successful backup date recorded"


CASES: dict[str, dict[str, Change]] = {
    "PWD-MIN-LENGTH": {"fail": _set("password_policy.min_length", 8),
                       "unknown": _set("password_policy.min_length", None)},
    "PWD-COMPLEXITY": {"fail": _set("password_policy.min_classes", 1),
                       "unknown": _drop("password_policy")},
    "PWD-LOCKOUT": {"fail": _set("password_policy.lockout_threshold", 0),
                    "warn": _set("password_policy.lockout_threshold", 50),
                    "unknown": _set("password_policy.lockout_threshold", None)},
    "PWD-RENEWAL": {"warn": _old_password, "unknown": _unknown_password_dates},
    "PWD-PLAINTEXT-FILES": {"fail": _pw_file, "unknown": _pw_blind},
    "PWD-BROWSER-SAVED": {"fail": _browser_saved, "unknown": _browser_unknown},
    "UPD-OS-SUPPORTED": {"fail": _set("os.eol_date", date(2025, 10, 14)),
                         "warn": _set("os.eol_date", date(2027, 1, 12)),
                         "unknown": _set("os.eol_date", None)},
    "UPD-AUTO": {"fail": _set("updates.auto_updates_enabled", False),
                 "unknown": _set("updates.auto_updates_enabled", None)},
    "UPD-PENDING": {"fail": _set("updates.pending_security_updates", 3),
                    "unknown": _drop("updates")},
    "UPD-RECENT": {"fail": _set("updates.last_update", ago(120)),
                   "warn": _set("updates.last_update", ago(45)),
                   "unknown": _set("updates.last_update", None)},
    "UPD-SOFTWARE-SUPPORTED": {"fail": _software_dead, "unknown": _drop("software")},
    "ACC-NAMED": {"fail": _shared_account, "unknown": _drop("accounts")},
    "ACC-DAILY-ADMIN": {"fail": _admin_daily,
                        "unknown": _set("accounts.current_user_is_admin", None)},
    "ACC-ADMIN-COUNT": {"fail": _many_admins, "unknown": _drop("accounts")},
    "ACC-EMPTY-PASSWORD": {"fail": _empty_pw, "unknown": _drop("accounts")},
    "ACC-HIDDEN-SUPERUSER": {"fail": _uid0, "unknown": _uid0_unknown},
    "ACC-GUEST": {"fail": _guest_on, "unknown": _drop("accounts")},
    "ACC-UAC": {"fail": _set("accounts.uac_enabled", False),
                "unknown": _set("accounts.uac_enabled", None)},
    "ACC-SCREEN-LOCK": {"fail": _set("screen_lock.timeout_seconds", 1800),
                        "unknown": _set("screen_lock.enabled", None)},
    "ACC-DORMANT": {"warn": _dormant, "unknown": _no_logons},
    "BAK-CONFIGURED": {"fail": _no_backup, "unknown": _drop("backup")},
    "BAK-RECENT": {"fail": _set("backup.last_backup", ago(10)),
                   "warn": _set("backup.last_backup", ago(3)),
                   "unknown": _backup_date_unknown},
    "BAK-VERIFIED": {"fail": _set("backup.last_verify", None),
                     "warn": _set("backup.last_verify", ago(60)),
                     "unknown": _drop("backup")},
    "BAK-RESTORE-TESTED": {"fail": _set("backup.last_drill_ok", False),
                           "warn": _set("backup.last_drill", ago(200)),
                           "unknown": _set("backup.dentsec_configured", False)},
    "BAK-OFFLINE-COPY": {"warn": _set("backup.disk_always_connected", True),
                         "unknown": _set("backup.disk_always_connected", None)},
    "BAK-CLOUD-ASSESSED": {"fail": _set("backup.cloud_providers", ["CloudSanté"]),
                           "unknown": _drop("backup")},
    "DL-AUTO-OPEN": {"fail": _auto_open, "unknown": _drop("downloads")},
    "DL-REPUTATION": {"fail": _set("downloads.reputation_check", False),
                      "unknown": _set("downloads.reputation_check", None)},
    "DL-AUTORUN": {"fail": _set("downloads.autorun_disabled", False),
                   "unknown": _set("downloads.autorun_disabled", None)},
    "DL-SCAN": {"fail": _set("downloads.scan_downloads", False),
                "unknown": _set("downloads.scan_downloads", None)},
    "DL-UNWANTED-SOFTWARE": {"fail": _unwanted, "unknown": _drop("software")},
    "FW-ENABLED": {"fail": _fw_off, "unknown": _fw_unknown},
    "FW-AV-PRESENT": {"fail": _no_av, "unknown": _av_unknown},
    "FW-AV-UPDATED": {"fail": _av_old, "unknown": _av_age_unknown},
    "FW-AV-UPDATED-VERDICT": {"fail": _av_stale},
    "FW-REMOTE-DESKTOP": {"fail": _rdp_listening, "unknown": _rdp_unknown},
    "FW-SSH": {"fail": _ssh_password, "unknown": _set("remote_access.ssh_enabled", None)},
    "FW-RISKY-SERVICES": {"fail": _risky, "unknown": _drop("network")},
    "FW-SMB1": {"fail": _set("remote_access.smb1_enabled", True),
                "unknown": _set("remote_access.smb1_enabled", None)},
    "FW-REMOTE-TOOLS": {"warn": _remote_tool, "unknown": _drop("software")},
    "FW-UNJUSTIFIED-PORTS": {"warn": _unjustified, "unknown": _drop("network")},
    "ENC-SYSTEM-DISK": {"fail": _set("disk_encryption.system_encrypted", False),
                        "unknown": _set("disk_encryption.system_encrypted", None)},
}


def test_every_check_has_cases() -> None:
    assert {c.split("-VERDICT")[0] for c in CASES} == set(load_catalog())
    for check_id, cases in CASES.items():
        assert "unknown" in cases or check_id.endswith("-VERDICT")
    assert "fail" in cases or "warn" in cases, check_id


@pytest.mark.parametrize(("check_id", "expected"),
                         [(c, s) for c, cases in CASES.items() for s in cases])
def test_check_outcome(check_id: str, expected: str) -> None:
    facts = good_facts()
    CASES[check_id][expected](facts)
    finding = run(facts, check_id.removesuffix("-VERDICT"))
    assert finding.status == expected, (finding.message, finding.evidence)
    assert finding.message["fr"] and finding.message["en"]
    if expected == "unknown":
        assert finding.evidence, "an unknown finding says why"


def test_product_verdict_wins_over_age() -> None:
    facts = good_facts()
    assert facts.antivirus is not None
    facts.antivirus.products[0].signature_age_days = 20
    facts.antivirus.products[0].up_to_date = True  # e.g. XProtect, updated every few weeks
    assert run(facts, "FW-AV-UPDATED").status == "pass"


def test_unknown_count_is_fine_when_the_manager_is_disabled_by_policy() -> None:
    facts = good_facts()
    _browser_unknown(facts)
    assert facts.passwords is not None
    facts.passwords.browsers[0].manager_disabled_by_policy = True
    assert run(facts, "PWD-BROWSER-SAVED").status == "pass"


def test_complexity_at_the_os_ceiling_is_a_warning() -> None:
    facts = good_facts()
    assert facts.password_policy is not None
    facts.password_policy.min_classes = 3
    facts.password_policy.max_enforceable_classes = 3
    finding = run(facts, "PWD-COMPLEXITY")
    assert finding.status == "warn" and "dentsec password check" in finding.message["fr"]


def test_justified_port_is_not_flagged() -> None:
    facts = good_facts()
    _unjustified(facts)
    policy = Policy(justified_ports=(JustifiedPort(8080, "tcp", "logiciel de gestion"),))
    assert run(facts, "FW-UNJUSTIFIED-PORTS", policy).status == "pass"


def test_renewal_scope_admins_ignores_standard_users() -> None:
    facts = good_facts()
    _old_password(facts)  # martin is a standard user
    assert run(facts, "PWD-RENEWAL", Policy(renewal_scope="admins")).status == "pass"


def test_disabled_check_is_na() -> None:
    facts = good_facts()
    _remote_tool(facts)
    finding = run(facts, "FW-REMOTE-TOOLS", Policy(disabled_checks=("FW-REMOTE-TOOLS",)))
    assert finding.status == "na"


def test_rdp_without_nla_says_so() -> None:
    facts = good_facts()
    assert facts.remote_access is not None
    facts.remote_access.rdp_enabled = True
    facts.remote_access.rdp_nla = False
    finding = run(facts, "FW-REMOTE-DESKTOP")
    assert finding.status == "fail" and "NLA" in finding.message["fr"]


def test_loopback_listeners_are_not_exposed() -> None:
    facts = good_facts()
    assert facts.network is not None
    facts.network.listening.append(ListeningSocket(proto="tcp", address="::1", port=3389))
    facts.network.listening.append(ListeningSocket(proto="tcp", address="127.0.0.5", port=23))
    assert run(facts, "FW-REMOTE-DESKTOP").status == "pass"
    assert run(facts, "FW-RISKY-SERVICES").status == "pass"
