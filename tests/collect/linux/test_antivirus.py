from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from dentsec import proc
from dentsec.collect.linux.antivirus import parse_cvd_header
from dentsec.facts import Facts


def test_header_of_a_database_built_by_sigtool(trees: Path) -> None:
    path = trees / "hardened/var/lib/clamav/daily.cud"
    built = parse_cvd_header(path.read_bytes()[:512].decode("ascii"))
    assert built is not None
    # The real sigtool --info prints the same build time (to the minute).
    info = proc.run(["sigtool", f"--info={path}"])
    m = re.search(r"Build time: (.+)", info.stdout)
    assert m is not None
    assert built.replace(second=0) == datetime.strptime(m.group(1).strip(), "%d %b %Y %H:%M %z")


def test_header_text_time_when_no_epoch() -> None:
    header = "ClamAV-VDB:14 Nov 2026 07-10 +0000:27000:2000000:90:abcd:sig:builder:"
    built = parse_cvd_header(header)
    assert built is not None and (built.day, built.hour, built.minute) == (14, 7, 10)
    assert parse_cvd_header("not a database") is None


def test_real_clamscan_runs() -> None:
    res = proc.run(["clamscan", "--version"])
    assert res.ok and res.stdout.startswith("ClamAV ")


def _on_demand_only(root: Path) -> None:
    """ClamAV's clamscan and freshclam, no clamd daemon and no on-access scanner."""
    status = root / "var/lib/dpkg/status"
    stanzas = status.read_text().split("\n\n")
    status.write_text("\n\n".join(s for s in stanzas if "Package: clamav-daemon" not in s))
    wants = root / "etc/systemd/system/multi-user.target.wants"
    (wants / "clamav-daemon.service").unlink()
    (wants / "clamav-clamonacc.service").unlink()


def test_clamscan_without_daemon_is_an_on_demand_scanner(
    tree_copy: Callable[[str], Path], collect_tree: Callable[..., Facts],
    audit_tree: Callable[..., dict[str, tuple[str, str]]],
) -> None:
    root = tree_copy("hardened")
    _on_demand_only(root)
    av = collect_tree(root).antivirus
    assert av is not None
    [clamav] = av.products
    assert (clamav.enabled, clamav.realtime, clamav.on_demand) == (True, False, True)
    findings = audit_tree(root)
    status, message = findings["FW-AV-PRESENT"]
    assert status == "warn"
    assert "analyse à la demande seulement, pas de protection en temps réel" in message
    assert "désactivé" not in message
    assert findings["FW-AV-UPDATED"][0] == "pass"  # its signatures are fresh


def test_freshclam_alone_is_no_antivirus(
    tree_copy: Callable[[str], Path], audit_tree: Callable[..., dict[str, tuple[str, str]]],
) -> None:
    root = tree_copy("hardened")
    _on_demand_only(root)
    status = root / "var/lib/dpkg/status"
    stanzas = status.read_text().split("\n\n")
    status.write_text("\n\n".join(s for s in stanzas if "Package: clamav\n" not in s + "\n"))
    assert audit_tree(root)["FW-AV-PRESENT"][0] == "fail"


# Microsoft documents the Linux package as ``mdatp`` (``apt-get install mdatp``), its
# service as ``mdatp`` (``systemctl status mdatp``) and its daemon as
# /opt/microsoft/mdatp/sbin/wdavdaemon; the stanza follows dpkg's status format.
MDATP_STANZA = """Package: mdatp
Status: install ok installed
Priority: optional
Section: misc
Installed-Size: 512000
Maintainer: Microsoft <mdatpsupport@microsoft.com>
Architecture: amd64
Version: 101.24082.0004
Description: Microsoft Defender for Endpoint
"""


def _defender_instead_of_clamav(root: Path, running: bool) -> None:
    status = root / "var/lib/dpkg/status"
    stanzas = [s for s in status.read_text().split("\n\n")
               if not s.lstrip().startswith("Package: clamav")]
    status.write_text("\n\n".join([*stanzas, MDATP_STANZA]))
    wants = root / "etc/systemd/system/multi-user.target.wants"
    for unit in wants.glob("clamav-*.service"):
        unit.unlink()
    if running:
        (wants / "mdatp.service").symlink_to("/lib/systemd/system/mdatp.service")


UNREAD = "dentsec ne sait pas encore le lire sur ce système."


@pytest.mark.parametrize(("running", "present", "updated"), [
    # not "no antivirus": the practice is told what dentsec could not read, and why
    (True, ("unknown", f"Impossible de vérifier la protection en temps réel de l'antivirus : "
                       f"{UNREAD}"),
     ("unknown", f"Impossible de vérifier l'âge des signatures de l'antivirus : {UNREAD}")),
    (False, ("fail", "L'antivirus est désactivé."),
     ("na", "Aucun antivirus actif : voyez d'abord le contrôle « antivirus présent »."))])
def test_defender_for_endpoint_is_an_antivirus(
    tree_copy: Callable[[str], Path], audit_tree: Callable[..., dict[str, tuple[str, str]]],
    running: bool, present: tuple[str, str], updated: tuple[str, str],
) -> None:
    root = tree_copy("hardened")
    _defender_instead_of_clamav(root, running)
    findings = audit_tree(root)
    assert (findings["FW-AV-PRESENT"], findings["FW-AV-UPDATED"]) == (present, updated)
