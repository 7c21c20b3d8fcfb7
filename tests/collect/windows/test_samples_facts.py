"""Facts read from each sample bundle, pinned independently of the checks."""

from __future__ import annotations

from datetime import UTC, date, datetime

from dentsec.collect.windows import collect
from dentsec.facts import Facts
from dentsec.host.bundle import load_bundle
from dentsec.host.replay import ReplayHost

from .build import SAMPLES


def _facts(sample: str) -> Facts:
    return collect(ReplayHost(load_bundle(SAMPLES / sample)))


def test_unmanaged_win10_facts() -> None:
    f = _facts("windows-unmanaged-win10")
    assert (f.os.name, f.os.build, f.os.eol_cycle, f.os.eol_date) == (
        "Microsoft Windows 10 Professionnel", "19045.6332", "10-22h2", date(2025, 10, 14))
    assert f.accounts and f.accounts.current_user == "drmartin" and f.accounts.current_user_is_admin
    named = {a.name: a for a in f.accounts.accounts}
    assert named["Invité"].guest and named["Administrateur"].builtin_admin
    assert named["accueil"].is_admin is False and named["accueil"].password_empty is None
    assert f.password_policy and (f.password_policy.min_length, f.password_policy.lockout_threshold) == (0, 0)
    assert f.remote_access and (f.remote_access.rdp_enabled, f.remote_access.rdp_nla) == (True, False)
    assert f.remote_access.smb1_enabled is True and f.remote_access.smb_sharing is True
    assert f.updates and f.updates.last_update == datetime(2025, 9, 9, 22, tzinfo=UTC)
    assert f.software and f.software.remote_control_tools == ["TeamViewer", "AnyDesk"]
    assert f.passwords and [(b.browser, b.saved_count) for b in f.passwords.browsers] == [
        ("chrome", None), ("firefox", 23), ("chrome", None), ("edge", 0)]
    assert f.disk_encryption and f.disk_encryption.system_encrypted is False
    assert f.network and {s.port for s in f.network.listening if not s.system} == {3389, 7070, 5939}
    assert f.unknown == {}


def test_wellkept_win11_facts() -> None:
    f = _facts("windows-wellkept-win11")
    # The registry's ProductName still says "Windows 10 Pro": the build decides.
    assert (f.os.name, f.os.display_version, f.os.eol_cycle) == ("Microsoft Windows 11 Professionnel", "24H2",
                                                               "11-24h2-w")
    assert f.password_policy and (f.password_policy.min_length, f.password_policy.min_classes,
                                  f.password_policy.max_age_days) == (12, 3, 0)
    assert f.screen_lock and (f.screen_lock.enabled, f.screen_lock.timeout_seconds) == (True, 600)
    assert f.backup and f.backup.dentsec_configured and f.backup.disk_always_connected is False
    assert f.backup.shadow_copies == 3 and f.backup.last_verify_ok is True
    assert f.passwords and all(b.manager_disabled_by_policy for b in f.passwords.browsers
                               if b.browser in ("edge", "firefox"))
    assert f.downloads and (f.downloads.autorun_disabled, f.downloads.reputation_check) == (True, True)
    assert f.disk_encryption and f.disk_encryption.system_encrypted is True
    assert f.accounts and f.accounts.current_user == "dr.lefevre" and f.accounts.current_user_is_admin is False
    assert f.unknown == {}


def test_no_admin_facts() -> None:
    f = _facts("windows-no-admin")
    assert f.is_admin is False
    assert set(f.unknown) == {"password_policy", "disk_encryption"}
    assert all("needs administrator rights" in why for why in f.unknown.values())
    assert f.backup and f.backup.shadow_copies is None and "shadow_copies" in f.backup.unknown
    assert [t.tool for t in f.backup.tools] == ["file-history"]
    assert f.remote_access and f.remote_access.smb1_enabled is None
    assert f.updates and (f.updates.pending_updates, f.updates.pending_security_updates) == (1, 1)
    assert f.screen_lock and f.screen_lock.timeout_seconds == 300
    assert f.downloads and f.downloads.autorun_disabled is True  # the user's "AutoPlay off"
