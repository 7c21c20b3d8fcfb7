"""Each Linux fix applied for real to a tree: check fails → fix → audit passes → undo →
every file byte-identical to before."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from tests.fix.conftest import Snapshot

from dentsec.collect.linux.password_policy import parse_pam

Cli = Callable[..., Result]
Verdict = Callable[[Path, str], str]
Snap = Callable[[Path], Snapshot]


def add_admin_key(tree: Path, user: str = "cabinet") -> Path:
    """A real ed25519 public key (ssh-keygen) in an administrator's authorized_keys."""
    ssh = tree / "home" / user / ".ssh"
    ssh.mkdir(mode=0o700)
    key = ssh.parent / "cle-prestataire"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "prestataire",
                    "-f", str(key)], check=True)
    (ssh / "authorized_keys").write_bytes(key.with_suffix(".pub").read_bytes())
    key.unlink()
    key.with_suffix(".pub").unlink()
    (ssh / "authorized_keys").chmod(0o600)
    return ssh / "authorized_keys"


def roundtrip(tree: Path, check: str, cli: Cli, verdict: Verdict, snapshot: Snap,
              *extra: str, also: tuple[str, ...] = ()) -> str:
    before = snapshot(tree)
    assert verdict(tree, check) == "fail"
    res = cli("fix", check, "--root", str(tree), "--yes", *extra)
    assert res.exit_code == 0, res.output
    assert f"{check} est maintenant réussi" in res.output
    assert verdict(tree, check) == "pass"
    for other in also:
        assert verdict(tree, other) == "pass"
    assert snapshot(tree) != before
    undone = cli("fix", "--undo", "last", "--yes")
    assert undone.exit_code == 0, undone.output
    assert "Correctif annulé" in undone.output
    assert snapshot(tree) == before
    assert verdict(tree, check) == "fail"
    return res.output


def test_pwquality(weak: Path, cli: Cli, verdict: Verdict, snapshot: Snap) -> None:
    out = roundtrip(weak, "PWD-MIN-LENGTH", cli, verdict, snapshot, also=("PWD-COMPLEXITY",))
    assert "minlen : (absent) → 12" in out and "PASS_MAX_DAYS : 99999 → 180" in out


def test_pwquality_writes_a_stack_pam_reads(weak: Path, cli: Cli) -> None:
    assert cli("fix", "PWD-MIN-LENGTH", "--root", str(weak), "--yes").exit_code == 0
    text = (weak / "etc/pam.d/common-password").read_text(encoding="utf-8")
    lines = [p for p in parse_pam(text) if p.kind == "password"]
    assert [p.module for p in lines] == ["pam_pwquality.so", "pam_unix.so", "pam_deny.so",
                                          "pam_permit.so"]
    assert "use_authtok" in lines[1].args and lines[0].control == "requisite"


def test_faillock(weak: Path, cli: Cli, verdict: Verdict, snapshot: Snap) -> None:
    roundtrip(weak, "PWD-LOCKOUT", cli, verdict, snapshot)


def test_faillock_keeps_the_jump_to_pam_deny_right(weak: Path, cli: Cli) -> None:
    assert cli("fix", "PWD-LOCKOUT", "--root", str(weak), "--yes").exit_code == 0
    text = (weak / "etc/pam.d/common-auth").read_text(encoding="utf-8")
    lines = [(p.control, p.module, " ".join(p.args)) for p in parse_pam(text) if p.kind == "auth"]
    # pam_faillock(8) EXAMPLES: success of pam_unix jumps over authfail to authsucc.
    assert lines[:4] == [("requisite", "pam_faillock.so", "preauth"),
                         ("[success=1 default=ignore]", "pam_unix.so", "nullok"),
                         ("[default=die]", "pam_faillock.so", "authfail"),
                         ("sufficient", "pam_faillock.so", "authsucc")]
    assert [m for _, m, _ in lines[4:]] == ["pam_deny.so", "pam_permit.so", "pam_cap.so"]


def test_unattended_upgrades(weak: Path, cli: Cli, verdict: Verdict, snapshot: Snap) -> None:
    out = roundtrip(weak, "UPD-AUTO", cli, verdict, snapshot)
    assert 'APT::Periodic::Unattended-Upgrade : 0 → 1' in out


def test_sshd_with_a_working_key(weak: Path, cli: Cli, verdict: Verdict, snapshot: Snap) -> None:
    add_admin_key(weak)
    out = roundtrip(weak, "FW-SSH", cli, verdict, snapshot)
    assert "PermitRootLogin : yes → no" in out and "cabinet (/home/cabinet/.ssh/authorized_keys)" in out


