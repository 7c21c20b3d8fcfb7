"""Tenant isolation: every page and API route, every role, objects of another tenant.

Routes are enumerated from the URL resolver and the OpenAPI document, so a new route is
covered (or fails this test for want of a value for its parameter) without editing it.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from dentsec.server.console.api import api
from dentsec.server.console.models import AccountLink, Device, Profile, ReflexContacts

from .conftest import login_client

pytestmark = pytest.mark.django_db

ROLES = ("admin", "lead", "staff")
FOREIGN_MARKERS = ("pc-b-", "Cabinet b", "Provider b", "admin_b", "lead_b", "staff_b")
# Served for everyone, about no tenant object.
PUBLIC = {"/i18n/setlang/", "/api/openapi.json", "/api/docs", "/api/v1/enroll",
          "/premier-demarrage/", "/connexion/", "/deconnexion/", "/connexion/code/",
          "/compte/double-authentification/", "/compte/double-authentification/qr.svg",
          "/api/v1/agent/reports", "/api/v1/agent/me", "/api/v1/agent/evidence",
          "/api/v1/agent/policy", "/agent/dentsec-agent.ps1",
          "/api/v1/agent/fix-requests"}


def _django_routes() -> list[str]:
    routes: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if "api" in str(p.pattern):
                    continue  # the API is enumerated from its OpenAPI document
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                routes.append("/" + prefix + str(p.pattern))

    walk(get_resolver().url_patterns, "")
    return [re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r) for r in routes]


def _api_routes() -> list[tuple[str, list[str]]]:
    schema = api.get_openapi_schema()
    return [(path, [m.upper() for m in ops]) for path, ops in schema["paths"].items()]


# Parameters that name no tenant object: a route with only these is a listing of the
# user's own tenant (checked for foreign names instead of a 404).
NOT_OBJECTS = {"check_id", "rule", "action", "module_id", "item"}


def _foreign(world: dict[str, Any]) -> dict[str, Any]:
    """Tenant b's objects of the kinds no fixture holds yet: an alert, a monthly report."""
    from dentsec.server.console.models import Alert, MonthlyReport

    b = world["b"]
    if "alert" not in b:
        b["alert"] = Alert.objects.filter(device=b["device_staff"]).first()
        b["monthly"] = MonthlyReport.objects.create(practice=b["practice"],
                                                    month=date(2026, 10, 1), pdf=b"%PDF-")
        # -- procedures (issue 14): a person leaving, an exception, a planned change --
        from dentsec.server.console import departures, exceptions_risk, firewall_changes
        from dentsec.server.console.procedure_models import Person

        today = timezone.localdate()
        b["member"] = Person.objects.create(practice=b["practice"], name="Bernard B",
                                            role="assistant", start_date=today)
        b["departure"] = departures.record(b["member"], today, None,
                                           shared_passwords=["Wi-Fi b"])
        b["risk"] = exceptions_risk.request(b["practice"], b["device_staff"], "FW-ENABLED",
                                            "b", "b", today + timedelta(days=30), None)
        b["change"] = firewall_changes.plan(b["device_staff"], "tcp", 3389, "open", "b", "b",
                                            today, today, None)
        # -- a fix asked from the console (issue 16) --
        from dentsec.server.console.fix_request_models import FixRequest

        # its agent could take one: only the tenant check can refuse a request from outside
        Device.objects.filter(pk=b["device_staff"].pk).update(agent_kind="python")
        b["fix_request"] = FixRequest.objects.create(
            device=b["device_staff"], check_id="FW-SMB1", fix_name="windows-smb1-off",
            requested_by_name="admin_b", expires_at=timezone.now() + timedelta(days=14))
    return b


def _is_object_route(route: str) -> bool:
    return bool(set(re.findall(r"\{(\w+)\}", route)) - NOT_OBJECTS)


