from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dentsec.collect.linux.remote_access import parse_sshd, ssh_password_and_root
from dentsec.facts import Facts


def test_debian_default_sshd_config(sample: Callable[[str], str]) -> None:
    settings = parse_sshd(sample("debian12-sshd_config.txt").splitlines())
    assert settings.values["usepam"] == "yes"
    # OpenSSH defaults: PasswordAuthentication yes, PermitRootLogin prohibit-password.
    assert ssh_password_and_root(settings) == (True, False)


def test_first_value_wins_and_match_blocks_count() -> None:
    lines = ["PasswordAuthentication no", "PasswordAuthentication yes", "PermitRootLogin no",
             "KbdInteractiveAuthentication no", "Match Address 127.0.0.1", "  PermitRootLogin yes"]
    assert ssh_password_and_root(parse_sshd(lines)) == (False, True)


def test_keyboard_interactive_with_pam_accepts_passwords() -> None:
    lines = ["PasswordAuthentication no", "UsePAM yes"]
    assert ssh_password_and_root(parse_sshd(lines))[0] is True


def test_sshd_t_output_layout() -> None:
    # sshd(8) -T prints lowercase "keyword value" lines.
    lines = ["passwordauthentication no", "permitrootlogin without-password",
             "kbdinteractiveauthentication no", "usepam yes"]
    assert ssh_password_and_root(parse_sshd(lines)) == (False, False)


def test_gnome_system_remote_desktop_counts(
    tree_copy: Callable[[str], Path], collect_tree: Callable[..., Facts]
) -> None:
    root = tree_copy("hardened")
    wants = root / "etc/systemd/system/graphical.target.wants"
    wants.mkdir(parents=True)
    (wants / "gnome-remote-desktop.service").write_text("")
    remote = collect_tree(root).remote_access
    assert remote is not None and remote.rdp_enabled is True and remote.vnc_enabled is False
