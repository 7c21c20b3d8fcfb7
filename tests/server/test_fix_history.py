"""The fix history the agent uploads with a report, shown on the console's device page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from .conftest import days_ago, login_client, report_bytes

pytestmark = pytest.mark.django_db

RUNS = [
    {"id": "20261201T080000Z-windows-rdp-off", "fix": "windows-rdp-off",
     "check": "FW-REMOTE-DESKTOP", "status": "rolled-back", "verdict_before": "fail",
     "verdict_after": "fail", "started_at": "2026-12-01T08:00:00+00:00",
     "finished_at": "2026-12-01T08:00:09+00:00", "undone_at": None, "who": "cabinet",
     "message": "Après correction, FW-REMOTE-DESKTOP n'est toujours pas réussi. L'état "
                "précédent a été rétabli."},
    {"id": "20261201T090000Z-windows-firewall-profiles", "fix": "windows-firewall-profiles",
     "check": "FW-ENABLED", "status": "applied", "verdict_before": "fail",
     "verdict_after": "pass", "started_at": "2026-12-01T09:00:00+00:00",
     "finished_at": "2026-12-01T09:00:05+00:00", "undone_at": None, "who": "prestataire",
     "message": "FW-ENABLED est maintenant réussi."},
]


def _upload(client: Client, credential: str, body: bytes) -> int:
    response = client.post("/api/v1/agent/reports", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {credential}")
    return response.status_code


def test_device_page_shows_the_fixes_run_there(client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    assert _upload(client, a["credential"], report_bytes(at=days_ago(0), fix_history=RUNS)) == 201
    login_client(client, a["lead"])
    page = client.get(f"/poste/{a['device_staff'].pk}/").content.decode()
    assert "Correctifs lancés sur ce poste" in page
    newest, oldest = page.index("windows-firewall-profiles"), page.index("windows-rdp-off")
    assert newest < oldest  # newest first
    assert "appliqué" in page and "à corriger → conforme" in page
    assert "annulé car non réussi" in page and "prestataire" in page
    client.cookies["django_language"] = "en"
    english = client.get(f"/poste/{a['device_staff'].pk}/").content.decode()
    assert "Fixes run on this workstation" in english and "rolled back" in english


def test_no_history_no_section(client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    login_client(client, a["lead"])
    page = client.get(f"/poste/{a['device_staff'].pk}/").content.decode()
    assert "Correctifs lancés sur ce poste" not in page


def test_a_malformed_history_is_refused(client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    bad = [dict(RUNS[0], script="<script>")]  # an unknown key
    assert _upload(client, a["credential"], report_bytes(at=days_ago(0), fix_history=bad)) == 422
    wrong = [dict(RUNS[0], check="<b>x</b>")]
    assert _upload(client, a["credential"], report_bytes(at=days_ago(0), fix_history=wrong)) == 422


def test_another_tenant_never_sees_the_history(client: Client, tenants: dict[str, Any]) -> None:
    a, b = tenants["a"], tenants["b"]
    assert _upload(client, a["credential"], report_bytes(at=days_ago(0), fix_history=RUNS)) == 201
    login_client(client, b["admin"])
    response = client.get(f"/poste/{a['device_staff'].pk}/")
    assert response.status_code in (403, 404)
    assert b"windows-firewall-profiles" not in response.content


def test_fix_page_gives_the_guided_command(client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    login_client(client, a["lead"])
    device = a["device_staff"]  # the Windows fixture report
    page = client.get(f"/poste/{device.pk}/corriger/FW-SMB1/").content.decode()
    assert "Correction guidée" in page and "PowerShell lancé en administrateur" in page
    assert '<pre class="card" id="fix-command">dentsec fix FW-SMB1</pre>' in page
    assert "demande la confirmation de la personne au poste" in page
    no_fix = client.get(f"/poste/{device.pk}/corriger/BAK-RECENT/").content.decode()
    assert "Correction guidée" not in no_fix
