"""Procedures end to end: real audits (tests/server/audits.py) uploaded by a device, then
the sweep, then what the practice is told (alerts, device state)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from dentsec.server.console import (
    alerts,
    departures,
    exceptions_risk,
    firewall_changes,
    ingest,
    people,
    sweep,
)
from dentsec.server.console.models import Alert, Device, Person

from .audits import audit_json


def _open(device: Device, kind: str) -> list[str]:
    return [alerts.describe(a) for a in Alert.objects.filter(device=device, kind=kind,
                                                             resolved_at=None)]


@pytest.fixture
def world(tenants: dict[str, Any]) -> dict[str, Any]:
    a = tenants["a"]
    device = a["device_shared"]
    ingest.store_report(device, audit_json())
    device.refresh_from_db()
    return {**a, "device": device}


def test_proposed_links_orphans_and_a_departure_verified_by_the_next_report(
        world: dict[str, Any]) -> None:
    device, practice = world["device"], world["practice"]
    devices = Device.objects.filter(pk=device.pk)
    invite = Person.objects.create(practice=practice, name="Invite", role="assistant",
                                   start_date=timezone.localdate() - timedelta(days=400))
    proposed = people.proposals(practice, devices)
    assert [(p.person.name, p.account) for p in proposed] == [("Invite", "invite")]
    people.link(invite, device, "invite", world["lead"].user)
    assert "invite" not in {o.account for o in people.orphans(devices)}
    assert {"secretariat", "cabinet"} <= {o.account for o in people.orphans(devices)}

    departure = departures.record(invite, timezone.localdate() - timedelta(days=2),
                                  world["lead"].user, shared_passwords=["Wi-Fi du cabinet"])
    assert {i.kind for i in departure.items.all()} == {"device-account", "shared-password"}
    # The account is still there in the next report: 24 h after the date, an alert.
    ingest.store_report(device, audit_json(listening=[]))
    sweep.run()
    said = _open(device, Alert.KIND_DEPARTURE)
    assert len(said) == 1 and "« invite » de Invite" in said[0] and "toujours actif" in said[0]
    # Removed on the workstation: the next report closes it, with the proof kept.
    ingest.store_report(device, audit_json(remove={"invite"}))
    assert _open(device, Alert.KIND_DEPARTURE) == []
    item = departure.items.get(kind="device-account")
    assert item.done_at is not None and item.how.startswith("removed — rapport du")


def test_an_unplanned_port_alerts_and_a_planned_one_does_not(world: dict[str, Any]) -> None:
    device = world["device"]
    today = timezone.localdate()
    change = firewall_changes.plan(device, "tcp", 3389, "open", "Dr Martin",
                                   "télémaintenance du logiciel", today, today,
                                   world["lead"].user)
    firewall_changes.approve(change, world["admin"].user)
    assert firewall_changes.justified_ports(device) == [
        {"proto": "tcp", "port": 3389, "reason": "télémaintenance du logiciel"}]
    ingest.store_report(device, audit_json(listening=[("tcp", 3389)]))  # baseline: none
    assert _open(device, Alert.KIND_FW_CHANGE) == []
    ingest.store_report(device, audit_json(listening=[("tcp", 3389), ("tcp", 5900)]))
    said = _open(device, Alert.KIND_FW_CHANGE)
    assert len(said) == 1 and "changement non planifié" in said[0] and "tcp/5900" in said[0]
    change.refresh_from_db()
    assert firewall_changes.status(change, today) == "running"
    # Still open after its end date: flagged.
    sweep.run(timezone.now() + timedelta(days=2))
    said = _open(device, Alert.KIND_FW_PLAN)
    assert len(said) == 1 and "resté ouvert" in said[0]


def test_an_accepted_risk_leaves_the_score_then_fails_again_at_expiry(
        world: dict[str, Any]) -> None:
    device, practice = world["device"], world["practice"]
    assert "FW-ENABLED" in device.failing
    before = device.score
    risk = exceptions_risk.request(practice, device, "FW-ENABLED", "pare-feu du routeur",
                                   "Dr Martin", timezone.localdate() + timedelta(days=30),
                                   world["lead"].user)
    with pytest.raises(exceptions_risk.RiskRefused):
        exceptions_risk.approve(risk, world["lead"].user)  # not the requester
    exceptions_risk.approve(risk, world["admin"].user)
    device.refresh_from_db()
    assert "FW-ENABLED" not in device.failing
    assert device.score is not None and before is not None and device.score >= before
    # A new report keeps it accepted.
    ingest.store_report(device, audit_json(listening=[("tcp", 22)]))
    device.refresh_from_db()
    assert "FW-ENABLED" not in device.failing
    # After the expiry the check fails again, with an alert.
    sweep.run(timezone.now() + timedelta(days=31))
    device.refresh_from_db()
    assert "FW-ENABLED" in device.failing
    said = _open(device, Alert.KIND_RISK_EXPIRED)
    assert len(said) == 1 and "a expiré" in said[0] and "FW-ENABLED" in said[0]


def test_expiry_beyond_twelve_months_is_refused(world: dict[str, Any]) -> None:
    with pytest.raises(exceptions_risk.RiskRefused) as refused:
        exceptions_risk.request(world["practice"], world["device"], "FW-ENABLED", "r", "o",
                                timezone.localdate() + timedelta(days=400), None)
    assert "12 prochains mois" in refused.value.fr


def test_renewal_reminders_name_the_password_to_change(world: dict[str, Any]) -> None:
    device = world["device"]
    due = people.reminders(world["practice"], Device.objects.filter(pk=device.pk))
    assert {"secretariat", "cabinet", "invite"} <= {r.account for r in due}
    sweep.run()
    said = _open(device, Alert.KIND_RENEWAL)
    assert any("« secretariat » est à renouveler" in s for s in said)
