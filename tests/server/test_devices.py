"""Revoke (confirmed, undone within 30 days), archive, rename; a revoked device leaves
every count, fix list and alert but its history stays readable."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dentsec.server.console.models import Alert, AuditEvent, Device

from .conftest import days_ago, login_client

pytestmark = pytest.mark.django_db


def _page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def test_revoking_asks_first_then_the_device_leaves_every_figure(
        client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    device: Device = a["device_staff"]
    login_client(client, a["lead"])
    overview = _page(client, f"/cabinet/{a['practice'].pk}/")
    assert "2 postes" in overview and "pc-a-staff" in overview
    # A GET only asks.
    confirm = _page(client, f"/poste/{device.pk}/revoquer/")
    assert 'id="confirm-revoke"' in confirm and "annuler la révocation jusqu" in confirm
    device.refresh_from_db()
    assert device.revoked_at is None
    assert client.post(f"/poste/{device.pk}/revoquer/").url == f"/poste/{device.pk}/"
    device.refresh_from_db()
    assert device.revoked_at is not None

    overview = _page(client, f"/cabinet/{a['practice'].pk}/")
    assert "1 poste" in overview and "2 postes" not in overview
    assert "pc-a-staff" not in overview  # not in the fixes
    assert "pc-a-staff" not in _page(client, "/alertes/")
    assert not [x for x in client.get("/api/v1/alerts").json()
                if x["device_id"] == device.pk]
    others = _page(client, f"/poste/{a['device_shared'].pk}/corriger/BAK-RECENT/")
    assert "pc-a-staff" not in others
    # Its page and history stay readable, with the way back.
    page = _page(client, f"/poste/{device.pk}/")
    assert 'id="revoked"' in page and 'id="undo-revoke"' in page
    assert "Historique" in page
    assert AuditEvent.objects.filter(action="device.revoke", device=device).exists()
    admin = login_client(Client(), a["admin"])
    ranked = _page(admin, "/prestataire/")
    assert "<td>1</td>" in ranked.split("Cabinet a1")[1].split("</tr>")[0]


def test_undo_within_30_days_only(client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    device: Device = a["device_staff"]
    login_client(client, a["lead"])
    client.post(f"/poste/{device.pk}/revoquer/")
    assert client.post(f"/poste/{device.pk}/retablir/").status_code == 302
    device.refresh_from_db()
    assert device.revoked_at is None
    assert "pc-a-staff" in _page(client, f"/cabinet/{a['practice'].pk}/")
    # Revoked 31 days ago: too late.
    Device.objects.filter(pk=device.pk).update(revoked_at=days_ago(31))
    assert "undo-revoke" not in _page(client, f"/poste/{device.pk}/")
    client.post(f"/poste/{device.pk}/retablir/")
    device.refresh_from_db()
    assert device.revoked_at is not None
    assert "Plus de 30 jours" in _page(client, f"/poste/{device.pk}/")
    Device.objects.filter(pk=device.pk).update(revoked_at=days_ago(29))
    device.refresh_from_db()
    assert device.can_undo_revoke


def test_archive_puts_a_revoked_device_away(client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    device: Device = a["device_staff"]
    login_client(client, a["lead"])
    client.post(f"/poste/{device.pk}/archiver/")  # not revoked: nothing happens
    device.refresh_from_db()
    assert device.archived_at is None
    client.post(f"/poste/{device.pk}/revoquer/")
    client.post(f"/poste/{device.pk}/archiver/")
    listing = _page(client, f"/cabinet/{a['practice'].pk}/postes/")
    assert "pc-a-staff" not in listing and "1 poste archivé" in listing
    assert "pc-a-staff" in _page(client, f"/cabinet/{a['practice'].pk}/postes/?archives=1")
    page = _page(client, f"/poste/{device.pk}/")
    assert "archivé" in page and "undo-revoke" not in page


def test_rename_checks_the_name(client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    device: Device = a["device_shared"]
    login_client(client, a["lead"])
    assert client.post(f"/poste/{device.pk}/renommer/",
                       {"name": "accueil\nBcc: x@example.invalid"}).status_code == 200
    device.refresh_from_db()
    assert device.name == "pc-a-shared"
    assert client.post(f"/poste/{device.pk}/renommer/",
                       {"name": " Poste de l'accueil "}).status_code == 302
    device.refresh_from_db()
    assert device.name == "Poste de l'accueil"
    assert AuditEvent.objects.filter(action="device.rename").exists()


def test_staff_cannot_manage_devices(client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    device: Device = a["device_staff"]
    login_client(client, a["staff"])
    for route in ("revoquer", "retablir", "archiver", "renommer"):
        assert client.post(f"/poste/{device.pk}/{route}/").status_code == 404
    device.refresh_from_db()
    assert device.revoked_at is None


def test_the_open_alert_count_is_not_capped(client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    device = a["device_shared"]
    for i in range(12):
        Alert.objects.create(practice=a["practice"], device=device, kind=Alert.KIND_CRITICAL,
                             key=f"X-{i}@2026-12-01")
    login_client(client, a["lead"])
    expected = Alert.objects.filter(practice=a["practice"], resolved_at=None).count()
    assert expected > 12
    assert f"{expected} alertes" in _page(client, f"/cabinet/{a['practice'].pk}/")
