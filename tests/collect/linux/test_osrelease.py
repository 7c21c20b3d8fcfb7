from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from dentsec.collect.linux.osrelease import (
    keep_pro_services,
    os_info_from_release,
    pro_status_enrolled,
)
from dentsec.facts import Facts


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


BOOKWORM = """PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
"""
FOCAL = """PRETTY_NAME="Ubuntu 20.04.6 LTS"
NAME="Ubuntu"
VERSION_ID="20.04"
VERSION="20.04.6 LTS (Focal Fossa)"
VERSION_CODENAME=focal
ID=ubuntu
ID_LIKE=debian
"""
# Shape of `pro status --format json` (the Ubuntu Pro client keeps its last answer in
# /var/lib/ubuntu-advantage/status.json): "attached" and services[] with name and status.
PRO_ATTACHED = ('{"attached": true, "services": [{"name": "esm-apps", "status": "enabled"},'
                ' {"name": "esm-infra", "status": "enabled"}]}')
PRO_DETACHED = ('{"attached": false, "services": [{"name": "esm-apps", "available": "yes"},'
                ' {"name": "esm-infra", "available": "yes"}]}')


def test_debian_lts_is_supported_with_a_date_to_plan_the_migration(
    tree_copy: Callable[[str], Path], audit_tree: Callable[..., dict[str, tuple[str, str]]],
) -> None:
    root = tree_copy("hardened")
    (root / "etc/os-release").write_text(BOOKWORM)
    # 2026-11-29: regular security support ended on 2026-07-11, Debian LTS runs to 2028-06-30.
    status, message = audit_tree(root)["UPD-OS-SUPPORTED"]
    assert status == "pass" and "Debian LTS" in message and "30/06/2028" in message
    assert "migrez" not in message
    status, message = audit_tree(root, datetime(2027, 9, 1, tzinfo=UTC))["UPD-OS-SUPPORTED"]
    assert status == "warn" and "30/06/2028" in message
    assert audit_tree(root, datetime(2028, 7, 1, tzinfo=UTC))["UPD-OS-SUPPORTED"][0] == "fail"
    # Before 2026-07-11 the regular end is near, but LTS follows: no warning yet.
    status, message = audit_tree(root, datetime(2026, 3, 1, tzinfo=UTC))["UPD-OS-SUPPORTED"]
    assert status == "pass" and "11/07/2026, puis par Debian LTS jusqu'au 30/06/2028" in message


def test_debian_lts_fact() -> None:
    info = os_info_from_release(BOOKWORM, "h")
    assert (info.extended_support, info.extended_support_until) == ("Debian LTS", date(2028, 6, 30))
    assert info.extended_support_active is True
    trixie = os_info_from_release('ID=debian\nVERSION_ID="13"\n', "h")
    assert trixie.extended_support == "Debian LTS" and trixie.eol_date == date(2028, 8, 9)


@pytest.mark.parametrize(("files", "enrolled"), [
    ({}, False),
    ({"var/lib/ubuntu-advantage/status.json": PRO_DETACHED}, False),
    ({"var/lib/ubuntu-advantage/status.json": PRO_ATTACHED}, True),
    # The sources `pro attach` writes, and their credentials (deb822 format).
    ({"etc/apt/sources.list.d/ubuntu-esm-infra.sources":
      "Types: deb\nURIs: https://esm.ubuntu.com/infra/ubuntu\nSuites: focal-infra-security\n"
      "Components: main\n",
      "etc/apt/auth.conf.d/90ubuntu-advantage": "machine esm.ubuntu.com/infra/ubuntu/ login x\n"},
     True),
    ({"etc/apt/sources.list.d/ubuntu-esm-infra.sources":
      "Types: deb\nURIs: https://esm.ubuntu.com/infra/ubuntu\n"}, False),  # no credentials
])
def test_ubuntu_esm_counts_only_when_enrolled(
    tree_copy: Callable[[str], Path], audit_tree: Callable[..., dict[str, tuple[str, str]]],
    collect_tree: Callable[..., Facts], files: dict[str, str], enrolled: bool,
) -> None:
    root = tree_copy("hardened")
    (root / "etc/os-release").write_text(FOCAL)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    info = collect_tree(root).os
    status, message = audit_tree(root)["UPD-OS-SUPPORTED"]
    assert (info.extended_support, info.extended_support_until) == ("Ubuntu Pro (ESM)",
                                                                    date(2030, 4, 2))
    assert info.extended_support_active is enrolled
    if enrolled:
        assert status == "pass" and "02/04/2030" in message
    else:
        # Ubuntu 20.04 left standard support on 2025-05-31; ESM would need Ubuntu Pro.
        assert "extended_support_active" in info.unknown
        assert status == "fail" and "Ubuntu Pro" in message


def test_pro_status_keeps_no_account_detail() -> None:
    full = ('{"attached": true, "account": {"name": "Cabinet Dr Martin", "id": "a1"},'
            ' "contract": {"name": "Ubuntu Pro - free personal"},'
            ' "services": [{"name": "esm-infra", "status": "enabled", "entitled": "yes"}]}')
    kept = keep_pro_services(full)
    assert "Martin" not in kept and "contract" not in kept
    assert pro_status_enrolled(kept) is True
    assert keep_pro_services("not json") == "" and pro_status_enrolled("") is None
