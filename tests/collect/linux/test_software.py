from __future__ import annotations

from datetime import date

from dentsec.collect.linux.software import browser_item, snap_version, upstream_major


def test_upstream_major() -> None:
    assert upstream_major("1:128.5.0esr-1~deb12u1") == "128"
    assert upstream_major("120.0.6099.224-1~deb11u1") == "120"
    assert upstream_major("weird") == ""


def test_browser_end_of_support() -> None:
    item = browser_item("firefox-esr", "115.9.1esr-1~deb11u1")
    assert (item.eol_product, item.eol_cycle, item.eol_date) == ("firefox", "115", date(2027, 3, 31))
    assert browser_item("brave-browser", "1.70").eol_product is None


def test_snap_version() -> None:
    # meta/snap.yaml of a snap (snapcraft.io docs, "The snap.yaml format").
    text = "name: firefox\nversion: 133.0.3-1\nsummary: Mozilla Firefox web browser\n"
    assert snap_version(text) == "133.0.3-1"
    assert snap_version("name: x\n") is None
