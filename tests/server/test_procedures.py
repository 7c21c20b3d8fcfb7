"""Procedures end to end: real audits (tests/server/audits.py) uploaded by a device, then
the sweep, then what the practice is told (alerts, device state)."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dentsec.server.console import (
    alerts,
    dashboard,
    departures,
    exceptions_risk,
    firewall_changes,
    ingest,
    people,
    records,
    sweep,
)
from dentsec.server.console.models import Alert, AuditEvent, Device, EnrollmentToken
from dentsec.server.console.procedure_models import AcceptedRisk, Person, PlannedChange

from .audits import audit_json
from .conftest import login_client
from .smtp import SmtpServer
from .test_records import pdf_text


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
    assert item.done_at is not None and item.how.startswith("supprimé / removed — rapport du")


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
    shown = Device.objects.filter(pk=device.pk)
    fixes = dashboard.top_fixes(dashboard.latest_reports(shown), limit=50)
    assert "FW-ENABLED" not in {f.check_id for f in fixes}  # not a fix to make either
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


# --- the pages -------------------------------------------------------------------------------

def test_the_team_page_proposes_confirms_and_records_a_departure(
        client: Client, world: dict[str, Any]) -> None:
    practice, device = world["practice"], world["device"]
    login_client(client, world["lead"])
    response = client.post(reverse("console:team", args=[practice.pk]),
                           {"add-member": "1", "name": "Invite", "role": "assistant",
                            "start_date": "2025-01-06"})
    person = Person.objects.get(practice=practice, name="Invite")
    assert response.status_code == 302
    page = client.get(reverse("console:team", args=[practice.pk])).content.decode()
    assert "Comptes à confirmer" in page and "compte sans titulaire" in page
    client.post(reverse("console:person-link", args=[person.pk]),
                {"device": device.pk, "account": "invite", "back": "team"})
    assert person.accounts.get().account == "invite"
    page = client.get(reverse("console:person", args=[person.pk])).content.decode()
    assert "compte nominatif sur chaque poste utilisé" in page
    client.post(reverse("console:person", args=[person.pk]),
                {"record-departure": "1", "leave-leaving_date": "2025-06-30",
                 "leave-shared_passwords": "Wi-Fi\nMessagerie partagée"})
    page = client.get(reverse("console:person", args=[person.pk])).content.decode()
    assert "en attente du prochain rapport" in page and "Messagerie partagée" in page
    assert AuditEvent.objects.filter(action="departure.record", practice=practice).exists()
    client.post(reverse("console:team", args=[practice.pk]),
                {"set-renewal": "1", "renewal-renewal_days": "90",
                 "renewal-renewal_scope": "admins"})
    assert "Tous les 90 jours" in client.get(
        reverse("console:team", args=[practice.pk])).content.decode()


def test_risk_and_change_pages_in_both_languages(client: Client,
                                                 world: dict[str, Any]) -> None:
    practice, device = world["practice"], world["device"]
    login_client(client, world["lead"])
    url = reverse("console:risks", args=[practice.pk])
    expiry = (timezone.localdate() + timedelta(days=60)).isoformat()
    client.post(url, {"device": device.pk, "check_id": "FW-ENABLED", "reason": "box",
                      "owner": "Dr Martin", "expires_on": expiry})
    risk = AcceptedRisk.objects.get(practice=practice)
    page = client.get(url).content.decode()
    assert "en attente d'approbation" in page and f'id="approve-{risk.pk}"' not in page
    login_client(client, world["admin"])
    client.post(reverse("console:risk-action", args=[risk.pk, "approuver"]))
    page = client.get(url).content.decode()
    assert "risque accepté jusqu'au" in page
    device_page = client.get(reverse("console:device", args=[device.pk])).content.decode()
    assert "risque accepté jusqu&#x27;au" in device_page or "risque accepté jusqu'au" in device_page
    client.post(reverse("console:changes", args=[practice.pk]), {
        "device": device.pk, "proto": "tcp", "port": "3389", "action": "open",
        "requested_by": "Dr Martin", "reason": "télémaintenance",
        "starts_on": timezone.localdate().isoformat(),
        "ends_on": timezone.localdate().isoformat()})
    change = PlannedChange.objects.get(practice=practice)
    client.post(reverse("console:change-approve", args=[change.pk]))
    change.refresh_from_db()
    assert change.approved_at is not None
    client.cookies["django_language"] = "en"
    page = client.get(reverse("console:changes", args=[practice.pk]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Firewall changes" in page


def test_staff_and_other_tenants_reach_no_procedure_page(client: Client,
                                                         world: dict[str, Any],
                                                         tenants: dict[str, Any]) -> None:
    practice = world["practice"]
    person = Person.objects.create(practice=practice, name="X", role="other",
                                   start_date=timezone.localdate())
    for who in (world["staff"], tenants["b"]["lead"], tenants["b"]["admin"]):
        login_client(client, who)
        for url in (reverse("console:team", args=[practice.pk]),
                    reverse("console:person", args=[person.pk]),
                    reverse("console:risks", args=[practice.pk]),
                    reverse("console:changes", args=[practice.pk])):
            assert client.get(url).status_code == 404, (who.user.username, url)


@pytest.mark.skipif(shutil.which("pdftotext") is None,
                    reason="poppler-utils missing (.ci/setup.d/45-server-pdf.sh)")
def test_the_practice_pdf_lists_exceptions_and_departures(world: dict[str, Any],
                                                          tmp_path: Path) -> None:
    practice, device = world["practice"], world["device"]
    risk = exceptions_risk.request(practice, device, "FW-ENABLED", "routeur filtrant",
                                   "Dr Martin", timezone.localdate() + timedelta(days=30),
                                   world["lead"].user)
    exceptions_risk.approve(risk, world["admin"].user)
    person = Person.objects.create(practice=practice, name="Invite", role="assistant",
                                   start_date=timezone.localdate() - timedelta(days=90))
    people.link(person, device, "invite", None)
    departures.record(person, timezone.localdate() - timedelta(days=1), None)
    ingest.store_report(device, audit_json(remove={"invite"}))
    pdf = records.practice_pdf(practice, Device.objects.filter(practice=practice),
                               records.last_days())
    text = " ".join(pdf_text(pdf, tmp_path, "practice-procedures"))
    assert "Risques acceptés" in text and "routeur" in text  # a narrow column: one word a line
    assert "risque accepté jusqu'au" in text
    assert "Départs" in text and "Invite" in text and "supprimé / removed — rapport du" in text
    device_pdf = records.device_pdf(device, Device.objects.get(pk=device.pk).current_report)
    assert "risque accepté jusqu'au" in " ".join(pdf_text(device_pdf, tmp_path, "device"))


# --- the API -----------------------------------------------------------------------------------

def test_the_procedures_through_the_api(client: Client, world: dict[str, Any]) -> None:
    practice, device = world["practice"], world["device"]
    login_client(client, world["lead"])
    made = client.post(f"/api/v1/practices/{practice.pk}/people", {
        "name": "Invite", "role": "assistant", "start_date": "2025-01-06"},
        content_type="application/json")
    assert made.status_code == 201
    member = made.json()["id"]
    proposals = client.get(f"/api/v1/practices/{practice.pk}/account-proposals").json()
    assert {"person_id": member, "device_id": device.pk, "account": "invite"} in proposals
    assert {"person_id": None, "device_id": device.pk, "account": "secretariat"} in proposals
    linked = client.post(f"/api/v1/people/{member}/accounts",
                         {"device_id": device.pk, "account": "invite"},
                         content_type="application/json")
    assert linked.json()["state"] == "active"
    assert client.post(f"/api/v1/people/{member}/arrival/awareness").status_code == 200
    assert client.post(f"/api/v1/people/{member}/arrival/not-admin").status_code == 404
    left = client.post(f"/api/v1/people/{member}/departure",
                       {"leaving_date": timezone.localdate().isoformat()},
                       content_type="application/json")
    assert [i["kind"] for i in left.json()["items"]] == ["device-account"]
    detail = client.get(f"/api/v1/people/{member}").json()
    assert detail["departure"]["items"][0]["done_at"] is None
    assert {t["item"]: t["done"] for t in detail["arrival"]}["awareness"] is True
    assert client.get(f"/api/v1/practices/{practice.pk}/renewals").status_code == 200
    policy = client.put(f"/api/v1/practices/{practice.pk}/renewal-policy",
                        {"renewal_days": 365, "renewal_scope": "admins"},
                        content_type="application/json")
    assert policy.json() == {"renewal_days": 365, "renewal_scope": "admins"}

    expiry = (timezone.localdate() + timedelta(days=30)).isoformat()
    risk = client.post(f"/api/v1/practices/{practice.pk}/exceptions", {
        "device_id": device.pk, "check_id": "FW-ENABLED", "reason": "routeur",
        "owner": "Dr Martin", "expires_on": expiry}, content_type="application/json").json()
    refused = client.post(f"/api/v1/exceptions/{risk['id']}/approve")
    assert refused.status_code == 422 and "autre personne" in refused.json()["fr"]
    too_far = client.post(f"/api/v1/practices/{practice.pk}/exceptions", {
        "check_id": "FW-ENABLED", "reason": "r", "owner": "o",
        "expires_on": (timezone.localdate() + timedelta(days=400)).isoformat()},
        content_type="application/json")
    assert too_far.status_code == 422 and "12 months" in too_far.json()["en"]
    login_client(client, world["admin"])
    assert client.post(f"/api/v1/exceptions/{risk['id']}/approve").json()["approved"]
    device.refresh_from_db()
    assert "FW-ENABLED" not in device.failing

    today = timezone.localdate().isoformat()
    change = client.post(f"/api/v1/practices/{practice.pk}/planned-changes", {
        "device_id": world["device_staff"].pk, "port": 3389, "requested_by": "Dr Martin",
        "reason": "télémaintenance", "starts_on": today, "ends_on": today},
        content_type="application/json").json()
    assert change["status"] == "waiting"
    assert client.post(f"/api/v1/planned-changes/{change['id']}/approve").json()["approved"]
    # the device's running accepted risks go down too (not another device's, not expired)
    soon = timezone.localdate() + timedelta(days=10)
    for until in (soon, timezone.localdate() - timedelta(days=1)):
        AcceptedRisk.objects.create(practice=practice, device=world["device_staff"],
                                    check_id="PWD-LOCKOUT", reason="logiciel métier",
                                    owner="Dr Martin", approved_at=timezone.now(),
                                    expires_on=until)
    agent = Client().get("/api/v1/agent/policy",
                         HTTP_AUTHORIZATION=f"Bearer {world['credential']}")
    assert agent.json() == {
        "justified_ports": [{"proto": "tcp", "port": 3389, "reason": "télémaintenance"}],
        "accepted_risks": [{"check": "PWD-LOCKOUT", "reason": "logiciel métier",
                            "until": soon.isoformat()}]}
    actions = set(AuditEvent.objects.filter(practice=practice)
                  .values_list("action", flat=True))
    assert {"person.add", "person.link", "arrival.tick", "departure.record",
            "risk.request", "risk.approve", "fw-change.plan",
            "fw-change.approve"} <= actions


def test_staff_get_no_procedure_from_the_api(client: Client, world: dict[str, Any]) -> None:
    login_client(client, world["staff"])
    assert client.get(f"/api/v1/practices/{world['practice'].pk}/people").status_code == 404


def test_a_locked_account_counts_as_disabled_for_the_departure(world: dict[str, Any]) -> None:
    device = world["device"]
    person = Person.objects.create(practice=world["practice"], name="Invite", role="other",
                                   start_date=timezone.localdate() - timedelta(days=90))
    people.link(person, device, "invite", None)
    departure = departures.record(person, timezone.localdate() - timedelta(days=3), None)
    sweep.run()
    assert len(_open(device, Alert.KIND_DEPARTURE)) == 1
    ingest.store_report(device, audit_json(lock={"invite"}))
    assert _open(device, Alert.KIND_DEPARTURE) == []
    assert departure.items.get().how.startswith("désactivé / disabled — rapport du")


def test_a_newer_password_date_closes_the_reminder(world: dict[str, Any]) -> None:
    device = world["device"]
    sweep.run()
    assert any("« secretariat »" in s for s in _open(device, Alert.KIND_RENEWAL))
    ingest.store_report(device, audit_json(renewed={"secretariat"}))
    sweep.run()
    said = _open(device, Alert.KIND_RENEWAL)
    assert said and not any("« secretariat »" in s for s in said)
    assert "secretariat" not in {r.account for r in people.reminders(
        world["practice"], Device.objects.filter(pk=device.pk))}


def test_admins_only_scope_leaves_other_accounts_out(world: dict[str, Any]) -> None:
    from dentsec.server.console.procedure_models import ProcedurePolicy

    ProcedurePolicy.objects.create(practice=world["practice"], renewal_scope="admins")
    due = people.reminders(world["practice"], Device.objects.filter(pk=world["device"].pk))
    assert due and all(r.device is not None for r in due)  # every account here is admin


def test_a_planned_change_that_never_happened_is_flagged(world: dict[str, Any]) -> None:
    device = world["device"]
    yesterday = timezone.localdate() - timedelta(days=1)
    change = firewall_changes.plan(device, "tcp", 8080, "open", "Dr Martin", "essai",
                                   yesterday - timedelta(days=2), yesterday, None)
    firewall_changes.approve(change, world["admin"].user)
    sweep.run()
    said = _open(device, Alert.KIND_FW_PLAN)
    assert len(said) == 1 and "n'a pas été fait" in said[0]


def test_the_departure_alert_is_mailed_to_the_lead_and_the_provider(
        world: dict[str, Any], smtp: SmtpServer, client: Client) -> None:
    device = world["device"]
    person = Person.objects.create(practice=world["practice"], name="Invite", role="other",
                                   start_date=timezone.localdate() - timedelta(days=90))
    people.link(person, device, "invite", None)
    departures.record(person, timezone.localdate() - timedelta(days=3), None)
    sweep.run()
    for address in ("lead_a@example.invalid", "admin_a@example.invalid"):
        mails = smtp.to(address)
        assert mails, address
        body = mails[-1].body
        assert "le compte « invite » de Invite, parti(e), est toujours actif" in body
        assert f"/equipe/{person.pk}/" in body
    login_client(client, world["lead"])
    assert client.get(f"/equipe/{person.pk}/").status_code == 200


def test_a_practice_wide_exception_covers_every_device_and_its_new_reports(
        world: dict[str, Any]) -> None:
    device, other = world["device"], world["device_staff"]
    ingest.store_report(other, audit_json())
    risk = exceptions_risk.request(world["practice"], None, "ENC-SYSTEM-DISK",
                                   "postes fixes dans une pièce fermée", "Dr Martin",
                                   timezone.localdate() + timedelta(days=180),
                                   world["admin"].user)
    exceptions_risk.approve(risk, world["lead"].user)
    for each in (device, other):
        each.refresh_from_db()
        assert "ENC-SYSTEM-DISK" not in each.failing
    ingest.store_report(device, audit_json(listening=[("tcp", 22)]))
    device.refresh_from_db()
    assert "ENC-SYSTEM-DISK" not in device.failing
    exceptions_risk.withdraw(risk)
    device.refresh_from_db()
    assert "ENC-SYSTEM-DISK" in device.failing


def test_a_departure_lists_the_tokens_of_their_console_account_until_revoked_or_expired(
        client: Client, world: dict[str, Any], tenants: dict[str, Any]) -> None:
    """A manager links the person to their console account; the departure then names the
    enrollment tokens they made or own; each is done once revoked or expired, not by hand."""
    practice, staff = world["practice"], world["staff"].user
    made, _ = ingest.create_token(practice, by=staff)
    owned = EnrollmentToken.objects.get(owner=staff)  # made by the provider for their device
    elsewhere, _ = ingest.create_token(world["practice2"], by=staff)  # another practice
    person = Person.objects.create(practice=practice, name="Assistante", role="assistant",
                                   start_date=timezone.localdate() - timedelta(days=90))
    login_client(client, world["lead"])
    page = reverse("console:person", args=[person.pk])
    stranger = tenants["b"]["staff"].user  # another provider's: not offered, refused
    assert client.post(page, {"set-user": "1", "user-user": stranger.pk}).status_code == 200
    person.refresh_from_db()
    assert person.user is None
    assert client.post(page, {"set-user": "1", "user-user": staff.pk}).status_code == 302
    person.refresh_from_db()
    assert person.user == staff
    leaving = timezone.localdate().isoformat()
    assert client.post(page, {"record-departure": "1", "leave-leaving_date": leaving,
                              "leave-shared_passwords": ""}).status_code == 302
    items = {i.token: i for i in person.departure.items.filter(kind="enrollment-token")}
    assert set(items) == {made, owned} and elsewhere not in items
    assert f"{made.hint}… (#{made.pk})" in client.get(page).content.decode()
    assert not departures.mark_done(items[made], world["lead"].user)  # not by hand
    # revoked from the token page: done at the next look; expired: done at the sweep
    assert client.post(reverse("console:revoke-token", args=[made.pk])).status_code in (200, 302)
    text = client.get(page).content.decode()
    assert "révoqué / revoked" in text
    owned.expires_at = timezone.now() - timedelta(minutes=1)
    owned.save(update_fields=["expires_at"])
    sweep.run()
    done = {i.token_id: i.how for i in person.departure.items.filter(kind="enrollment-token")}
    assert done == {made.pk: "révoqué / revoked", owned.pk: "expiré / expired"}
