"""Fixes asked from the console (issue 16): a manager asks, the device's agent fetches,
the next report answers. Django's test client against the real database; the agent side
(and the whole round trip with a live console) is in tests/fix/test_console_requests.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from dentsec.server.console.fix_request_models import FixRequest
from dentsec.server.console.models import AuditEvent, Device

from .conftest import days_ago, login_client, report_bytes

pytestmark = pytest.mark.django_db

CHECK = "PWD-MIN-LENGTH"  # failing in both fixture reports; a fix on Linux and Windows


def _agent(client: Client, credential: str, **changes: Any) -> Any:
    """The device's agent uploading a report (python agent: /agent/reports)."""
    body = report_bytes("report-linux.json", at=changes.pop("at", days_ago(0)), **changes)
    response = client.post("/api/v1/agent/reports", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {credential}")
    assert response.status_code == 201, response.content
    return response


def _fetch(client: Client, credential: str) -> Any:
    return client.get("/api/v1/agent/fix-requests", HTTP_AUTHORIZATION=f"Bearer {credential}")


def _linux_device(client: Client, tenants: dict[str, Any]) -> Device:
    a = tenants["a"]
    _agent(client, a["credential"])
    device: Device = Device.objects.get(pk=a["device_staff"].pk)
    assert (device.os_family, device.agent_kind) == ("linux", "python")
    return device


def _ask(client: Client, device: Device, check: str = CHECK) -> Any:
    return client.post(f"/poste/{device.pk}/corriger/{check}/demander/", follow=True)


def _asked(client: Client, tenants: dict[str, Any]) -> tuple[Device, FixRequest]:
    """The Linux device, and the request its practice lead asked for it (signed in)."""
    device = _linux_device(client, tenants)
    login_client(client, tenants["a"]["lead"])
    _ask(client, device)
    return device, FixRequest.objects.get()


def _run(made: FixRequest, run_status: str, **changes: Any) -> dict[str, Any]:
    """A fix run as dentsec fix --requests records it (fix/upload.py's fields)."""
    return {"id": "20261201T100000Z-linux-pwquality", "fix": "linux-pwquality",
            "check": made.check_id, "status": run_status, "verdict_before": "fail",
            "verdict_after": "pass" if run_status == "applied" else "fail",
            "started_at": "2026-12-01T10:00:00+00:00",
            "finished_at": "2026-12-01T10:00:04+00:00", "undone_at": None, "who": "dr-martin",
            "message": "PWD-MIN-LENGTH est maintenant réussi.", "request": made.pk,
            **changes}


def test_a_manager_asks_and_the_page_tells_the_state(client: Client,
                                                     tenants: dict[str, Any]) -> None:
    device = _linux_device(client, tenants)
    login_client(client, tenants["a"]["lead"])
    page = client.get(f"/poste/{device.pk}/corriger/{CHECK}/").content.decode()
    assert 'id="ask-fix"' in page and "linux-pwquality" in page
    assert "dentsec fix --requests" in page
    done = _ask(client, device).content.decode()
    made = FixRequest.objects.get(device=device)
    assert (made.check_id, made.fix_name, made.status) == (CHECK, "linux-pwquality", "pending")
    assert made.requested_by_name == "lead_a"
    assert timedelta(days=13) < made.expires_at - timezone.now() <= timedelta(days=14)
    assert "demandée, pas encore reçue par le poste" in done and "Annuler la demande" in done
    assert 'id="ask-fix"' not in done and "déjà en cours" in done
    assert AuditEvent.objects.filter(action="fix-request.create", device=device,
                                     target=f"{CHECK} #{made.pk}").exists()
    # A second click (a stale page) makes no second request.
    again = _ask(client, device).content.decode()
    assert FixRequest.objects.filter(device=device).count() == 1
    assert "déjà en cours" in again
    # The device page lists it too.
    device_page = client.get(f"/poste/{device.pk}/").content.decode()
    assert "Corrections demandées depuis la console" in device_page
    assert f"/poste/{device.pk}/corriger/{CHECK}/" in device_page
    client.cookies["django_language"] = "en"
    english = client.get(f"/poste/{device.pk}/corriger/{CHECK}/").content.decode()
    assert "requested, not yet received by the workstation" in english
    assert "Cancel the request" in english


def test_staff_see_the_state_but_cannot_ask_nor_cancel(client: Client,
                                                       tenants: dict[str, Any]) -> None:
    device = _linux_device(client, tenants)
    login_client(client, tenants["a"]["staff"])  # the device's owner
    page = client.get(f"/poste/{device.pk}/corriger/{CHECK}/")
    assert page.status_code == 200 and b'id="ask-fix"' not in page.content
    assert client.post(f"/poste/{device.pk}/corriger/{CHECK}/demander/").status_code == 404
    assert not FixRequest.objects.exists()
    login_client(client, tenants["a"]["admin"])
    _ask(client, device)
    made = FixRequest.objects.get()
    login_client(client, tenants["a"]["staff"])
    shown = client.get(f"/poste/{device.pk}/corriger/{CHECK}/").content.decode()
    assert "demandée, pas encore reçue par le poste" in shown and "Annuler la demande" not in shown
    assert client.post(f"/demande-correctif/{made.pk}/annuler/").status_code == 404
    made.refresh_from_db()
    assert made.status == "pending"


def test_only_the_command_for_agents_without_dentsec(client: Client,
                                                     tenants: dict[str, Any]) -> None:
    device = _linux_device(client, tenants)
    Device.objects.filter(pk=device.pk).update(agent_kind="shell")
    login_client(client, tenants["a"]["lead"])
    page = client.get(f"/poste/{device.pk}/corriger/{CHECK}/").content.decode()
    assert 'id="ask-fix"' not in page
    assert "seule la commande peut être copiée" in page
    assert 'id="fix-command"' in page  # the command is still there to copy
    _ask(client, device)
    assert not FixRequest.objects.exists()


def test_no_fix_in_the_catalog_is_said(client: Client, tenants: dict[str, Any]) -> None:
    device = _linux_device(client, tenants)
    login_client(client, tenants["a"]["lead"])
    data = device.current_report.data
    for finding in data["findings"]:
        if finding["id"] == "BAK-RECENT":
            finding["status"] = "fail"  # no dentsec fix makes backups
    _agent(client, tenants["a"]["credential"], findings=data["findings"],
           at=days_ago(0) + timedelta(seconds=1))
    page = client.get(f"/poste/{device.pk}/corriger/BAK-RECENT/").content.decode()
    assert "Aucun correctif dentsec pour ce contrôle sur ce système." in page
    assert 'id="ask-fix"' not in page
    _ask(client, device, "BAK-RECENT")
    assert not FixRequest.objects.exists()


def test_the_agent_fetches_then_the_report_answers(client: Client,
                                                   tenants: dict[str, Any]) -> None:
    a, b = tenants["a"], tenants["b"]
    device, made = _asked(client, tenants)
    client.logout()
    sent = _fetch(client, a["credential"]).json()
    assert sent["withdrawn"] == []
    assert [(r["id"], r["check"], r["fix"], r["requested_by"]) for r in sent["requests"]] == [
        (made.pk, CHECK, "linux-pwquality", "lead_a")]
    made.refresh_from_db()
    assert made.status == "delivered" and made.delivered_at is not None
    assert AuditEvent.objects.filter(action="fix-request.deliver", device=device).count() == 1
    _fetch(client, a["credential"])  # fetched again (a second run): still delivered, one event
    assert AuditEvent.objects.filter(action="fix-request.deliver", device=device).count() == 1
    # Another tenant's device never gets it, and cannot answer it.
    assert _fetch(client, b["credential"]).json()["requests"] == []
    body = report_bytes(at=days_ago(0), fix_history=[_run(made, "applied")])
    assert client.post("/api/v1/agent/reports", body, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {b['credential']}").status_code == 201
    made.refresh_from_db()
    assert made.status == "delivered"
    # The wrong check for this request id answers nothing either.
    _agent(client, a["credential"], at=days_ago(0) + timedelta(seconds=1),
           fix_history=[_run(made, "applied", check="FW-ENABLED")])
    made.refresh_from_db()
    assert made.status == "delivered"
    _agent(client, a["credential"], at=days_ago(0) + timedelta(seconds=2),
           fix_history=[_run(made, "applied")])
    made.refresh_from_db()
    assert (made.status, made.verdict, made.history_id) == (
        "applied", "pass", "20261201T100000Z-linux-pwquality")
    assert made.detail == "PWD-MIN-LENGTH est maintenant réussi."
    login_client(client, a["lead"])
    page = client.get(f"/poste/{device.pk}/corriger/{CHECK}/").content.decode()
    assert "<b class=\"request-status\">appliquée</b>" in page
    assert 'class="request-verdict">conforme' in page
    # Answered: the page offers a new request again, and the agent gets nothing more.
    assert 'id="ask-fix"' in page
    client.logout()
    assert _fetch(client, a["credential"]).json() == {"requests": [], "withdrawn": []}


@pytest.mark.parametrize(("run_status", "request_status"), [
    ("refused", "refused"), ("rolled-back", "failed"), ("failed", "failed"),
    ("not-started", "failed")])
def test_refusals_and_failures_come_back(client: Client, tenants: dict[str, Any],
                                         run_status: str, request_status: str) -> None:
    device, made = _asked(client, tenants)
    _agent(client, tenants["a"]["credential"], at=days_ago(0) + timedelta(seconds=1),
           fix_history=[_run(made, run_status, message="Refusé au poste par dr-martin : rien "
                                                       "n'a été modifié.")])
    made.refresh_from_db()
    assert made.status == request_status
    assert made.detail.startswith("Refusé au poste")
    page = client.get(f"/poste/{device.pk}/").content.decode()
    assert made.status_word in page and "Refusé au poste par dr-martin" in page


def test_cancel_and_expiry_withdraw_a_delivered_request(client: Client,
                                                        tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    device, made = _asked(client, tenants)
    _fetch(client, a["credential"])
    page = client.post(f"/demande-correctif/{made.pk}/annuler/", follow=True).content.decode()
    made.refresh_from_db()
    assert made.status == "cancelled" and "Demande de correction annulée." in page
    assert AuditEvent.objects.filter(action="fix-request.cancel", device=device).exists()
    again = client.post(f"/demande-correctif/{made.pk}/annuler/", follow=True).content.decode()
    assert "plus en cours" in again
    assert _fetch(client, a["credential"]).json() == {"requests": [], "withdrawn": [made.pk]}
    # An answer arriving after the cancellation changes nothing.
    _agent(client, a["credential"], at=days_ago(0) + timedelta(seconds=1),
           fix_history=[_run(made, "applied")])
    made.refresh_from_db()
    assert made.status == "cancelled"
    # Expiry: a new request past its time is expired, and withdrawn from the workstation.
    _ask(client, device)
    second = FixRequest.objects.exclude(pk=made.pk).get()
    _fetch(client, a["credential"])
    FixRequest.objects.filter(pk=second.pk).update(expires_at=timezone.now() - timedelta(1))
    page = client.get(f"/poste/{device.pk}/corriger/{CHECK}/").content.decode()
    second.refresh_from_db()
    assert second.status == "expired" and "expirée" in page
    assert set(_fetch(client, a["credential"]).json()["withdrawn"]) == {made.pk, second.pk}


def test_a_revoked_device_gets_403_and_no_offer(client: Client,
                                                tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    device = _linux_device(client, tenants)
    Device.objects.filter(pk=device.pk).update(revoked_at=timezone.now())
    response = _fetch(client, a["credential"])
    assert response.status_code == 403 and response.json()["code"] == "device-revoked"
    login_client(client, a["lead"])
    page = client.get(f"/poste/{device.pk}/corriger/{CHECK}/").content.decode()
    assert "révoqué" in page and 'id="ask-fix"' not in page


def test_hostile_history_fields_are_refused_or_bounded(client: Client,
                                                       tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    device, made = _asked(client, tenants)
    for bad in ({"request": "1"}, {"request": 0}, {"request": 2**60}, {"request": True},
                {"message": "x" * 1001}, {"status": "applied-by-magic"}):
        body = report_bytes("report-linux.json", at=days_ago(0),
                            fix_history=[_run(made, "applied", **bad)])
        response = client.post("/api/v1/agent/reports", body, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {a['credential']}")
        assert response.status_code == 422, bad
    made.refresh_from_db()
    assert made.status == "pending"
    # Markup in the message is shown as text.
    _agent(client, a["credential"], at=days_ago(0) + timedelta(seconds=3),
           fix_history=[_run(made, "failed", message="<script>alert(1)</script>")])
    page = client.get(f"/poste/{device.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_the_hourly_sweep_expires_open_requests(client: Client, tenants: dict[str, Any],
                                                smtp: Any) -> None:
    from dentsec.server.console import sweep

    _, made = _asked(client, tenants)
    sweep.run(made.expires_at - timedelta(seconds=1))
    made.refresh_from_db()
    assert made.status == "pending"
    sweep.run(made.expires_at + timedelta(seconds=1))
    made.refresh_from_db()
    assert made.status == "expired" and made.closed_at is not None


def test_a_passing_check_is_not_asked_for(client: Client, tenants: dict[str, Any]) -> None:
    device = _linux_device(client, tenants)
    login_client(client, tenants["a"]["lead"])
    status = next(f["status"] for f in device.current_report.findings
                  if f["id"] == "PWD-LOCKOUT")
    assert status == "pass"  # in the fixture; linux-faillock would fix it
    page = client.get(f"/poste/{device.pk}/corriger/PWD-LOCKOUT/").content.decode()
    assert "Ce contrôle n'est pas à corriger sur ce poste." in page
    assert client.post(f"/poste/{device.pk}/corriger/PWD-LOCKOUT/demander/").status_code == 404
    assert not FixRequest.objects.exists()


def test_a_windows_device_with_the_dentsec_agent_is_offered_its_script_fix(
        client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    body = report_bytes(at=days_ago(0))  # the Windows fixture: FW-SMB1 fails
    assert client.post("/api/v1/agent/reports", body, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {a['credential']}").status_code == 201
    device = Device.objects.get(pk=a["device_staff"].pk)
    login_client(client, a["lead"])
    page = client.get(f"/poste/{device.pk}/corriger/FW-SMB1/").content.decode()
    assert "windows-smb1-off" in page and 'id="ask-fix"' in page
    _ask(client, device, "FW-SMB1")
    assert FixRequest.objects.get().fix_name == "windows-smb1-off"
