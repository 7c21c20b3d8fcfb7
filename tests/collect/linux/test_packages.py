from __future__ import annotations

from collections.abc import Callable

from dentsec.collect.linux.packages import parse_dpkg_status, parse_rpm_query


def test_dpkg_status(sample: Callable[[str], str]) -> None:
    found = parse_dpkg_status(sample("dpkg-status-debian12-excerpt.txt"),
                              frozenset({"clamav", "nftables", "firefox"}))
    assert set(found) == {"clamav", "nftables"}
    assert found["clamav"].startswith("1.4")


def test_removed_package_is_not_installed() -> None:
    text = "Package: teamviewer\nStatus: deinstall ok config-files\nVersion: 15\n"
    assert parse_dpkg_status(text, frozenset({"teamviewer"})) == {}


def test_rpm_query() -> None:
    text = "firefox\t128.5.0-1.el9_5\npackage anydesk is not installed\n"
    assert parse_rpm_query(text) == {"firefox": "128.5.0-1.el9_5"}
