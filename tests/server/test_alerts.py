"""Alerts by e-mail (Django's locmem backend in tests)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail

from dentsec.server.console import alerts, ingest
from dentsec.server.console.models import Alert, Device

from .conftest import days_ago, load_report, report_bytes
from .smtp import SmtpServer

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


def test_a_line_break_in_a_device_name_blocks_no_one(client: Any, tenants: dict[str, Any],
                                                     smtp: SmtpServer) -> None:
    """A name stored before names were checked: its alert goes out with a clean Subject,
    and every other tenant's alerts still go out."""
    a, b = tenants["a"], tenants["b"]
    Alert.objects.update(emailed_at=None)
    Device.objects.filter(pk=a["device_staff"].pk).update(
        name="pc-a\r\nBcc: victim@example.invalid\nX-Evil: 1")
    alerts.sweep()
    received = smtp.wait_for(Alert.objects.count())
    assert not Alert.objects.filter(emailed_at=None).exists()
    subjects = [m.subject for m in received]
    assert any("pc-a Bcc: victim@example.invalid X-Evil: 1" in s for s in subjects)
    for message in received:
        assert "victim@example.invalid" not in message.envelope_to
        assert message.message["X-Evil"] is None and message.message["Bcc"] is None
    assert smtp.to("admin_b@example.invalid")  # the other tenant is not held up
    # That device's next upload is stored (no HTML 500).
    response = client.post("/api/v1/agent/reports", report_bytes(at=days_ago(0)),
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {a['credential']}")
    assert response.status_code == 201
    assert b["device_staff"].alerts.exists()


def test_a_refused_alert_is_retried_and_blocks_nothing(tenants: dict[str, Any],
                                                       smtp: SmtpServer,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    Alert.objects.update(emailed_at=None)
    # Provider a's only recipients refuse mail: its alerts fail, b's go out.
    smtp.refuse = {"admin_a@example.invalid", "lead_a@example.invalid"}
    alerts.sweep()
    pending = set(Alert.objects.filter(emailed_at=None).values_list("practice__provider__name",
                                                                     flat=True))
    assert pending == {"Provider a"}
    assert smtp.to("admin_b@example.invalid")
    assert not smtp.to("admin_a@example.invalid")
    assert "retried at the next sweep" in caplog.text
    # The mail server accepts them again: the next sweep sends what was left.
    smtp.refuse = set()
    alerts.sweep()
    assert not Alert.objects.filter(emailed_at=None).exists()
    assert smtp.to("admin_a@example.invalid")


def test_an_unreachable_mail_server_fails_no_upload(client: Any, tenants: dict[str, Any],
                                                    settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # discard: nothing listens
    device = tenants["a"]["device_shared"]
    data = load_report("report-linux.json")
    data["generated_at"] = days_ago(0).isoformat()
    for finding in data["findings"]:
        if finding["id"] == "FW-ENABLED":
            finding["status"] = "fail"
    ingest.store_report(device, json.dumps(data).encode())
    alert = Alert.objects.get(device=device, kind=Alert.KIND_CRITICAL, resolved_at=None)
    assert alert.emailed_at is None  # kept for the sweep


def test_a_revoked_device_raises_and_sends_nothing(tenants: dict[str, Any],
                                                   smtp: SmtpServer) -> None:
    device = tenants["b"]["device_other"]
    Alert.objects.update(emailed_at=None)
    Device.objects.filter(pk=device.pk).update(revoked_at=days_ago(0),
                                               last_seen=days_ago(8))
    created = alerts.sweep()
    assert device.pk not in {a.device_id for a in created}
    assert not [m for m in smtp.wait_for(1) if "pc-b-other" in m.subject]
    assert Alert.objects.filter(device=device, emailed_at=None).exists()