def _fill(route: str, world: dict[str, Any]) -> str:
    b = _foreign(world)
    values = {"practice_id": b["practice"].pk, "device_id": b["device_staff"].pk,
              "token_id": b["token"].pk, "report_id": b["report"].pk,
              "check_id": "BAK-RECENT", "person_id": b["lead"].pk,
              # a one-time link is a capability: one nobody was given opens nothing
              "token": "dsl_" + "x" * 43,
              "alert_id": b["alert"].pk, "monthly_id": b["monthly"].pk, "rule": 4,
              "action": "acquitter", "module_id": "M-PASSWORDS", "name": "dentsec-agent.ps1",
              # procedures (issue 14)
              "member_id": b["member"].pk, "item_id": b["departure"].items.get().pk,
              "risk_id": b["risk"].pk, "change_id": b["change"].pk, "item": "awareness",
              "request_id": b["fix_request"].pk}  # issue 16

    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, f"no foreign object for parameter {name} in {route}"
        return str(values[name])

    return re.sub(r"\{(\w+)\}", sub, route)


# One body valid for every POST operation (each schema ignores the others' fields), so a
# refusal comes from the tenant check, not from validation.
BODY = json.dumps({
    "days": 1, "max_uses": 1,
    # procedures (issue 14)
    "name": "x", "role": "other", "start_date": "2026-01-05", "device_id": 1,
    "account": "x", "leaving_date": "2026-01-05", "proto": "tcp", "port": 1,
    "action": "open", "requested_by": "x", "reason": "x", "starts_on": "2026-01-05",
    "ends_on": "2026-01-06", "check_id": "FW-ENABLED", "owner": "x",
    "expires_on": "2026-02-05"}).encode()


def _check_listing(body: str, where: str) -> None:
    for marker in FOREIGN_MARKERS:
        assert marker not in body, f"{where} shows {marker!r}"


@pytest.mark.parametrize("role", ROLES)
def test_no_route_reaches_another_tenant(client: Client, tenants: dict[str, Any],
                                         role: str) -> None:
    login_client(client, tenants["a"][role])
    checked = 0
    routes = [(r, ["GET", "POST"]) for r in _django_routes()] + _api_routes()
    for route, methods in routes:
        url = _fill(route, tenants)
        if url in PUBLIC:
            continue
        statuses = {}
        for method in methods:
            if method == "GET":
                response = client.get(url)
            else:
                response = client.generic(method, url, BODY,
                                          content_type="application/json")
            statuses[method] = response.status_code
            body = response.content.decode("utf-8", "replace")
            if _is_object_route(route):
                assert response.status_code in (403, 404, 405), (role, method, url,
                                                                  response.status_code)
            else:
                assert response.status_code < 500, (role, method, url)
                _check_listing(body, f"{role} {method} {url}")
            checked += 1
        if _is_object_route(route):
            assert set(statuses.values()) & {403, 404}, (role, url, statuses)
    assert checked >= 50  # 27 pages and 11 API operations at the time of writing


def _post_everywhere(client: Client, tenants: dict[str, Any]) -> None:
    for role in ROLES:
        login_client(client, tenants["a"][role])
        for route, _ in _api_routes() + [(r, []) for r in _django_routes()]:
            if "{" in route:
                client.post(_fill(route, tenants), BODY, content_type="application/json")


