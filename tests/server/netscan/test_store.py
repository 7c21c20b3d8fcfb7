"""The console's network scans: the plan, uploads by the designated workstation, the
comparison with the previous scan and its alerts (real PostgreSQL, Django's mail outbox)."""

from __future__ import annotations

import copy
import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from dentsec.errors import DentsecError
from dentsec.i18n import set_language
from dentsec.scan.findings import host_report
from dentsec.scan.model import ScanReport
from dentsec.scan.nmap_xml import parse
from dentsec.scan.render_json import to_dict

LAB_XML = Path(__file__).parents[2] / "scan" / "fixtures" / "practice-lab.xml"
TARGET = "198.51.100.0/24"


def lab_scan(at: datetime, drop_port: tuple[str, int] | None = None,
             drop_host: str | None = None) -> dict[str, Any]:
    """The recorded lab scan (tests/scan/fixtures) as the agent uploads it."""
    set_language("fr")
    run = parse(LAB_XML.read_text())
    hosts = tuple(host_report(h, (), (), 1005) for h in run.hosts)
    report = ScanReport(at, at + timedelta(seconds=50), (TARGET,), 256, "top", 1005, True,
                        run.version, (), hosts, ())
    data = to_dict(report, "fr")
    data["hosts"] = [h for h in data["hosts"] if h["address"] != drop_host]
    if drop_port:
        for h in data["hosts"]:
            if h["address"] == drop_port[0]:
                h["ports"] = [p for p in h["ports"] if p["port"] != drop_port[1]]
    return data


def _post(client: Any, credential: str, data: dict[str, Any] | bytes,
          gzipped: bool = True) -> Any:
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {credential}"}
    if gzipped:
        body = gzip.compress(body)
        headers["HTTP_CONTENT_ENCODING"] = "gzip"
    return client.post("/api/v1/agent/scans", data=body, content_type="application/json",
                       **headers)


@pytest.fixture
def planned(tenants: dict[str, Any]) -> dict[str, Any]:
    from dentsec.server.netscan import store

    world = tenants["a"]
    store.configure(world["practice"], world["device_staff"], [TARGET, "nas.local"])
    return world


def test_plan_refuses_what_the_scan_would_refuse(tenants: dict[str, Any]) -> None:
    from dentsec.server.netscan import store

    world = tenants["a"]
    with pytest.raises(DentsecError) as info:
        store.configure(world["practice"], world["device_staff"], ["192.168.1.0/24", "8.8.8.8"])
    assert "--i-own-this-address" in info.value.fr
    with pytest.raises(DentsecError):
        store.configure(world["practice"], world["device_staff"], ["10.0.0.0/16"])
    with pytest.raises(DentsecError):  # a workstation of another practice
        store.configure(world["practice"], world["device_other"], ["192.168.1.0/24"])
    plan = store.configure(world["practice"], world["device_staff"], ["8.8.8.8"],
                           allow_public=True)
    assert plan.targets == ["8.8.8.8"] and plan.allow_public


def test_only_the_designated_workstation_gets_the_plan(planned: dict[str, Any],
                                                       client: Any) -> None:
    from dentsec.server.console import ingest

    r = client.get("/api/v1/agent/scan-plan",
                   HTTP_AUTHORIZATION=f"Bearer {planned['credential']}")
    assert r.status_code == 200
    assert r.json() == {"targets": [TARGET, "nas.local"], "ports": "top", "allow_public": False}
    _, clear = ingest.create_token(planned["practice"], by=planned["admin"].user)
    other = ingest.enroll(clear, "pc-a-other")
    r = client.get("/api/v1/agent/scan-plan", HTTP_AUTHORIZATION=f"Bearer {other.credential}")
    assert r.status_code == 404 and "Aucun scan du réseau" in r.json()["fr"]
    r = _post(client, other.credential, lab_scan(datetime(2026, 11, 1, tzinfo=UTC)))
    assert r.status_code == 403


