"""The macOS collector end to end on the sample bundles: the facts it builds."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from dentsec.collect.macos import collect
from dentsec.facts import Facts
from dentsec.host.bundle import load_bundle
from dentsec.host.replay import NOT_COLLECTED, ReplayHost

SAMPLES = Path(__file__).resolve().parents[3] / "samples" / "evidence"


def facts_of(bundle: str | Path) -> Facts:
    """Facts replayed from a bundle: a sample's name or a path."""
    return collect(ReplayHost(load_bundle(SAMPLES / bundle)))


def test_replay_asks_only_what_was_recorded() -> None:
    # A bundle written by a live run holds every answer the collector asks for.
    for sample in ("macos-unmanaged", "macos-wellkept"):
        dumped = facts_of(sample).model_dump_json()
        assert NOT_COLLECTED not in dumped, sample


def test_unmanaged_facts() -> None:
    f = facts_of("macos-unmanaged")
    assert (f.os.name, f.os.version, f.os.build, f.os.arch) == ("macOS", "13.7.4", "22H420", "x86_64")
    assert (f.os.eol_cycle, f.os.eol_date) == ("13", date(2025, 9, 15))
    assert f.is_admin is False
    assert f.updates and f.updates.auto_updates_enabled is False
    assert (f.updates.pending_updates, f.updates.pending_security_updates) == (2, 1)
    assert f.updates.last_update == datetime(2025, 2, 10, 18, 6, 51, tzinfo=UTC)
    assert f.password_policy and (f.password_policy.min_length, f.password_policy.lockout_threshold) == (4, 0)
    acc = f.accounts
    assert acc and acc.current_user == "cabinet" and acc.current_user_is_admin is True
    by_name = {a.name: a for a in acc.accounts}
    assert by_name["Guest"].enabled is True and by_name["root"].enabled is False
    assert by_name["sophie"].is_admin is False
    assert f.screen_lock and f.screen_lock.enabled is False and f.screen_lock.require_password is False
    assert f.backup and f.backup.tools == [] and f.backup.dentsec_configured is False
    assert f.downloads and f.downloads.reputation_check is False
    assert "safari/cabinet" in f.downloads.unknown["auto_open"]  # Safari's container: no access
    assert f.firewall and f.firewall.profiles[0].enabled is False
    ra = f.remote_access
    assert ra and (ra.ssh_enabled, ra.vnc_enabled, ra.rdp_enabled, ra.smb_sharing) == (
        False, True, True, True)
    assert f.network and {(s.port, s.system) for s in f.network.listening} == {
        (7000, True), (5000, True), (49152, True), (57621, False)}
    assert "listening" in f.network.unknown  # not admin: other users' listeners unseen
    assert f.software and f.software.remote_control_tools == ["TeamViewer"]
    assert f.software.unwanted == ["MacKeeper"]
    assert f.antivirus and f.antivirus.products[0].signature_age_days == 654.9
    assert f.disk_encryption and f.disk_encryption.system_encrypted is False
    assert f.passwords and [(b.browser, b.saved_count, b.manager_disabled_by_policy)
                            for b in f.passwords.browsers] == [("chrome", 37, False)]
    assert f.password_policy.max_enforceable_classes == 4
    assert [p.path for p in f.passwords.files] == [
        "/Users/cabinet/Desktop/Mots de passe cabinet.docx",
        "/Users/cabinet/Documents/Identifiants Doctolib.txt"]


def test_wellkept_facts() -> None:
    f = facts_of("macos-wellkept")
    assert (f.os.version, f.os.eol_cycle, f.os.eol_announced) == ("26.6.2", "26", False)
    assert f.updates and f.updates.auto_updates_enabled is True
    assert (f.updates.pending_updates, f.updates.pending_security_updates) == (0, 0)
    pol = f.password_policy
    assert pol and (pol.min_length, pol.min_classes, pol.lockout_threshold, pol.history_size,
                    pol.max_age_days) == (12, 4, 10, 5, 0)
    acc = f.accounts
    assert acc and acc.current_user == "mlefevre" and acc.current_user_is_admin is False
    assert {a.name for a in acc.accounts if a.is_admin and a.enabled} == {"adm-dupont"}
    assert all(a.password_last_set for a in acc.accounts if a.human)
    sl = f.screen_lock
    assert sl and (sl.enabled, sl.timeout_seconds, sl.require_password) == (True, 300, True)
    bk = f.backup
    assert bk and [t.tool for t in bk.tools] == ["time-machine", "dentsec"]
    assert bk.disk_always_connected is False and bk.last_drill_ok is True
    assert bk.last_backup == datetime(2026, 11, 27, 8, 10, 44, tzinfo=UTC)
    assert f.downloads and sorted((a.browser, a.user, tuple(a.extensions))
                                  for a in f.downloads.auto_open) == [
        ("firefox", "ctessier", ()), ("firefox", "mlefevre", ()),
        ("safari", "adm-dupont", ()), ("safari", "ctessier", ()), ("safari", "mlefevre", ())]
    assert f.firewall and f.firewall.profiles[0].default_inbound == "block"
    assert f.remote_access and f.remote_access.ssh_enabled is False
    assert f.disk_encryption and f.disk_encryption.system_encrypted is True
    assert f.antivirus and f.antivirus.products[0].name == "XProtect 5331"


def test_nothing_recorded_never_passes(tmp_path: Path) -> None:
    # A Mac that answered nothing (no tool, no file): no check passes or fails.
    from dentsec.engine import audit_evidence

    (tmp_path / "manifest.json").write_text(json.dumps({
        "schema": "dentsec.evidence/1", "created_at": "2026-11-27T10:00:00+00:00",
        "collector": "test", "host": {"os_family": "macos", "hostname": "mac", "is_admin": True},
        "items": []}), encoding="utf-8")
    report = audit_evidence(tmp_path)
    decided = {f.check.id: f.status for f in report.findings if f.status in ("pass", "fail")}
    assert decided == {}


def test_live_run_replays_to_the_same_facts(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # The live path for real (this machine has none of Apple's tools, so every answer is a
    # refusal or a missing program): a bundle written from it must replay to the same facts.
    from dentsec.host.bundle import write_bundle
    from dentsec.host.live import LiveHost

    home = tmp_path / "dentsec"
    (home / "backup").mkdir(parents=True)
    (home / "backup" / "status.json").write_text(json.dumps({
        "schema": "dentsec.backup-status/1", "repository": "/Volumes/SAUVEGARDE",
        "last_run": {"ok": True}, "last_success": "2026-11-26T21:07:51+01:00",
        "last_verify": None, "last_drill": None, "disk_checks": [], "providers": []}))
    monkeypatch.setenv("DENTSEC_HOME", str(home))
    host = LiveHost()
    host.info.os_family = "macos"
    host.info.collected_at = host.info.collected_at.replace(microsecond=0)
    live = collect(host)
    write_bundle(tmp_path / "mac.zip", host.info, host.log.items)
    skip = {"collection_mode"}
    monkeypatch.setenv("DENTSEC_HOME", str(tmp_path / "elsewhere"))  # replayed elsewhere
    replayed = facts_of(tmp_path / "mac.zip")
    assert replayed.model_dump(exclude=skip) == live.model_dump(exclude=skip)
    assert live.os.unknown["version"].startswith("sw_vers")
    # The status written by `dentsec backup` under DENTSEC_HOME is found through the probe.
    assert live.backup and [t.tool for t in live.backup.tools] == ["dentsec"]

