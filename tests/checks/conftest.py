"""A hardened workstation's facts, from which each check test changes one thing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from dentsec.facts import (
    Account,
    Accounts,
    Antivirus,
    AntivirusProduct,
    Backup,
    BackupTool,
    BrowserPasswords,
    DiskEncryption,
    Downloads,
    Facts,
    Firewall,
    FirewallProfile,
    ListeningSocket,
    Network,
    OSInfo,
    PasswordPolicy,
    Passwords,
    RemoteAccess,
    ScreenLock,
    Software,
    SoftwareItem,
    Updates,
)

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def good_facts() -> Facts:
    return Facts(
        collected_at=NOW,
        is_admin=True,
        os=OSInfo(family="windows", name="Windows 11 Professionnel", version="10.0.26200",
                  display_version="25H2", hostname="poste-dr-martin", eol_product="windows",
                  eol_cycle="11-25h2-w", eol_date=date(2027, 10, 12)),
        updates=Updates(auto_updates_enabled=True, auto_update_mechanism="AUOptions=4",
                        pending_updates=0, pending_security_updates=0, last_update=ago(5)),
        software=Software(items=[SoftwareItem(name="Google Chrome", version="151.0",
                                              eol_product="chrome", eol_date=date(2027, 3, 1))]),
        password_policy=PasswordPolicy(min_length=12, min_classes=4, max_age_days=0,
                                       lockout_threshold=5, history_size=5),
        passwords=Passwords(browsers=[BrowserPasswords(browser="chrome", user="martin",
                                                       saved_count=0)]),
        accounts=Accounts(
            accounts=[
                Account(name="martin", is_admin=False, enabled=True, password_empty=False,
                        password_last_set=ago(30), last_logon=ago(1)),
                Account(name="dupont.admin", is_admin=True, enabled=True, password_empty=False,
                        password_last_set=ago(60), last_logon=ago(10)),
                Account(name="Administrateur", human=False, builtin_admin=True, is_admin=True,
                        enabled=False, password_empty=False),
                Account(name="Invité", human=False, guest=True, enabled=False),
            ],
            current_user="martin", current_user_is_admin=False, uac_enabled=True,
            not_applicable=["uid0_accounts"],
        ),
        screen_lock=ScreenLock(enabled=True, timeout_seconds=300, require_password=True),
        backup=Backup(tools=[BackupTool(tool="dentsec", destination="E:\\", last_backup=ago(0.5))],
                      last_backup=ago(0.5), dentsec_configured=True, last_verify=ago(3),
                      last_verify_ok=True, last_full_read=ago(10), last_drill=ago(20),
                      last_drill_ok=True, incomplete_runs=0,
                      disk_always_connected=False),
        downloads=Downloads(reputation_check=True, autorun_disabled=True, scan_downloads=True),
        antivirus=Antivirus(products=[AntivirusProduct(name="Microsoft Defender", enabled=True,
                                                       realtime=True, signature_age_days=0.5)]),
        firewall=Firewall(backend="windows", profiles=[
            FirewallProfile(name=n, enabled=True, default_inbound="block")
            for n in ("domain", "private", "public")]),
        network=Network(listening=[
            ListeningSocket(proto="tcp", address="0.0.0.0", port=135, process="svchost", system=True),
            ListeningSocket(proto="tcp", address="127.0.0.1", port=5432, process="postgres"),
        ]),
        remote_access=RemoteAccess(rdp_enabled=False, rdp_nla=True, ssh_enabled=False,
                                   vnc_enabled=False, smb_sharing=False, smb1_enabled=False),
        disk_encryption=DiskEncryption(system_encrypted=True, method="BitLocker XtsAes128"),
    )


@pytest.fixture
def facts() -> Facts:
    return good_facts()
