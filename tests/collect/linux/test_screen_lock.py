from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dentsec.collect.linux.screen_lock import SystemDconf, gnome_lock, kde_lock
from dentsec.facts import Facts

IDLE = "/org/gnome/desktop/session/idle-delay"
LOCK = "/org/gnome/desktop/screensaver/lock-enabled"


def test_gnome_defaults_lock_after_five_minutes() -> None:
    lock = gnome_lock({}, SystemDconf({}, set()))
    assert (lock.enabled, lock.timeout_seconds) == (True, 300)


def test_gnome_user_choice_and_system_lock() -> None:
    assert gnome_lock({IDLE: 0}, SystemDconf({}, set())).enabled is False
    assert gnome_lock({LOCK: False}, SystemDconf({}, set())).enabled is False
    system = SystemDconf({IDLE: 600}, {IDLE})
    assert gnome_lock({IDLE: 3600}, system).timeout_seconds == 600
    assert gnome_lock({IDLE: 3600}, SystemDconf({IDLE: 600}, set())).timeout_seconds == 3600


def test_kde_settings() -> None:
    assert kde_lock("", None).timeout_seconds == 300  # KDE defaults: autolock after 5 min
    assert kde_lock("", "[Daemon]\nAutolock=false\n").enabled is False
    assert kde_lock("", "[Daemon]\nTimeout=15\nLockGrace=30\n").timeout_seconds == 930
    assert kde_lock("[Daemon]\nTimeout=10\n", None).timeout_seconds == 600


def test_other_desktops_are_not_read_as_gnome(
    tree_copy: Callable[[str], Path], collect_tree: Callable[..., Facts]
) -> None:
    root = tree_copy("hardened")
    sessions = root / "usr/share/xsessions"
    sessions.mkdir(parents=True)
    (sessions / "cinnamon.desktop").write_text("[Desktop Entry]\nName=Cinnamon\nExec=cinnamon-session-cinnamon\n")
    facts = collect_tree(root)
    assert facts.screen_lock is not None and facts.screen_lock.enabled is None
    assert "cinnamon" in facts.screen_lock.unknown["enabled"]
    # A person who logs into GNOME is still read (AccountsService records the session).
    users = root / "var/lib/AccountsService/users"
    users.mkdir(parents=True)
    (users / "cmartin").write_text("[User]\nSession=gnome\nSystemAccount=false\n")
    facts = collect_tree(root)
    assert facts.screen_lock is not None and facts.screen_lock.enabled is True
