"""`dentsec scan` of a practice LAN made of network namespaces with real services (Samba
with SMBv1, telnetd, vsftpd, PostgreSQL, dcmtk storescp, web admin pages): what the
practice is told. Skipped, with the reason, where namespaces cannot be created."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.scan import netlab

DENTSEC = str(Path(sys.executable).with_name("dentsec"))
WHY_NOT = netlab.why_not()
pytestmark = pytest.mark.skipif(WHY_NOT is not None, reason=f"no namespace lab: {WHY_NOT}")


@pytest.fixture(scope="module")
def lab() -> Iterator[tuple[netlab.Lab, dict[str, str]]]:
    with netlab.lab() as built:
        roles = netlab.practice(built)
        yield built, roles


@pytest.fixture(scope="module")
def full_scan(lab: tuple[netlab.Lab, dict[str, str]]) -> tuple[int, dict[str, Any]]:
    """One scan of the whole /24 as the practice would run it (default ports, as root)."""
    built, _ = lab
    r = built.run([DENTSEC, "scan", netlab.NETWORK, "--format", "json", "--lang", "fr"])
    assert r.stdout, r.stderr
    return r.returncode, json.loads(r.stdout)


def _by_host(report: dict[str, Any]) -> dict[str, list[tuple[str, str, int | None]]]:
    return {h["address"]: [(f["id"], f["status"], f["port"]) for f in h["findings"]]
            for h in report["hosts"]}


def test_the_lab_cannot_reach_out(lab: tuple[netlab.Lab, dict[str, str]]) -> None:
    built, _ = lab
    for ns in [built.scanner_ns, *built.devices]:
        assert netlab.routes(ns) == ""


def test_full_scan_tells_what_each_device_exposes(
        full_scan: tuple[int, dict[str, Any]], lab: tuple[netlab.Lab, dict[str, str]]) -> None:
    code, report = full_scan
    _, roles = lab
    assert code == 1  # something to fix
    assert report["schema"] == "dentsec.scan/1" and report["privileged"] is True
    found = _by_host(report)
    assert set(found) == {netlab.SCANNER, *roles.values()}
    assert found[roles["nas"]] == [("SCAN-SMB1", "fail", 445)]
    assert found[roles["routeur"]] == [("SCAN-CLEARTEXT-LOGIN", "fail", 23),
                                       ("SCAN-HTTP-CLEAR", "fail", 80)]
    assert found[roles["imagerie"]] == [("SCAN-DICOM", "fail", 104),
                                        ("SCAN-PACS-WEB", "fail", 8042)]
    assert found[roles["serveur"]] == [("SCAN-CLEARTEXT-LOGIN", "fail", 21),
                                       ("SCAN-DATABASE", "fail", 5432)]
    assert found[roles["poste"]] == [("SCAN-NOTHING-EXPOSED", "pass", None)]
    assert report["notes"] == []  # as root, UDP (SSDP) was examined too
    hosts = {h["address"]: h for h in report["hosts"]}
    router = hosts[roles["routeur"]]
    assert any(p["title"] == "Administration du routeur" for p in router["ports"])
    http = next(f for f in router["findings"] if f["id"] == "SCAN-HTTP-CLEAR")
    assert "« Administration du routeur »" in http["message"]
    assert http["remediation"]["practice"].startswith("Changez le mot de passe")
    smb1 = hosts[roles["nas"]]["findings"][0]
    assert "WannaCry" in smb1["why"]
    assert report["engine"]["argv"][0][-1] == netlab.NETWORK  # only what was typed


def test_justified_ports_english_and_html(lab: tuple[netlab.Lab, dict[str, str]],
                                          tmp_path: Path) -> None:
    built, roles = lab
    policy = tmp_path / "imagerie.toml"
    policy.write_text('[[justified_ports]]\nport = 104\nproto = "tcp"\n'
                      'reason = "Radiographie panoramique"\n')
    out = tmp_path / "scan.json"
    r = built.run([DENTSEC, "scan", roles["imagerie"], "--ports", "104,8042", "--lang", "en",
                   "--host-policy", roles["imagerie"], str(policy), "--format", "json",
                   "--output", str(out)])
    assert r.returncode == 1, r.stderr
    report = json.loads(out.read_text())
    (host,) = report["hosts"]
    assert [(f["id"], f["status"]) for f in host["findings"]] == [
        ("SCAN-PACS-WEB", "fail"), ("SCAN-JUSTIFIED", "pass")]
    assert host["findings"][1]["message"].endswith("justified: Radiographie panoramique.")
    assert host["findings"][0]["title"] == "Imaging viewer (PACS) on the web"
    html = tmp_path / "scan.html"
    r = built.run([DENTSEC, "scan", roles["imagerie"], "--ports", "104,8042", "--format",
                   "html", "--output", str(html)])
    assert r.returncode == 1, r.stderr
    page = html.read_text()
    assert "Visionneuse d&#39;imagerie (PACS) sur le web" in page and "Orthanc Explorer" in page


def test_unprivileged_scan_says_what_it_could_not_see(
        lab: tuple[netlab.Lab, dict[str, str]]) -> None:
    """Without root, nmap connects (no SYN, no UDP): the findings stay, and UPnP/SSDP is
    told as not examined rather than absent."""
    built, roles = lab
    r = built.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                   DENTSEC, "scan", roles["nas"], roles["poste"], "--ports", "445,80,U:1900",
                   "--format", "json"])
    assert r.stdout, r.stderr
    report = json.loads(r.stdout)
    assert report["privileged"] is False
    assert "-sT" in report["engine"]["argv"][0]
    found = _by_host(report)
    assert found[roles["nas"]] == [("SCAN-SMB1", "fail", 445)]
    (note,) = report["notes"]
    assert note["status"] == "unknown" and "non examinés" in note["message"]


def test_terminal_report_in_french(lab: tuple[netlab.Lab, dict[str, str]]) -> None:
    built, roles = lab
    r = built.run([DENTSEC, "scan", roles["serveur"], "--ports", "21,5432"])
    assert r.returncode == 1, r.stderr
    assert "PostgreSQL joignable sur le réseau" in r.stdout
    assert "FTP ouvert, sans chiffrement" in r.stdout
    assert "1 appareil(s) trouvé(s) sur 1 adresse(s) ; 2 à corriger" in r.stdout


def test_no_device_answering_is_said(lab: tuple[netlab.Lab, dict[str, str]]) -> None:
    built, _ = lab
    r = built.run([DENTSEC, "scan", "198.51.100.200", "--ports", "80"])
    assert r.returncode == 0, r.stderr
    assert "Aucun appareil n'a répondu sur ces adresses." in r.stdout


def test_public_target_refused_inside_the_lab_too(lab: tuple[netlab.Lab, dict[str, str]]) -> None:
    built, _ = lab
    r = built.run([DENTSEC, "scan", "198.51.100.0/24", "203.0.114.9"])
    assert r.returncode == 2 and "203.0.114.9 est une adresse publique" in r.stderr
    assert r.stdout == ""


def test_compare_tells_the_new_port(lab: tuple[netlab.Lab, dict[str, str]],
                                    tmp_path: Path) -> None:
    """Scan, then a web page appears on the workstation: the next scan, compared with the
    first, says so. (Last in the module: it changes the lab.)"""
    built, roles = lab
    first = tmp_path / "first.json"
    argv = [DENTSEC, "scan", roles["poste"], "--ports", "80,8080"]
    r = built.run([*argv, "--format", "json", "--output", str(first)])
    assert r.returncode == 0, r.stderr
    built.web(roles["poste"], 8080, "Caméra IP")
    r = built.run([*argv, "--compare", str(first)])
    assert r.returncode == 1, r.stderr
    assert "Depuis le scan précédent" in r.stdout
    r = built.run([*argv, "--compare", str(first), "--format", "json"])
    (line,) = json.loads(r.stdout)["changes"]
    assert line.startswith("Nouveau port ouvert depuis le scan du")
    assert line.endswith(f": tcp/8080 http sur {roles['poste']}.")
    r = built.run([*argv, "--compare", str(tmp_path / "missing.json")])
    assert r.returncode == 2 and "Scan précédent introuvable" in r.stderr
