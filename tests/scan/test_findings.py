"""What the practice is told about each device, from what nmap saw (pure, no network)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dentsec.checks.policy import JustifiedPort
from dentsec.scan.findings import classify, host_findings
from dentsec.scan.model import kinds
from dentsec.scan.nmap_xml import Host, Port, Script, Service, parse

FIXTURES = Path(__file__).parent / "fixtures"


def _lab_hosts() -> dict[str, Host]:
    return {h.address: h for h in parse((FIXTURES / "practice-lab.xml").read_text()).hosts}


def _ids(findings: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(f.kind.id, f.status) for f in findings]


def test_recorded_lab_findings() -> None:
    hosts = _lab_hosts()
    assert _ids(host_findings(hosts["198.51.100.11"])) == [("SCAN-SMB1", "fail")]
    assert _ids(host_findings(hosts["198.51.100.12"])) == [
        ("SCAN-CLEARTEXT-LOGIN", "fail"), ("SCAN-HTTP-CLEAR", "fail")]
    assert _ids(host_findings(hosts["198.51.100.13"])) == [
        ("SCAN-DICOM", "fail"), ("SCAN-PACS-WEB", "fail")]
    assert _ids(host_findings(hosts["198.51.100.14"])) == [
        ("SCAN-CLEARTEXT-LOGIN", "fail"), ("SCAN-DATABASE", "fail")]
    clean = host_findings(hosts["198.51.100.15"], ports_examined=1005)
    assert _ids(clean) == [("SCAN-NOTHING-EXPOSED", "pass")]
    assert "1005 ports" in clean[0].message["fr"]


def test_justified_ports_are_honoured_but_smbv1_stays() -> None:
    hosts = _lab_hosts()
    found = host_findings(hosts["198.51.100.13"],
                          (JustifiedPort(104, "tcp", "Radiographie panoramique"),))
    assert _ids(found) == [("SCAN-PACS-WEB", "fail"), ("SCAN-JUSTIFIED", "pass")]
    assert "justifié : Radiographie panoramique" in found[1].message["fr"]
    nas = host_findings(hosts["198.51.100.11"], (JustifiedPort(445, "tcp", "NAS"),))
    assert ("SCAN-SMB1", "fail") in _ids(nas)
    # a UDP justification does not cover the TCP port of the same number
    assert ("SCAN-DICOM", "fail") in _ids(host_findings(hosts["198.51.100.13"],
                                                         (JustifiedPort(104, "udp"),)))


def _port(portid: int, name: str, method: str = "probed", proto: str = "tcp",
          tunnel: str = "", title: str = "", product: str = "") -> Port:
    scripts = (Script("http-title", title, (title,)),) if title else ()
    return Port(proto, portid, "open", "syn-ack",
                Service(name, product=product, tunnel=tunnel, method=method), scripts)


# Service names are nmap's own (nmap-services, nmap-service-probes).
@pytest.mark.parametrize(("port", "expected"), [
    (_port(3389, "ms-wbt-server"), "SCAN-REMOTE-DESKTOP"),
    (_port(5900, "vnc"), "SCAN-REMOTE-DESKTOP"),
    (_port(5938, "teamviewer", "table"), "SCAN-REMOTE-DESKTOP"),
    (_port(7070, "realserver", "table"), "SCAN-REMOTE-DESKTOP"),
    (_port(7070, "http", title="Intranet"), "SCAN-HTTP-CLEAR"),
    (_port(2323, "3d-nfsd", "table"), "SCAN-CLEARTEXT-LOGIN"),
    (_port(21, "ftp", tunnel="ssl"), "SCAN-OPEN-PORT"),
    (_port(1433, "ms-sql-s", product="Microsoft SQL Server 2019"), "SCAN-DATABASE"),
    (_port(3306, "mysql"), "SCAN-DATABASE"),
    (_port(11112, "dicom", "table"), "SCAN-DICOM"),
    (_port(80, "http", title="OHIF Viewer"), "SCAN-PACS-WEB"),
    (_port(443, "http", tunnel="ssl", title="Synology DiskStation"), "SCAN-OPEN-PORT"),
    (_port(80, "http", title="Synology DiskStation"), "SCAN-HTTP-CLEAR"),
    (_port(9100, "jetdirect", "table"), "SCAN-PRINTER-RAW"),
    (_port(515, "printer", "table"), "SCAN-PRINTER-RAW"),
    (_port(1900, "upnp", proto="udp"), "SCAN-UPNP"),
    (_port(2869, "icslap", "table"), "SCAN-UPNP"),
    (_port(445, "microsoft-ds", "table"), "SCAN-SMB"),
    (_port(22, "ssh"), "SCAN-OPEN-PORT"),
    (_port(23, "http", title="Routeur"), "SCAN-HTTP-CLEAR"),
])
def test_each_kind_of_service(port: Port, expected: str) -> None:
    assert classify(port)[0] == expected


def test_smb_whose_versions_could_not_be_listed_is_unknown() -> None:
    host = Host("192.168.1.20", "ipv4", "up", ports=(_port(445, "microsoft-ds"),))
    found = host_findings(host)
    assert ("SCAN-INCOMPLETE", "unknown") in _ids(found)
    assert ("SCAN-SMB", "warn") in _ids(found)


def test_udp_without_answer_and_timed_out_hosts_are_unknown_never_pass() -> None:
    silent = Port("udp", 1900, "open|filtered", "no-response", Service("upnp", method="table"))
    host = Host("192.168.1.30", "ipv4", "up", timed_out=True, ports=(silent,))
    found = host_findings(host)
    assert _ids(found) == [("SCAN-INCOMPLETE", "unknown"), ("SCAN-INCOMPLETE", "unknown")]
    assert all(f.message["fr"] and f.message["en"] for f in found)


def test_every_kind_speaks_french_and_english() -> None:
    for kind in kinds().values():
        for text in (kind.title, kind.why, kind.practice, kind.it):
            assert text["fr"] and text["en"] and text["fr"] != text["en"]
