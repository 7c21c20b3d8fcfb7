"""The procedure pages in Debian's Chromium at phone (390 px) and desktop (1280 px) widths:
the team (a proposed account confirmed, accounts without a holder), a person's arrival and
departure, an accepted risk approved by another person, a planned firewall change. The
device's report is a real audit (tests/server/audits.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
import pytest
from django.utils import timezone

from .audits import audit_json
from .test_browser import PASSWORD, shot, sign_in
from .test_browser_accounts import _fits, _page, browser  # noqa: F401  (the fixture)
from .test_browser_accounts import pytestmark as browser_marks

pytestmark = browser_marks


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    from dentsec.server.console import accounts, ingest
    from dentsec.server.console.models import ROLE_PRACTICE_LEAD, Practice, Provider

    provider = Provider.objects.create(name="Infogérance du Rhône")
    practice = Practice.objects.create(provider=provider, name="Cabinet du Parc")
    people = {}
    for username, role in (("admin", None), ("docteur", ROLE_PRACTICE_LEAD)):
        profile = (accounts.create_admin("", username, PASSWORD, provider=provider)
                   if role is None else
                   accounts.create_member(practice, username, PASSWORD, role))
        profile.totp_secret = pyotp.random_base32()
        profile.totp_confirmed = True
        profile.save()
        people[username] = profile
    _, token = ingest.create_token(practice, by=None)
    device = ingest.enroll(token, "poste-accueil").device
    ingest.store_report(device, audit_json(listening=[("tcp", 22)]))
    return {**people, "practice": practice, "device": device}


def test_team_arrival_and_departure(browser: Any, live_server: Any,  # noqa: F811
                                    world: dict[str, Any]) -> None:
    base, width = live_server.url, browser.width
    page = _page(browser)
    sign_in(page, base, "docteur", world["docteur"].totp_secret)
    practice = world["practice"]
    page.click("text=Équipe")
    page.fill("#id_name", "Invite")
    page.select_option("#id_role", "assistant")
    page.fill("#id_start_date", "2025-01-06")
    page.click("#add-member")
    page.goto(f"{base}/cabinet/{practice.pk}/equipe/")
    text = page.inner_text("main")
    assert "Comptes à confirmer" in text and "compte sans titulaire : secretariat" in text
    _fits(page)
    shot(page, f"procedures-team-{width}")
    page.click(f"#confirm-{world['device'].pk}-invite")
    assert "invite @ poste-accueil" in page.inner_text("#persons")
    page.click("#persons >> text=Invite")
    page.click("#tick-awareness")
    arrival = page.inner_text("#arrival")
    assert "formation de sensibilisation attribuée" in arrival and "docteur" in arrival
    assert "vu dans les rapports" in arrival  # the named account, seen by the agent
    # their console account (here the lead's, who made a token): its token is to revoke
    from dentsec.server.console import ingest

    ingest.create_token(practice, by=world["docteur"].user)
    page.select_option("#id_user-user", str(world["docteur"].user.pk))
    page.click("#set-user")
    page.fill("#id_leave-leaving_date", timezone.localdate().isoformat())
    page.fill("#id_leave-shared_passwords", "Wi-Fi du cabinet")
    page.click("#record-departure")
    table = page.inner_text("#revocations")
    assert "en attente du prochain rapport" in table and "Wi-Fi du cabinet" in table
    assert "jeton d'inscription" in table and "à révoquer (Inscrire un poste)" in table
    _fits(page)
    shot(page, f"procedures-person-{width}")


def test_accepted_risk_and_planned_change(browser: Any, live_server: Any,  # noqa: F811
                                          world: dict[str, Any]) -> None:
    base, width = live_server.url, browser.width
    practice, device = world["practice"], world["device"]
    lead = _page(browser)
    sign_in(lead, base, "docteur", world["docteur"].totp_secret)
    lead.goto(f"{base}/cabinet/{practice.pk}/risques/")
    lead.select_option("#id_device", str(device.pk))
    lead.select_option("#id_check_id", "FW-ENABLED")
    lead.fill("#id_reason", "Le routeur du cabinet filtre tout ce qui entre.")
    lead.fill("#id_owner", "Dr Martin")
    lead.fill("#id_expires_on", (timezone.localdate() + timedelta(days=90)).isoformat())
    lead.click("#request-risk")
    assert "en attente d'approbation" in lead.inner_text("#risks")
    assert lead.locator("#risks button", has_text="Approuver").count() == 0  # own request
    admin = _page(browser)
    sign_in(admin, base, "admin", world["admin"].totp_secret)
    admin.goto(f"{base}/cabinet/{practice.pk}/risques/")
    admin.click("#risks button:has-text('Approuver')")
    assert "risque accepté jusqu'au" in admin.inner_text("#risks")
    _fits(admin)
    shot(admin, f"procedures-risks-{width}")
    admin.goto(f"{base}/poste/{device.pk}/?show=all")
    assert "risque accepté jusqu'au" in admin.inner_text("#findings")
    lead.goto(f"{base}/cabinet/{practice.pk}/pare-feu/")
    lead.select_option("#id_device", str(device.pk))
    lead.fill("#id_port", "3389")
    lead.fill("#id_requested_by", "Éditeur du logiciel")
    lead.fill("#id_reason", "Télémaintenance de la mise à jour")
    lead.fill("#id_starts_on", timezone.localdate().isoformat())
    lead.fill("#id_ends_on", timezone.localdate().isoformat())
    lead.click("#plan-change")
    lead.click("#changes button:has-text('Approuver')")
    assert "prévu" in lead.inner_text("#changes")
    _fits(lead)
    shot(lead, f"procedures-changes-{width}")
