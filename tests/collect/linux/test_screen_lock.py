from __future__ import annotations

from dentsec.collect.linux.screen_lock import SystemDconf, gnome_lock, kde_lock

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
