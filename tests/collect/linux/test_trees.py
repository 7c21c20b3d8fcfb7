"""Whole collection of the two fixture trees through ``--root`` (file-based facts only)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from dentsec import proc
from dentsec.facts import Facts
from dentsec.host.bundle import load_bundle, write_bundle
from dentsec.host.live import LiveHost
from dentsec.host.replay import ReplayHost

Collect = Callable[..., Facts]


def test_weak_tree(trees: Path, collect_tree: Collect) -> None:
    f = collect_tree(trees / "weak")
    assert f.collection_mode == "root"
    assert (f.os.name, f.os.eol_product, f.os.eol_cycle) == (
        "Debian GNU/Linux 11 (bullseye)", "debian", "11")
    assert f.os.eol_date == date(2024, 8, 14) and f.os.hostname == "poste-accueil"
    assert "arch" in f.os.unknown

    u = f.updates
    assert u is not None and u.auto_updates_enabled is False
    assert u.pending_updates is None and "offline" in u.unknown["pending_updates"]
    assert u.last_update == datetime(2024, 3, 1, 17, 3, 2, tzinfo=UTC)  # 18:03 in Paris

    s = f.software
    assert s is not None and s.remote_control_tools == ["anydesk", "x11vnc"]
    assert {(i.name, i.eol_cycle) for i in s.items} == {("chromium", "120"), ("firefox-esr", "91")}

    p = f.password_policy
    assert p is not None
    assert (p.min_length, p.min_classes, p.max_age_days, p.lockout_threshold, p.history_size) == (
        6, 0, 0, 0, 0)

    pw = f.passwords
    assert pw is not None
    assert sorted(x.path for x in pw.files) == [
        "/home/cabinet/Documents/identifiants-banque.pdf",
        "/home/cabinet/Documents/mdp_logiciel.xlsx",
        "/home/secretariat/Bureau/motsdepasse.txt",
        "/home/secretariat/Documents/Codes Ameli.docx",
    ]
    assert {(b.browser, b.saved_count) for b in pw.browsers} == {("firefox", 3), ("chromium", 2)}

    a = f.accounts
    assert a is not None
    by_name = {x.name: x for x in a.accounts}
    assert a.uid0_accounts == ["maintenance"]
    assert by_name["cabinet"].password_empty is True and by_name["cabinet"].is_admin is True
    assert by_name["secretariat"].is_admin is True
    assert by_name["invite"].is_admin is True  # through /etc/sudoers.d/invite
    assert by_name["invite"].guest is True and by_name["root"].builtin_admin is True
    assert by_name["cabinet"].last_logon == datetime(2024, 7, 1, 8, 0, tzinfo=UTC)
    assert by_name["secretariat"].password_last_set == datetime(2021, 6, 22, tzinfo=UTC)
    assert a.current_user is None and "offline" in a.unknown["current_user"]
    assert "uac_enabled" in a.not_applicable

    lock = f.screen_lock
    assert lock is not None and lock.enabled is False
    assert set(lock.per_user) == {"secretariat", "cabinet"}

    b = f.backup
    assert b is not None and b.tools == [] and b.last_backup is None and not b.dentsec_configured

    d = f.downloads
    assert d is not None and d.scan_downloads is False
    assert {(x.browser, tuple(x.extensions)) for x in d.auto_open} == {
        ("firefox", ("docx", "pdf")), ("chromium", ("pdf", "zip"))}

    assert f.antivirus is not None and f.antivirus.products == []
    fw = f.firewall
    # No firewall package and no program: seen absent (FW-ENABLED fails), not unknown.
    assert fw is not None and fw.installed is False and fw.profiles == [] and not fw.unknown
    r = f.remote_access
    assert r is not None
    assert (r.ssh_enabled, r.ssh_password_auth, r.ssh_root_login) == (True, True, True)
    assert (r.vnc_enabled, r.smb_sharing, r.smb1_enabled, r.rdp_enabled) == (True, True, True, False)
    assert f.disk_encryption is not None and f.disk_encryption.system_encrypted is False
    assert f.network is None and "offline" in f.unknown["network"]


def test_hardened_tree(trees: Path, collect_tree: Collect) -> None:
    f = collect_tree(trees / "hardened")
    assert (f.os.eol_cycle, f.os.eol_date) == ("13", date(2028, 8, 9))
    u = f.updates
    assert u is not None and u.auto_updates_enabled is True
    assert u.last_update == datetime(2026, 11, 28, 5, 31, 40, tzinfo=UTC)
    s = f.software
    assert s is not None and s.remote_control_tools == []
    assert [(i.name, i.eol_cycle, i.eol_date) for i in s.items] == [("firefox-esr", "153", None)]
    p = f.password_policy
    assert p is not None
    assert (p.min_length, p.min_classes, p.max_age_days, p.lockout_threshold, p.history_size) == (
        12, 4, 180, 5, 5)
    pw = f.passwords
    assert pw is not None and pw.files == [] and [b.saved_count for b in pw.browsers] == [0]
    a = f.accounts
    assert a is not None and a.uid0_accounts == []
    admins = sorted(x.name for x in a.accounts if x.is_admin)
    assert admins == ["cmartin", "root"]
    cmartin = next(x for x in a.accounts if x.name == "cmartin")
    assert cmartin.last_logon == datetime(2026, 11, 28, 8, 30, tzinfo=UTC)  # from lastlog2
    root = next(x for x in a.accounts if x.name == "root")
    assert root.enabled is False  # locked password
    lock = f.screen_lock
    assert lock is not None
    # cmartin asked for 15 min but the system database locks the delay to 5 min.
    assert (lock.enabled, lock.timeout_seconds, lock.require_password) == (True, 300, True)
    b = f.backup
    assert b is not None and b.dentsec_configured
    assert b.last_backup == datetime(2026, 11, 29, 1, 7, 45, tzinfo=UTC)
    assert (b.last_verify_ok, b.last_drill_ok, b.disk_always_connected) == (True, True, False)
    assert [t.tool for t in b.tools] == ["dentsec", "deja-dup"]
    d = f.downloads
    assert d is not None and d.scan_downloads is True
    assert [x.extensions for x in d.auto_open] == [[]]
    av = f.antivirus
    assert av is not None and len(av.products) == 1
    clam = av.products[0]
    assert (clam.name, clam.enabled, clam.realtime) == ("ClamAV", True, True)
    fw = f.firewall
    assert fw is not None and fw.backend == "ufw"
    assert [(x.enabled, x.default_inbound) for x in fw.profiles] == [(True, "block")]
    r = f.remote_access
    assert r is not None
    assert (r.ssh_enabled, r.rdp_enabled, r.vnc_enabled, r.smb_sharing) == (False,) * 4
    e = f.disk_encryption
    assert e is not None and (e.system_encrypted, e.method) == (True, "LUKS (LVM)")


def test_fresh_real_clamav_database_gives_its_age(
    tree_copy: Callable[[str], Path], collect_tree: Collect
) -> None:
    """A database just built by the real sigtool, read as the audit reads it."""
    root = tree_copy("hardened")
    db = root / "var/lib/clamav"
    (db / "daily.cud").unlink()
    (db / "daily.hdb").write_text("44d88612fea8a8f36de82e1278abb02f:68:EICAR-like\n")
    (db / "COPYING").write_text("test\n")
    built = proc.run(["sigtool", "--build=daily.cud", "--unsigned"], cwd=str(db),
                     input_text="7\ndentsec-test\n", timeout=60)
    assert (db / "daily.cud").exists(), built.stderr
    info = proc.run(["sigtool", f"--info={db / 'daily.cud'}"])
    assert "Build time:" in info.stdout
    f = collect_tree(root, datetime.now(UTC) + timedelta(days=2))
    assert f.antivirus is not None
    clam = f.antivirus.products[0]
    assert clam.signature_age_days is not None and 1.9 <= clam.signature_age_days <= 2.1
    assert clam.up_to_date is True
    f = collect_tree(root, datetime.now(UTC) + timedelta(days=9))
    assert f.antivirus is not None and f.antivirus.products[0].up_to_date is False


def test_broken_files_become_unknown_never_good(
    tree_copy: Callable[[str], Path], collect_tree: Collect
) -> None:
    root = tree_copy("hardened")
    (root / "etc/pam.d/common-password").unlink()
    (root / "etc/pam.d/common-auth").unlink()
    (root / "var/lib/dpkg/status").unlink()
    (root / "root/.config/dentsec/backup/status.json").write_text("{not json")
    (root / "home/cmartin/.config/dconf/user").write_bytes(b"garbage")
    f = collect_tree(root)
    p = f.password_policy
    assert p is not None and p.min_length is None and p.lockout_threshold is None
    assert "min_length" in p.unknown and "lockout_threshold" in p.unknown
    for family in ("software", "remote_access"):
        assert getattr(f, family) is None and family in f.unknown
    assert f.antivirus is not None and f.antivirus.products == [] and f.antivirus.unknown
    fw = f.firewall
    assert fw is not None and fw.profiles == [] and "profiles" in fw.unknown
    b = f.backup
    assert b is not None and not b.dentsec_configured and "status.json" in b.unknown["last_backup"]
    lock = f.screen_lock
    assert lock is not None and lock.enabled is None and "enabled" in lock.unknown


def test_bundle_replay_gives_the_same_facts(trees: Path, tmp_path: Path) -> None:
    from dentsec.collect.linux import collect

    host = LiveHost(root=str(trees / "weak"))
    live = collect(host)
    bundle = tmp_path / "weak.zip"
    write_bundle(bundle, host.info, host.log.items)
    replayed = collect(ReplayHost(load_bundle(bundle)))
    assert replayed.model_dump(exclude={"collection_mode"}) == live.model_dump(
        exclude={"collection_mode"})
    with zipfile.ZipFile(bundle) as zf:
        raw = b"".join(zf.read(name) for name in zf.namelist())
    assert b"/etc/shadow" in raw and b"<set>" in raw and b"<empty>" in raw
    assert b"FAKEHASH" not in raw and b"FAKE-NOT-ENCRYPTED" not in raw


def test_ubuntu_snap_browser_version(
    tree_copy: Callable[[str], Path], collect_tree: Collect
) -> None:
    root = tree_copy("hardened")
    with open(root / "var/lib/dpkg/status", "a", encoding="utf-8") as fh:
        fh.write("\nPackage: firefox\nStatus: install ok installed\nArchitecture: amd64\n"
                 "Version: 1:1snap1-0ubuntu5\nDescription: Transitional package - firefox -> "
                 "firefox snap\n")
    meta = root / "snap/firefox/current/meta"
    meta.mkdir(parents=True)
    (meta / "snap.yaml").write_text("name: firefox\nversion: 128.5.0-1\n")
    software = collect_tree(root).software
    assert software is not None
    firefox = next(i for i in software.items if i.name == "firefox")
    assert (firefox.version, firefox.eol_cycle) == ("128.5.0-1", "128")
