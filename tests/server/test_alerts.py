"""Alerts, and the digests a real SMTP server on 127.0.0.1 receives (tests/server/smtp.py)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from dentsec.server.console import alerts, digest, ingest, sweep
from dentsec.server.console.models import Alert, Device, Practice

from .conftest import days_ago, load_report, login_client, report_bytes
from .smtp import SmtpServer

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://127\.0\.0\.1:8000(/\S+)")


def test_first_report_raises_one_backup_and_one_end_of_support_alert(
        tenants: dict[str, Any]) -> None:
    device = tenants["a"]["device_staff"]
    kinds = sorted(Alert.objects.filter(device=device).values_list("kind", flat=True))
    # BAK-RECENT and UPD-OS-SUPPORTED fail (both critical): each is said once, by the backup
    # and the end-of-support alerts, not a second time as a "new critical problem".
    assert kinds == [Alert.KIND_BACKUP, Alert.KIND_OS_EOL]


def test_one_digest_per_recipient_with_practice_count_titles_and_links(
        tenants: dict[str, Any], smtp: SmtpServer, client: Client) -> None:
    sent = digest.send_digests()
    messages = smtp.wait_for(4)
    assert sent == len(messages) == 4  # admin and lead of each provider
    for message in messages:
        assert len(message.envelope_to) == 1  # nobody sees the colleagues' addresses
        assert message.message["To"] == message.envelope_to[0]
    lead = smtp.to("lead_a@example.invalid")
    assert len(lead) == 1
    assert lead[0].subject == "[dentsec] Cabinet a1 : 4 alertes"
    body = lead[0].body
    assert "pc-a-staff : la sauvegarde est en retard — « La dernière sauvegarde est " \
           "récente » (BAK-RECENT)." in body
    assert "le système n'est plus mis à jour par son éditeur depuis le 14/10/2025" in body
    assert "pc-a-other-practice" not in body and "pc-b-" not in body
    admin = smtp.to("admin_a@example.invalid")
    assert admin[0].subject == "[dentsec] Cabinet a1 et 1 autre cabinet : 6 alertes"
    # The links lead to the pages: the fix page of the check for that very device.
    staff_device = tenants["a"]["device_staff"]
    links = LINK.findall(body)
    assert f"/poste/{staff_device.pk}/corriger/BAK-RECENT/" in links
    login_client(client, tenants["a"]["lead"])
    for path in links:
        assert client.get(path).status_code == 200, path
    # Sent once: the next sweep has nothing new to say.
    assert digest.send_digests() == 0


def test_header_injection_in_a_practice_name_stays_in_the_subject(
        tenants: dict[str, Any], smtp: SmtpServer) -> None:
    Practice.objects.filter(pk=tenants["a"]["practice"].pk).update(
        name="Cabinet\r\nBcc: victim@example.invalid")
    digest.send_digests()
    lead = smtp.wait_for(4) and smtp.to("lead_a@example.invalid")
    assert lead[0].subject == "[dentsec] Cabinet Bcc: victim@example.invalid : 4 alertes"
    assert lead[0].message["Bcc"] is None
    assert all("victim@example.invalid" not in m.envelope_to for m in smtp.messages)


def test_a_refused_recipient_does_not_stop_the_others_and_is_retried(
        tenants: dict[str, Any], smtp: SmtpServer) -> None:
    smtp.refuse.add("admin_b@example.invalid")
    assert digest.send_digests() == 3
    assert {m.envelope_to[0] for m in smtp.wait_for(3)} == {
        "admin_a@example.invalid", "lead_a@example.invalid", "lead_b@example.invalid"}
    smtp.refuse.clear()
    assert digest.send_digests() == 2  # provider b's alerts were not marked as sent
    assert {m.envelope_to[0] for m in smtp.wait_for(5)[3:]} == {
        "admin_b@example.invalid", "lead_b@example.invalid"}


def test_the_same_problems_are_not_mailed_again(tenants: dict[str, Any],
                                                smtp: SmtpServer) -> None:
    device = tenants["a"]["device_shared"]
    digest.send_digests()
    before = Alert.objects.count()
    ingest.store_report(device, report_bytes(at=days_ago(0)))
    assert Alert.objects.count() == before
    assert digest.send_digests() == 0


def test_fixed_problems_close_their_alerts(tenants: dict[str, Any]) -> None:
    device = tenants["a"]["device_shared"]
    ingest.store_report(device, report_bytes("report-linux.json", at=days_ago(0)))
    assert not Alert.objects.filter(device=device, resolved_at=None).exists()


def test_a_new_critical_finding_is_in_the_next_digest(tenants: dict[str, Any],
                                                      smtp: SmtpServer) -> None:
    device = tenants["a"]["device_shared"]
    data = load_report("report-linux.json")
    ingest.store_report(device, json.dumps(data).encode())
    digest.send_digests()
    smtp.messages.clear()
    for finding in data["findings"]:
        if finding["id"] == "FW-ENABLED":
            finding["status"] = "fail"
    ingest.store_report(device, json.dumps(data).encode())
    assert digest.send_digests() == 2  # admin_a and lead_a
    body = smtp.wait_for(2)[0].body
    assert ("pc-a-shared : nouveau problème critique à corriger — « Le pare-feu du poste "
            "est actif et bloque les connexions entrantes » (FW-ENABLED).") in body
    assert f"/poste/{device.pk}/corriger/FW-ENABLED/" in body


def test_silent_agent_after_the_configured_days_with_its_last_contact(
        tenants: dict[str, Any], smtp: SmtpServer, settings: Any) -> None:
    settings.SILENT_AFTER_DAYS = 3
    device = tenants["b"]["device_other"]
    last = timezone.now() - timedelta(days=4)
    Device.objects.filter(pk=device.pk).update(last_seen=last)
    digest.send_digests()
    smtp.messages.clear()
    done = sweep.run()
    assert done.new_alerts == 1 and done.digests == 1  # admin_b (lead_b leads practice b1)
    assert sweep.run().new_alerts == 0  # once
    body = smtp.wait_for(1)[0].body
    when = timezone.localtime(last).strftime("%d/%m/%Y %H:%M")
    assert (f"pc-b-other-practice n'a rien envoyé depuis plus de 3 jours (dernier "
            f"contact : {when}).") in body
    # Two days of silence is not enough.
    Device.objects.filter(pk=tenants["b"]["device_shared"].pk).update(
        last_seen=timezone.now() - timedelta(days=2))
    assert alerts.sweep() == []
    # The device speaks again: the alert is resolved.
    ingest.store_report(Device.objects.get(pk=device.pk), report_bytes(at=days_ago(0)))
    assert Alert.objects.get(device=device, kind=Alert.KIND_SILENT).resolved_at is not None


def test_a_revoked_device_is_in_no_digest(tenants: dict[str, Any], smtp: SmtpServer) -> None:
    Device.objects.filter(practice__provider=tenants["b"]["admin"].provider).update(
        revoked_at=timezone.now())
    digest.send_digests()
    assert {m.envelope_to[0] for m in smtp.wait_for(2)} == {
        "admin_a@example.invalid", "lead_a@example.invalid"}


def test_a_line_break_in_a_device_name_blocks_no_one(client: Client, tenants: dict[str, Any],
                                                     smtp: SmtpServer) -> None:
    """A name stored before names were checked: its line goes out clean, and every other
    tenant's digest still goes out."""
    a, b = tenants["a"], tenants["b"]
    Device.objects.filter(pk=a["device_staff"].pk).update(
        name="pc-a\r\nBcc: victim@example.invalid\nX-Evil: 1")
    assert digest.send_digests() == 4
    assert not Alert.objects.filter(emailed_at=None).exists()
    lead = smtp.wait_for(4) and smtp.to("lead_a@example.invalid")[0]
    assert "  • pc-a Bcc: victim@example.invalid X-Evil: 1 : la sauvegarde" in lead.body
    for message in smtp.messages:
        assert "victim@example.invalid" not in message.envelope_to
        assert message.message["X-Evil"] is None and message.message["Bcc"] is None
    assert smtp.to("admin_b@example.invalid")  # the other tenant is not held up
    # That device's next upload is stored (no HTML 500).
    response = client.post("/api/v1/agent/reports", report_bytes(at=days_ago(0)),
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {a['credential']}")
    assert response.status_code == 201
    assert b["device_staff"].alerts.exists()


def test_an_unreachable_mail_server_fails_no_upload_and_loses_no_alert(
        tenants: dict[str, Any], settings: Any, smtp: SmtpServer) -> None:
    port = smtp.port
    settings.EMAIL_PORT = 9  # discard: nothing listens
    device = tenants["a"]["device_shared"]
    data = load_report("report-linux.json")
    data["generated_at"] = days_ago(0).isoformat()
    for finding in data["findings"]:
        if finding["id"] == "FW-ENABLED":
            finding["status"] = "fail"
    ingest.store_report(device, json.dumps(data).encode())
    assert digest.send_digests() == 0
    alert = Alert.objects.get(device=device, kind=Alert.KIND_CRITICAL, resolved_at=None)
    assert alert.emailed_at is None  # kept for the next sweep
    settings.EMAIL_PORT = port
    assert digest.send_digests() == 4


def test_a_revoked_device_raises_nothing_in_the_sweep(tenants: dict[str, Any],
                                                      smtp: SmtpServer) -> None:
    device = tenants["b"]["device_other"]
    Device.objects.filter(pk=device.pk).update(revoked_at=days_ago(0),
                                               last_seen=days_ago(8))
    assert sweep.run().new_alerts == 0
    assert not [m for m in smtp.wait_for(4) if "pc-b-other" in m.body]
    assert Alert.objects.filter(device=device, emailed_at=None).exists()


# --- handling by people: acknowledge, snooze, close; counts that are true ---------------------

def _many_alerts(device: Device, count: int) -> None:
    for n in range(count):
        Alert.objects.create(practice_id=device.practice_id, device=device,
                             kind=Alert.KIND_CRITICAL, key=f"FW-ENABLED@2026-01-{n + 1:02d}")


def test_the_alert_list_counts_everything_and_filters(client: Client,
                                                      tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    _many_alerts(a["device_shared"], 14)
    login_client(client, a["lead"])
    page = client.get("/alertes/").content.decode()
    # 2 alerts for each of the practice's two devices, plus the 14: no cap at 10.
    assert '<b data-state="ouvertes">18</b>' in page
    assert "pc-b-" not in page
    only = client.get("/alertes/?type=backup-overdue").content.decode()
    assert '<b data-state="ouvertes">2</b>' in only
    practice_page = client.get(f"/cabinet/{a['practice'].pk}/").content.decode()
    assert "18 alertes ouvertes" in practice_page


def test_acknowledge_snooze_close_and_reopen(client: Client, tenants: dict[str, Any],
                                             smtp: SmtpServer) -> None:
    a = tenants["a"]
    login_client(client, a["lead"])
    backup = Alert.objects.get(device=a["device_staff"], kind=Alert.KIND_BACKUP)
    eol = Alert.objects.get(device=a["device_staff"], kind=Alert.KIND_OS_EOL)
    assert client.post(f"/alerte/{backup.pk}/acquitter/").status_code == 302
    assert client.post(f"/alerte/{eol.pk}/reporter/", {"jours": "7"}).status_code == 302
    counts = client.get("/alertes/?etat=toutes").content.decode()
    assert '<b data-state="acquittees">1</b>' in counts
    assert '<b data-state="reportees">1</b>' in counts
    assert '<b data-state="ouvertes">2</b>' in counts
    # Neither is mailed while acknowledged or snoozed ...
    digest.send_digests()
    assert "pc-a-staff" not in smtp.wait_for(4)[0].body + smtp.to(
        "lead_a@example.invalid")[0].body
    # ... and the snoozed one comes back in the first digest after its snooze.
    smtp.messages.clear()
    assert digest.send_digests(timezone.now() + timedelta(days=8)) == 2
    assert "pc-a-staff : le système n'est plus mis à jour" in smtp.wait_for(2)[0].body
    client.post(f"/alerte/{backup.pk}/fermer/")
    backup.refresh_from_db()
    assert backup.resolved_at is not None and backup.handled_by == a["lead"].user
    assert '<b data-state="fermees">1</b>' in client.get("/alertes/?etat=fermees").content.decode()
    client.post(f"/alerte/{backup.pk}/rouvrir/")
    backup.refresh_from_db()
    assert backup.resolved_at is None and backup.acknowledged_at is None
    assert client.post(f"/alerte/{backup.pk}/supprimer/").status_code == 404


def test_staff_see_their_alerts_but_do_not_handle_them(client: Client,
                                                       tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    login_client(client, a["staff"])
    page = client.get("/alertes/").content.decode()
    assert "pc-a-staff" in page and "pc-a-shared" not in page and "Acquitter" not in page
    alert = Alert.objects.filter(device=a["device_staff"]).first()
    assert alert is not None
    assert client.post(f"/alerte/{alert.pk}/acquitter/").status_code == 404


def test_the_alert_list_pages_by_fifty(client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    _many_alerts(a["device_shared"], 56)  # and the practice's 4: 60 open
    login_client(client, a["lead"])
    first = client.get("/alertes/").content.decode()
    assert '<b data-state="ouvertes">60</b>' in first and "1 / 2" in first
    assert first.count('<tr id="alert-') == 50
    second = client.get("/alertes/?etat=ouvertes&page=2").content.decode()
    assert second.count('<tr id="alert-') == 10 and "2 / 2" in second
