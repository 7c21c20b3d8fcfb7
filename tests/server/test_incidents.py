"""Incident reflexes: the one-page sheet with the practice's own contacts, and the
incident log kept as proof (CNIL notified or not, and why)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from dentsec.server.console.models import Incident

from .conftest import login_client
from .test_records import pdf_text

pytestmark = pytest.mark.django_db


def test_the_reflex_sheet_prints_the_practice_contacts_on_one_page(
        client: Client, tenants: dict[str, Any], tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils missing (.ci/setup.d/45-server-pdf.sh)")
    a = tenants["a"]
    login_client(client, a["lead"])
    url = f"/cabinet/{a['practice'].pk}/incidents/"
    saved = client.post(url, {"contacts": "1", "c-decider": "Dr Morel 06 00 00 00 01",
                              "c-it_provider": "InfoDent 01 00 00 00 02",
                              "c-insurer": "Assur contrat 42", "c-software_vendor": "Logos"},
                        follow=True)
    assert "Contacts enregistrés" in saved.content.decode()
    pages = pdf_text(client.get(f"/cabinet/{a['practice'].pk}/fiche-reflexe.pdf").content,
                     tmp_path, "reflex-sheet")
    assert len(pages) == 1
    sheet = pages[0]
    for text in ("Dr Morel 06 00 00 00 01", "InfoDent 01 00 00 00 02", "Assur contrat 42",
                 "Logos", "17cyber.gouv.fr", "cybermalveillance.gouv.fr", "CERT Santé",
                 "72 heures", "n'éteignez pas", "Ne payez jamais"):
        assert text in sheet, text


def test_an_incident_is_logged_with_why_it_was_or_was_not_notified(
        client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    login_client(client, a["lead"])
    url = f"/cabinet/{a['practice'].pk}/incidents/"
    missing = client.post(url, {"incident": "1", "i-happened_at": "2026-11-30T09:15",
                                "i-what": "Portable volé dans la voiture",
                                "i-cnil_notified": "non", "i-cnil_why": ""})
    assert missing.status_code == 400
    assert "Ce champ est obligatoire." in missing.content.decode()
    assert not Incident.objects.exists()
    client.post(url, {"incident": "1", "i-happened_at": "2026-11-30T09:15",
                      "i-what": "Portable volé dans la voiture", "i-who_told": "InfoDent",
                      "i-cnil_notified": "non", "i-cnil_why": "disque chiffré (BitLocker)"})
    entry = Incident.objects.get()
    assert entry.practice == a["practice"] and not entry.cnil_notified
    assert entry.recorded_by_name == "lead_a"
    log = client.get(url).content.decode()
    assert "Portable volé dans la voiture" in log
    assert "non notifié à la CNIL : disque chiffré (BitLocker)" in log
    login_client(client, a["staff"])
    assert client.get(url).status_code == 404
    assert client.get(f"/cabinet/{a['practice'].pk}/fiche-reflexe.pdf").status_code == 404