def test_sshd_refused_without_a_working_key(weak: Path, cli: Cli, verdict: Verdict,
                                            snapshot: Snap) -> None:
    before = snapshot(weak)
    res = cli("fix", "FW-SSH", "--root", str(weak), "--yes")
    assert res.exit_code == 2
    assert "aucun administrateur (autre que root) n'a de clé SSH qui fonctionne" in res.output
    # A key file anyone may write is one sshd's StrictModes ignores: still refused.
    add_admin_key(weak).chmod(0o666)
    res = cli("fix", "FW-SSH", "--root", str(weak), "--yes")
    assert res.exit_code == 2 and "Refusé" in res.output
    (weak / "home/cabinet/.ssh/authorized_keys").write_text("pas une clé\n", encoding="utf-8")
    (weak / "home/cabinet/.ssh/authorized_keys").chmod(0o600)
    assert cli("fix", "FW-SSH", "--root", str(weak), "--yes").exit_code == 2
    assert verdict(weak, "FW-SSH") == "fail"
    (weak / "home/cabinet/.ssh/authorized_keys").unlink()
    (weak / "home/cabinet/.ssh").rmdir()
    assert snapshot(weak) == before


def test_screen_lock(weak: Path, cli: Cli, verdict: Verdict, snapshot: Snap) -> None:
    out = roundtrip(weak, "ACC-SCREEN-LOCK", cli, verdict, snapshot, "--device-wide")
    assert "[Daemon] Autolock : false → true" in out


def test_screen_lock_on_a_tree_needs_device_wide(weak: Path, cli: Cli) -> None:
    res = cli("fix", "ACC-SCREEN-LOCK", "--root", str(weak), "--yes")
    assert res.exit_code == 2 and "--device-wide" in res.output


def test_screen_lock_database_is_read_by_dconf(weak: Path, cli: Cli, tmp_path: Path) -> None:
    assert cli("fix", "ACC-SCREEN-LOCK", "--root", str(weak), "--yes", "--device-wide").exit_code == 0
    profile = tmp_path / "profile"
    profile.write_text(f"file-db:{weak / 'etc/dconf/db/local'}\n", encoding="utf-8")

    def read(key: str) -> str:
        return subprocess.run(["dconf", "read", key], env={"DCONF_PROFILE": str(profile)},
                              capture_output=True, text=True, check=True).stdout.strip()

    # The real dconf reads the compiled database the fix wrote.
    assert read("/org/gnome/desktop/session/idle-delay") == "uint32 300"
    assert read("/org/gnome/desktop/screensaver/lock-enabled") == "true"


def test_downloads_ask(weak: Path, cli: Cli, verdict: Verdict, snapshot: Snap) -> None:
    (weak / "home/invite").mkdir()  # the guest's home is missing: unseen, the check is unknown
    roundtrip(weak, "DL-AUTO-OPEN", cli, verdict, snapshot, "--device-wide")
    handlers = weak / "home/secretariat/.mozilla/firefox/k3x9abcd.default-esr/handlers.json"
    assert json.loads(handlers.read_text(encoding="utf-8"))["mimeTypes"]["image/jpeg"] == {
        "action": 3, "extensions": ["jpg", "jpeg"]}


def test_nftables(weak: Path, cli: Cli, verdict: Verdict, snapshot: Snap) -> None:
    out = roundtrip(weak, "FW-ENABLED", cli, verdict, snapshot)
    assert "SSH tcp/22" in out
    assert cli("fix", "FW-ENABLED", "--root", str(weak), "--yes").exit_code == 0
    if shutil.which("nft") and shutil.which("unshare") and os.geteuid() == 0:
        # The file written into the tree passes the real nft's check, in a private
        # network namespace (this machine's rules untouched).
        res = subprocess.run(["unshare", "-n", "nft", "-c", "-f", str(weak / "etc/nftables.conf")],
                             capture_output=True, text=True, check=False)
        assert res.returncode == 0, res.stderr


def test_dry_run_changes_nothing(weak: Path, cli: Cli, snapshot: Snap, home: Path) -> None:
    before = snapshot(weak)
    res = cli("fix", "PWD-LOCKOUT", "--root", str(weak), "--dry-run")
    assert res.exit_code == 0, res.output
    assert "/etc/security/faillock.conf (créé)" in res.output
    assert "deny : (absent) → 5" in res.output and "rien n'a été modifié" in res.output
    assert snapshot(weak) == before and not (home / "fixes").exists()


def test_no_terminal_needs_yes(weak: Path, cli: Cli, snapshot: Snap) -> None:
    before = snapshot(weak)
    res = cli("fix", "PWD-LOCKOUT", "--root", str(weak))
    assert res.exit_code == 2
    assert "Pas de terminal pour confirmer : relancez avec --yes" in res.output
    assert snapshot(weak) == before


