from __future__ import annotations

from collections.abc import Callable
from datetime import date

from dentsec.collect.linux.osrelease import os_info_from_release


def test_debian12(sample: Callable[[str], str]) -> None:
    info = os_info_from_release(sample("os-release-debian12.txt"), "h")
    assert (info.name, info.version, info.eol_product, info.eol_cycle) == (
        "Debian GNU/Linux 12 (bookworm)", "12", "debian", "12")
    assert info.eol_date == date(2026, 7, 11) and info.eol_announced is True


def test_other_distributions() -> None:
    # Fields as documented in os-release(5) and shipped by each distribution.
    ubuntu = os_info_from_release('ID=ubuntu\nVERSION_ID="24.04"\nPRETTY_NAME="Ubuntu 24.04.1 LTS"\n', "h")
    assert (ubuntu.eol_product, ubuntu.eol_cycle) == ("ubuntu", "24.04")
    rocky = os_info_from_release('ID="rocky"\nVERSION_ID="9.4"\n', "h")
    assert (rocky.eol_product, rocky.eol_cycle) == ("rocky-linux", "9")
    lmde = os_info_from_release('NAME="LMDE"\nID=linuxmint\nVERSION_ID="6"\n', "h")
    assert lmde.eol_product == "linuxmint" and lmde.eol_cycle == "lmde6"
    sid = os_info_from_release('ID=debian\nPRETTY_NAME="Debian GNU/Linux trixie/sid"\n', "h")
    assert sid.eol_date is None and "eol_date" in sid.unknown
    arch = os_info_from_release('ID=arch\nID_LIKE=""\n', "h")
    assert arch.eol_product is None and "eol_date" in arch.unknown
