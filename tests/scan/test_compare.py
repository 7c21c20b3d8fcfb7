"""What changed between two scans: new devices and newly open ports."""

from __future__ import annotations

from typing import Any

from dentsec.i18n import set_language
from dentsec.scan.compare import changes, describe


def _scan(hosts: dict[str, list[tuple[str, int, str]]]) -> dict[str, Any]:
    return {"schema": "dentsec.scan/1", "hosts": [
        {"address": a, "ports": [{"proto": pr, "port": po, "state": "open", "service": s}
                                 for pr, po, s in ports]} for a, ports in hosts.items()]}


def test_new_device_and_new_port_are_alarming() -> None:
    before = _scan({"192.168.1.10": [("tcp", 445, "microsoft-ds")], "192.168.1.11": []})
    after = _scan({"192.168.1.10": [("tcp", 445, "microsoft-ds"), ("tcp", 3389, "ms-wbt-server")],
                   "192.168.1.50": [("tcp", 80, "http")]})
    found = changes(before, after)
    assert found.new_hosts == ("192.168.1.50",)
    assert found.new_ports == (("192.168.1.10", "tcp/3389 ms-wbt-server"),)
    assert found.gone_hosts == ("192.168.1.11",)
    assert found.alarming
    set_language("fr")
    lines = describe(found, "2026-11-30 09:00")
    assert lines[0] == "Nouvel appareil depuis le scan du 2026-11-30 09:00 : 192.168.1.50."
    assert lines[1] == ("Nouveau port ouvert depuis le scan du 2026-11-30 09:00 : "
                        "tcp/3389 ms-wbt-server sur 192.168.1.10.")


def test_same_network_nothing_new_and_first_scan_has_no_changes() -> None:
    scan = _scan({"192.168.1.10": [("tcp", 445, "microsoft-ds")]})
    assert not changes(scan, scan).alarming
    assert describe(changes(scan, scan), "x") == []
    assert changes(None, scan).new_hosts == ()


def test_a_port_that_only_did_not_answer_is_not_open() -> None:
    before = _scan({"192.168.1.10": []})
    after = _scan({"192.168.1.10": []})
    after["hosts"][0]["ports"] = [{"proto": "udp", "port": 1900, "state": "open|filtered"}]
    assert changes(before, after).new_ports == ()
