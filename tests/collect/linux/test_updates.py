from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dentsec.collect.linux.updates import (
    apt_periodic,
    last_apt_upgrade,
    last_dnf_upgrade,
    last_dpkg_upgrade,
    parse_apt_upgradable,
    parse_dnf_check_update,
)


def test_apt_upgradable_counts_security_suites(sample: Callable[[str], str]) -> None:
    assert parse_apt_upgradable(sample("apt-list-upgradable-debian12.txt")) == (141, 90)


def test_apt_upgradable_several_suites_and_nothing_to_do() -> None:
    text = ("Listing...\n"
            "libc6/stable-security,stable 2.36-9+deb12u10 amd64 [upgradable from: 2.36-9+deb12u9]\n"
            "vim/stable 2:9.0.1378-2+deb12u2 amd64 [upgradable from: 2:9.0.1378-2]\n")
    assert parse_apt_upgradable(text) == (2, 1)
    assert parse_apt_upgradable("Listing...\n") == (0, 0)


def test_history_log_last_upgrade_in_local_time(sample: Callable[[str], str]) -> None:
    text = sample("apt-history-debian12-excerpt.log")
    assert last_apt_upgrade(text) == datetime(2026, 5, 9, 7, 28, 50, tzinfo=UTC)
    paris = last_apt_upgrade(text, ZoneInfo("Europe/Paris"))
    assert paris == datetime(2026, 5, 9, 5, 28, 50, tzinfo=UTC)


def test_history_log_ignores_installs_only() -> None:
    text = "Start-Date: 2026-01-01  10:00:00\nInstall: vim:amd64 (1)\nEnd-Date: 2026-01-01  10:00:05\n"
    assert last_apt_upgrade(text) is None


def test_dpkg_log_last_upgrade(sample: Callable[[str], str]) -> None:
    assert last_dpkg_upgrade(sample("dpkg-log-debian12-excerpt.log")) is not None


def test_auto_upgrades_last_file_wins() -> None:
    first = 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n'
    later = '// turned off by hand\nAPT::Periodic::Unattended-Upgrade "0";\n'
    assert apt_periodic([first])["Unattended-Upgrade"] == "1"
    assert apt_periodic([first, later])["Unattended-Upgrade"] == "0"


def test_dnf_check_update_listing() -> None:
    # Layout of `dnf check-update` (dnf(8), "check-update" command): name.arch, version, repo.
    text = ("\nkernel.x86_64    6.8.9-300.fc40    updates\n"
            "openssl-libs.x86_64    1:3.2.1-6.fc40    updates\n"
            "Obsoleting Packages\ngrub2-tools.x86_64    1:2.06-1.fc40    updates\n")
    assert parse_dnf_check_update(text) == 2


def test_dnf_rpm_log() -> None:
    text = ("2024-05-01T10:00:00+0000 SUBDEBUG Upgrade: kernel-6.8.9-300.fc40.x86_64\n"
            "2024-05-02T09:00:00+0000 SUBDEBUG Installed: vim-9.1-1.fc40.x86_64\n")
    assert last_dnf_upgrade(text) == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def test_lists_refresh_time(tmp_path: Path) -> None:
    from dentsec.collect.linux.updates import _lists_refreshed

    lists = tmp_path / "var/lib/apt/lists"
    lists.mkdir(parents=True)
    assert _lists_refreshed(str(tmp_path)) is None
    for name, when in (("a_InRelease", 1_700_000_000), ("b_Release", 1_750_000_000),
                       ("b_main_binary-amd64_Packages", 1_790_000_000)):
        (lists / name).write_text("x")
        os.utime(lists / name, (when, when))
    assert _lists_refreshed(str(tmp_path)) == 1_750_000_000