def test_scans_are_compared_and_new_things_alerted(planned: dict[str, Any],
                                                   client: Any) -> None:
    from dentsec.server.netscan.models import NetworkScan, ScanAlert

    day1 = datetime(2026, 11, 1, 8, tzinfo=UTC)
    first = lab_scan(day1, drop_port=("198.51.100.14", 5432), drop_host="198.51.100.15")
    mail.outbox.clear()
    r = _post(client, planned["credential"], first)
    assert r.status_code == 201, r.content
    assert r.json()["new_hosts"] == [] and r.json()["new_ports"] == []
    assert mail.outbox == []  # the first scan has nothing to compare with
    again = _post(client, planned["credential"], first, gzipped=False)
    assert again.status_code == 409 and again.json()["duplicate"] is True

    r = _post(client, planned["credential"], lab_scan(day1 + timedelta(days=1)))
    assert r.status_code == 201, r.content
    assert r.json()["new_hosts"] == ["198.51.100.15"]
    assert r.json()["new_ports"] == [["198.51.100.14", "tcp/5432 postgresql"]]
    latest = NetworkScan.objects.filter(practice=planned["practice"]).first()
    assert latest is not None and latest.hosts == 6 and latest.fail_count == 7
    assert latest.data["schema"] == "dentsec.scan/1"
    kinds = sorted((a.kind, a.key) for a in ScanAlert.objects.filter(scan=latest))
    assert kinds == [("new-host", "198.51.100.15"),
                     ("new-port", "198.51.100.14 tcp/5432 postgresql")]
    subjects = sorted({m.subject for m in mail.outbox})
    assert subjects == [
        "[dentsec] Nouveau port ouvert sur le réseau du cabinet : "
        "198.51.100.14 tcp/5432 postgresql.",
        "[dentsec] Nouvel appareil sur le réseau du cabinet : 198.51.100.15."]
    # Each recipient alone in To:, every alert to each of them.
    assert all(len(m.to) == 1 for m in mail.outbox) and len(mail.outbox) == 4
    assert {m.to[0] for m in mail.outbox} == {"lead_a@example.invalid", "admin_a@example.invalid"}


def test_bad_uploads_are_refused_clearly(planned: dict[str, Any], client: Any) -> None:
    good = lab_scan(datetime(2026, 11, 1, tzinfo=UTC))
    other_target = copy.deepcopy(good)
    other_target["targets"] = ["192.168.50.0/24"]
    r = _post(client, planned["credential"], other_target)
    assert r.status_code == 422 and "cibles enregistrées" in r.json()["fr"]
    broken = copy.deepcopy(good)
    broken["hosts"][0]["ports"][0]["port"] = 70000
    r = _post(client, planned["credential"], broken)
    assert r.status_code == 422 and r.json()["code"] == "schema"
    r = _post(client, planned["credential"], b"{not json")
    assert r.status_code == 400
    r = client.post("/api/v1/agent/scans", data=b"{}", content_type="application/json")
    assert r.status_code == 401


def test_enrolled_devices_are_linked_and_their_justified_ports_honoured(
        planned: dict[str, Any], client: Any, make_report: Any) -> None:
    """The scanning workstation and a device reached by its name are linked to their
    devices; a new port that device's policy justifies is told, not alerted."""
    from dentsec.server.console import ingest
    from dentsec.server.netscan.models import NetworkScan, ScanAlert

    server = planned["device_shared"]  # "pc-a-shared"
    ingest.store_report(server, make_report(
        at=datetime(2026, 11, 25, 8, 30, tzinfo=UTC),
        policy={"password_min_length": 12, "justified_ports": [
            {"port": 5432, "proto": "tcp", "reason": "Logiciel du cabinet"}]}))

    day1 = datetime(2026, 11, 1, 8, tzinfo=UTC)

    def named(data: dict[str, Any]) -> dict[str, Any]:
        for h in data["hosts"]:
            if h["address"] == "198.51.100.14":
                h["names"] = ["pc-a-shared.lan"]
        return data

    first = named(lab_scan(day1, drop_port=("198.51.100.14", 5432)))
    assert _post(client, planned["credential"], first).status_code == 201
    r = _post(client, planned["credential"], named(lab_scan(day1 + timedelta(days=1))))
    assert r.status_code == 201
    assert r.json()["new_ports"] == [["198.51.100.14", "tcp/5432 postgresql"]]
    latest = NetworkScan.objects.filter(practice=planned["practice"]).first()
    assert latest is not None
    assert latest.devices == {"198.51.100.1": planned["device_staff"].pk,
                              "198.51.100.14": server.pk}
    assert not ScanAlert.objects.filter(scan=latest).exists()
