from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from dentsec import proc
from dentsec.collect.linux.dconf import read_gvdb, read_gvdb_locks
from dentsec.collect.linux.screen_lock import SYSTEM_POLICY, SystemDconf, gnome_lock, kde_lock
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


def _no_session_yet(root: Path) -> None:
    """GNOME is installed but no person has logged into it yet: no desktop settings."""
    for config in root.glob("home/*/.config"):
        shutil.rmtree(config)
    sessions = root / "usr/share/wayland-sessions"
    sessions.mkdir(parents=True)
    (sessions / "gnome.desktop").write_text("[Desktop Entry]\nName=GNOME\nExec=gnome-session\n")


def test_system_policy_decides_when_no_session_exists(
    tree_copy: Callable[[str], Path], collect_tree: Callable[..., Facts],
    audit_tree: Callable[..., dict[str, tuple[str, str]]],
) -> None:
    # hardened/etc/dconf/db/local is compiled by `dconf compile` from local.d/ (keyfile +
    # locks): 300 s idle delay, lock on, both locked.
    root = tree_copy("hardened")
    _no_session_yet(root)
    lock = collect_tree(root).screen_lock
    assert lock is not None and (lock.enabled, lock.timeout_seconds) == (True, 300)
    assert lock.per_user == {SYSTEM_POLICY: "GNOME: 300 s"}
    status, message = audit_tree(root)["ACC-SCREEN-LOCK"]
    assert status == "pass" and "5 minutes" in message


def test_system_policy_that_disables_the_lock_fails(
    tree_copy: Callable[[str], Path], audit_tree: Callable[..., dict[str, tuple[str, str]]],
) -> None:
    root = tree_copy("hardened")
    _no_session_yet(root)
    keyfile = root / "etc/dconf/db/local.d/00-screensaver"
    keyfile.write_text(keyfile.read_text().replace("lock-enabled=true", "lock-enabled=false"))
    res = proc.run(["dconf", "compile", str(root / "etc/dconf/db/local"),
                    str(root / "etc/dconf/db/local.d")])
    assert res.ok, res.stderr
    assert audit_tree(root)["ACC-SCREEN-LOCK"][0] == "fail"


def test_keyfiles_never_compiled_are_no_policy(
    tree_copy: Callable[[str], Path], collect_tree: Callable[..., Facts],
    audit_tree: Callable[..., dict[str, tuple[str, str]]],
) -> None:
    # dconf reads only the compiled database: keyfiles waiting for `dconf update` decide nothing.
    root = tree_copy("hardened")
    _no_session_yet(root)
    (root / "etc/dconf/db/local").unlink()
    lock = collect_tree(root).screen_lock
    assert lock is not None and lock.enabled is None
    assert audit_tree(root)["ACC-SCREEN-LOCK"][0] == "unknown"


def test_a_damaged_system_database_is_unknown_not_the_user_choice(
    tree_copy: Callable[[str], Path], collect_tree: Callable[..., Facts],
) -> None:
    root = tree_copy("hardened")
    (root / "etc/dconf/db/local").write_bytes(b"GVariant" + b"\0" * 4)
    lock = collect_tree(root).screen_lock
    assert lock is not None and lock.enabled is None
    assert "/etc/dconf/db/local" in lock.unknown["enabled"]


def test_compiled_locks_are_read() -> None:
    db = Path(__file__).parent / "trees/hardened/etc/dconf/db/local"
    assert read_gvdb_locks(db.read_bytes()) == {IDLE, LOCK, "/org/gnome/desktop/screensaver/lock-delay"}
    assert read_gvdb(db.read_bytes())[IDLE] == 300


def test_no_graphical_desktop_is_not_applicable_not_unknown(
    tree_copy: Callable[[str], Path], collect_tree: Callable[..., Facts],
    audit_tree: Callable[..., dict[str, tuple[str, str]]],
) -> None:
    # Seen absent: no X11/Wayland session and no desktop package (trees/hardened has none).
    root = tree_copy("hardened")
    for config in root.glob("home/*/.config"):
        shutil.rmtree(config)
    (root / "etc/dconf/db/local").unlink()
    lock = collect_tree(root).screen_lock
    assert lock is not None and "enabled" in lock.not_applicable and not lock.unknown
    status, message = audit_tree(root)["ACC-SCREEN-LOCK"]
    assert status == "na" and "Aucun bureau graphique" in message
