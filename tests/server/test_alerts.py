"""Alerts by e-mail (Django's locmem backend in tests)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail

from dentsec.server.console import alerts, ingest
from dentsec.server.console.models import Alert, Device

from .conftest import days_ago, load_report, report_bytes

pytestmark = pytest.mark.django_db


def test_first_report_raises_critical_backup_and_eol_alerts(tenants: dict[str, Any]) -> None:
    device = tenants["a"]["device_staff"]
    kinds = set(Alert.objects.filter(device=device).values_list("kind", flat=True))
    assert kinds == {Alert.KIND_CRITICAL, Alert.KIND_BACKUP, Alert.KIND_OS_EOL}
    to = {address for message in mail.outbox for address in message.to}
    assert {"admin_a@example.invalid", "lead_a@example.invalid"} <= to
    assert "admin_b@example.invalid" not in {
        a for m in mail.outbox if "pc-a-" in m.subject for a in m.to}


def test_the_same_problems_are_not_mailed_again(tenants: dict[str, Any]) -> None:
    device = tenants["a"]["device_shared"]
    before = Alert.objects.count()
    mail.outbox.clear()
    ingest.store_report(device, report_bytes(at=days_ago(0)))
    ingest.store_report(device, report_bytes(at=days_ago(-1)))
    assert Alert.objects.count() == before
    assert mail.outbox == []


def test_fixed_problems_close_their_alerts(tenants: dict[str, Any]) -> None:
    device = tenants["a"]["device_shared"]
    ingest.store_report(device, report_bytes("report-linux.json", at=days_ago(0)))
    assert not Alert.objects.filter(device=device, resolved_at=None).exists()


def test_a_new_critical_finding_alerts(tenants: dict[str, Any]) -> None:
    device = tenants["a"]["device_shared"]
    data = load_report("report-linux.json")
    data["generated_at"] = days_ago(2).isoformat()
    ingest.store_report(device, json.dumps(data).encode())
    mail.outbox.clear()
    data = load_report("report-linux.json")
    data["generated_at"] = days_ago(1).isoformat()
    for finding in data["findings"]:
        if finding["id"] == "FW-ENABLED":
            finding["status"] = "fail"
    ingest.store_report(device, json.dumps(data).encode())
    assert len(mail.outbox) == 1
    assert "FW-ENABLED" in mail.outbox[0].subject


def test_silent_devices_are_found_by_the_sweep(tenants: dict[str, Any]) -> None:
    device = tenants["b"]["device_other"]
    Device.objects.filter(pk=device.pk).update(last_seen=days_ago(8))
    mail.outbox.clear()
    created = alerts.sweep()
    assert [a.device_id for a in created] == [device.pk]
    assert alerts.sweep() == []  # once
    assert any("7 jours" in m.subject for m in mail.outbox)
    # The device speaks again: the alert is resolved.
    ingest.store_report(Device.objects.get(pk=device.pk), report_bytes(at=days_ago(0)))
    assert Alert.objects.get(device=device, kind=Alert.KIND_SILENT).resolved_at is not None