def test_foreign_objects_are_untouched(client: Client, tenants: dict[str, Any]) -> None:
    """The POST routes above did not revoke, restore, rename, reset or create anything of
    tenant b."""
    b = tenants["b"]
    Profile.objects.filter(pk=b["lead"].pk).update(totp_secret="X" * 32, totp_confirmed=True)
    _post_everywhere(client, tenants)
    b["token"].refresh_from_db()
    b["device_staff"].refresh_from_db()
    assert b["token"].revoked_at is None
    assert b["device_staff"].revoked_at is None
    assert b["practice"].tokens.count() == 3
    b["alert"].refresh_from_db()
    assert b["alert"].acknowledged_at is None and b["alert"].handled_by is None
    b["practice"].refresh_from_db()
    assert not b["practice"].monthly_report
    b["lead"].refresh_from_db()
    assert b["lead"].totp_confirmed and b["lead"].totp_secret == "X" * 32
    b["lead"].user.refresh_from_db()
    assert b["lead"].user.has_usable_password()
    assert not AccountLink.objects.filter(user__profile__provider=b["admin"].provider).exists()
    assert not b["practice"].answers.exists()  # issue 15: questionnaire, course
    assert not b["practice"].trainings.exists()
    assert not b["practice"].incidents.exists()
    assert not ReflexContacts.objects.filter(practice=b["practice"]).exists()
    # procedures (issue 14): nothing approved, ticked, linked, recorded or withdrawn
    for obj in (b["risk"], b["change"]):
        obj.refresh_from_db()
        assert obj.approved_at is None
    assert b["risk"].ended_at is None
    assert b["departure"].items.get().done_at is None
    assert not b["member"].arrival_items.exists() and not b["member"].accounts.exists()
    assert b["member"].departure.leaving_date == timezone.localdate()
    practice = b["practice"]
    assert (practice.persons.count(), practice.accepted_risks.count(),
            practice.planned_changes.count()) == (1, 1, 1)
    assert not hasattr(practice, "procedure_policy")  # no renewal policy set from outside
    # issue 16: no fix asked of tenant b's devices, none cancelled
    b["fix_request"].refresh_from_db()
    assert b["fix_request"].status == "pending"
    assert b["device_staff"].fix_requests.count() == 1
    # Once revoked, neither restored nor archived nor renamed from outside.
    Device.objects.filter(pk=b["device_staff"].pk).update(revoked_at=timezone.now())
    _post_everywhere(client, tenants)
    b["device_staff"].refresh_from_db()
    assert b["device_staff"].revoked_at is not None
    assert b["device_staff"].archived_at is None and b["device_staff"].name == "pc-b-staff"


@pytest.mark.parametrize("role", ROLES)
def test_own_ids_mixed_with_foreign_ones(client: Client, tenants: dict[str, Any],
                                         role: str) -> None:
    """Own practice with another tenant's monthly report, own alert list filtered on a
    foreign practice: still nothing of tenant b."""
    a, b = tenants["a"], _foreign(tenants)
    login_client(client, a[role])
    url = f"/cabinet/{a['practice'].pk}/rapport-mensuel/{b['monthly'].pk}.pdf"
    assert client.get(url).status_code == 404
    page = client.get(f"/alertes/?cabinet={b['practice'].pk}&etat=toutes")
    assert page.status_code == 200
    _check_listing(page.content.decode(), f"{role} alerts of a foreign practice")
    assert '<b data-state="ouvertes">0</b>' in page.content.decode()


def test_a_device_credential_reaches_only_its_own_device(client: Client,
                                                         tenants: dict[str, Any]) -> None:
    response = client.get("/api/v1/agent/me",
                          HTTP_AUTHORIZATION=f"Bearer {tenants['a']['credential']}")
    assert response.json()["id"] == tenants["a"]["device_staff"].pk
    # A device credential is not a session: no console data with it.
    for url in ("/api/v1/devices", "/api/v1/practices", f"/poste/{tenants['a']['device_staff'].pk}/"):
        r = client.get(url, HTTP_AUTHORIZATION=f"Bearer {tenants['a']['credential']}")
        assert r.status_code in (302, 401, 403, 404)


def test_an_evidence_upload_reaches_only_the_credentials_device(client: Client,
                                                                tenants: dict[str, Any]) -> None:
    """A bundle names a host, never a device: the credential alone says whose it is, even
    when another tenant's device has the same host name."""
    from dentsec.server.console.models import Device, EvidenceBundle

    from .test_evidence import zipped

    a, b = tenants["a"], tenants["b"]
    Device.objects.filter(pk__in=[a["device_staff"].pk, b["device_staff"].pk]).update(
        hostname="PC-SALLE2")
    before = {d.pk: (d.current_report_id, d.score) for d in Device.objects.exclude(
        pk=a["device_staff"].pk)}
    response = client.post("/api/v1/agent/evidence", data=zipped("windows-no-admin"),
                           content_type="application/zip",
                           HTTP_AUTHORIZATION=f"Bearer {a['credential']}")
    assert response.status_code == 201, response.content
    assert {d.pk: (d.current_report_id, d.score) for d in Device.objects.exclude(
        pk=a["device_staff"].pk)} == before
    assert EvidenceBundle.objects.get().device_id == a["device_staff"].pk
    # and a person's session is not a device credential
    login_client(client, b["admin"])
    refused = client.post("/api/v1/agent/evidence", data=zipped("windows-no-admin"),
                          content_type="application/zip")
    assert refused.status_code in (401, 403)