def test_list_history_and_english(weak: Path, cli: Cli) -> None:
    listed = cli("fix", "--list", "--root", str(weak))
    assert "PWD-LOCKOUT" in listed.output and "linux-faillock" in listed.output
    assert "FW-SSH" in listed.output
    assert cli("fix", "PWD-LOCKOUT", "--root", str(weak), "--yes").exit_code == 0
    assert cli("fix", "--undo", "last", "--yes").exit_code == 0
    assert cli("fix", "UPD-AUTO", "--root", str(weak), "--yes").exit_code == 0
    history = json.loads(cli("fix", "--history", "--format", "json").output)
    assert history["schema"] == "dentsec.fix-history/1"
    rows = [(r["check"], r["status"], r["verdict_before"], r["verdict_after"])
            for r in history["fixes"]]
    assert rows == [("PWD-LOCKOUT", "undone", "fail", "pass"), ("UPD-AUTO", "applied", "fail", "pass")]
    assert all(r["who"] and r["started_at"] for r in history["fixes"])
    text = cli("fix", "--history", "--lang", "en").output
    assert "UPD-AUTO now passes" in text
    again = cli("fix", "UPD-AUTO", "--root", str(weak), "--yes", "--lang", "en")
    assert again.exit_code == 2 and "Check UPD-AUTO already passes: nothing to fix." in again.output


def test_undo_refuses_what_is_not_in_place(cli: Cli) -> None:
    res = cli("fix", "--undo", "last", "--yes")
    assert res.exit_code == 2 and "Aucun correctif appliqué à annuler" in res.output
    res = cli("fix", "--undo", "../../etc", "--yes")
    assert res.exit_code == 2 and "Identifiant de correctif invalide" in res.output


@pytest.mark.parametrize("check", ["PWD-PLAINTEXT-FILES", "NOPE"])
def test_no_fix_or_unknown_check(weak: Path, cli: Cli, check: str) -> None:
    res = cli("fix", check, "--root", str(weak), "--yes")
    assert res.exit_code == 2
    assert ("Aucun correctif automatique" in res.output) or ("Contrôle inconnu" in res.output)


def test_a_link_out_of_the_tree_is_never_followed(weak: Path, cli: Cli, tmp_path: Path) -> None:
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    security = weak / "etc/security"
    for item in security.iterdir():
        item.rename(outside / item.name)
    security.rmdir()
    security.symlink_to(outside)  # /etc/security of the tree points out of it
    before = sorted(p.name for p in outside.iterdir())
    res = cli("fix", "PWD-LOCKOUT", "--root", str(weak), "--yes")
    assert res.exit_code == 2
    assert "/etc/security/faillock.conf sort de l'arborescence" in res.output
    assert sorted(p.name for p in outside.iterdir()) == before


def test_samba_without_smb1(weak: Path, cli: Cli, verdict: Verdict, snapshot: Snap) -> None:
    out = roundtrip(weak, "FW-SMB1", cli, verdict, snapshot)
    assert "server min protocol : NT1 → SMB2_02" in out
    conf = weak / "etc/samba/smb.conf"

    def samba_reads() -> str:
        res = subprocess.run(["testparm", "-s", "--suppress-prompt",
                              "--parameter-name=server min protocol", str(conf)],
                             capture_output=True, text=True, check=False)
        return res.stdout.strip()

    if shutil.which("testparm") is None:
        pytest.skip("testparm (samba-common-bin) absent: Samba's own reading not checked")
    assert samba_reads() == "NT1"
    assert cli("fix", "FW-SMB1", "--root", str(weak), "--yes").exit_code == 0
    assert samba_reads() == "SMB2_02"  # Samba's own parser reads the file the fix wrote


def test_remote_desktop_servers_off(weak: Path, cli: Cli, verdict: Verdict,
                                    snapshot: Snap) -> None:
    out = roundtrip(weak, "FW-REMOTE-DESKTOP", cli, verdict, snapshot)
    assert "x11vnc.service : activé → désactivé" in out
    assert "Le prestataire garde son accès par SSH avec sa clé" in out


def test_undo_of_a_tree_that_is_gone(weak: Path, cli: Cli) -> None:
    assert cli("fix", "PWD-LOCKOUT", "--root", str(weak), "--yes").exit_code == 0
    shutil.rmtree(weak)
    res = cli("fix", "--undo", "last", "--yes")
    assert res.exit_code == 2 and "n'existe plus" in res.output
    assert not weak.exists()
