"""Accounts: password change, resets and invitations by one-time link, TOTP reset,
recovery codes, staff second factor, user names and device/practice names."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from django.test import Client

from dentsec.server.console import accounts, ingest, names
from dentsec.server.console.models import (
    ROLE_STAFF,
    AccountLink,
    AuditEvent,
    Practice,
    Profile,
    RecoveryCode,
)

from .conftest import login_client

pytestmark = pytest.mark.django_db
PASSWORD = "x" * 16
NEW_PASSWORD = "Une-phrase-de-passe-neuve-2026"


def _login(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post("/connexion/", {"username": username, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _link_from(page: str) -> str:
    match = re.search(r'<pre id="account-link">https?://[^/]+(/compte/lien/[^<]+/)</pre>', page)
    assert match, page[-2000:]
    return match.group(1)


def _choose_password(path: str, password: str = NEW_PASSWORD) -> Any:
    return Client().post(path, {"password": password, "password2": password})


def test_sign_in_ignores_the_letter_case(tenants: dict[str, Any]) -> None:
    client = Client()
    assert _login(client, "Staff_A").url == "/"
    assert _signed_in(client)


def test_everyone_can_change_their_password(client: Client, tenants: dict[str, Any]) -> None:
    login_client(client, tenants["a"]["staff"])
    assert b'id="change-password"' in client.get("/compte/").content
    wrong = client.post("/compte/", {"old_password": "nope", "new_password1": NEW_PASSWORD,
                                     "new_password2": NEW_PASSWORD})
    assert wrong.status_code == 200 and "incorrect" in wrong.content.decode()
    weak = client.post("/compte/", {"old_password": PASSWORD, "new_password1": "123456",
                                    "new_password2": "123456"})
    assert weak.status_code == 200
    done = client.post("/compte/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                    "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert _signed_in(client)  # this session stays
    old = Client()
    _login(old, "staff_a")
    assert not _signed_in(old)
    fresh = Client()
    _login(fresh, "staff_a", NEW_PASSWORD)
    assert _signed_in(fresh)
    assert AuditEvent.objects.filter(action="password.change").exists()


def test_a_lead_resets_a_staff_password_by_one_time_link(client: Client,
                                                         tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    staff_session = Client()
    _login(staff_session, "staff_a")
    assert _signed_in(staff_session)
    login_client(client, a["lead"])
    page = client.post(f"/personnes/{a['staff'].pk}/mot-de-passe/").content.decode()
    path = _link_from(page)
    # Only the digest is stored; the old password and its sessions stop working now.
    assert not AccountLink.objects.filter(token_hash__contains=path.split("/")[-2]).exists()
    assert staff_session.get("/postes/").status_code == 302
    assert _login(Client(), "staff_a").status_code == 401
    assert _choose_password(path, "123456").status_code == 200  # weak: refused
    assert _choose_password(path).url == "/connexion/"
    again = _choose_password(path, "Encore-une-autre-phrase-2026")
    assert again.status_code == 404 and b'id="link-invalid"' in again.content
    fresh = Client()
    _login(fresh, "staff_a", NEW_PASSWORD)
    assert _signed_in(fresh)
    assert AuditEvent.objects.filter(action="person.password-reset",
                                     target="staff_a").exists()


def test_who_may_reset_whom(client: Client, tenants: dict[str, Any]) -> None:
    a, b = tenants["a"], tenants["b"]
    login_client(client, a["lead"])
    for target in (a["admin"], a["lead"], b["staff"], b["lead"]):
        for what in ("mot-de-passe", "double-authentification"):
            assert client.post(f"/personnes/{target.pk}/{what}/").status_code == 404
    staff = login_client(Client(), a["staff"])
    assert staff.post(f"/personnes/{a['staff'].pk}/mot-de-passe/").status_code == 404
    assert not AccountLink.objects.exists()
    for profile in (a["admin"], a["lead"], b["staff"]):
        profile.user.refresh_from_db()
        assert profile.user.has_usable_password()


def test_the_provider_resets_a_lost_phone(client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    lead: Profile = a["lead"]
    lead.totp_secret = pyotp.random_base32()
    lead.totp_confirmed = True
    lead.save()
    login_client(client, a["admin"])
    assert b"reset-totp-%d" % lead.pk in client.get("/personnes/").content
    assert client.post(f"/personnes/{lead.pk}/double-authentification/").url == "/personnes/"
    lead.refresh_from_db()
    assert not lead.totp_confirmed and not lead.totp_secret
    # The lead signs in with the password and must set up a new second factor.
    again = Client()
    assert _login(again, "lead_a").url == "/connexion/code/"
    assert again.get("/connexion/code/").url == "/compte/double-authentification/"
    assert again.get(f"/cabinet/{a['practice'].pk}/").url == "/connexion/code/"


def test_an_invitation_lets_the_person_choose_their_password(
        client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    login_client(client, a["lead"])
    page = client.post("/personnes/", {"username": "assistante", "email": "", "role": "staff",
                                       "practice": a["practice"].pk}).content.decode()
    path = _link_from(page)
    assert "expire" in page
    assert _login(Client(), "assistante", "").status_code == 200  # no password yet
    assert "lien en attente" in client.get("/personnes/").content.decode()
    assert _choose_password(path).url == "/connexion/"
    fresh = Client()
    _login(fresh, "assistante", NEW_PASSWORD)
    assert _signed_in(fresh)
    assert AuditEvent.objects.filter(action="link.invite", actor_name="assistante").exists()


def test_a_newer_link_voids_the_older_one(client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    login_client(client, a["lead"])
    first = _link_from(client.post(f"/personnes/{a['staff'].pk}/mot-de-passe/")
                       .content.decode())
    second = _link_from(client.post(f"/personnes/{a['staff'].pk}/mot-de-passe/")
                        .content.decode())
    assert _choose_password(first).status_code == 404
    assert _choose_password(second).status_code == 302


def _totp_set_up(client: Client, profile: Profile) -> list[str]:
    client.force_login(profile.user)
    client.get("/compte/double-authentification/")
    profile.refresh_from_db()
    done = client.post("/compte/double-authentification/",
                       {"code": pyotp.TOTP(profile.totp_secret).now()})
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", done.content.decode())
    return codes


def test_ten_recovery_codes_each_good_once(tenants: dict[str, Any]) -> None:
    lead: Profile = tenants["a"]["lead"]
    codes = _totp_set_up(Client(), lead)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = list(RecoveryCode.objects.filter(profile=lead).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not set(codes) & set(stored)  # hashed
    phone_lost = Client()
    assert _login(phone_lost, "lead_a").url == "/connexion/code/"
    typed = codes[3].upper().replace("-", " ")  # as read from paper
    used = phone_lost.post("/connexion/code/", {"code": typed})
    assert used.url == "/"
    assert phone_lost.get(f"/cabinet/{lead.practice_id}/").status_code == 200
    other = Client()
    _login(other, "lead_a")
    assert other.post("/connexion/code/", {"code": codes[3]}).status_code == 401  # spent
    assert other.post("/connexion/code/", {"code": codes[4]}).url == "/"
    assert AuditEvent.objects.filter(action="totp.recovery").count() == 2


def test_staff_second_factor_is_asked_once_enabled(tenants: dict[str, Any]) -> None:
    staff: Profile = tenants["a"]["staff"]
    first = Client()
    assert _login(first, "staff_a").url == "/"  # not enabled: not asked
    codes = _totp_set_up(first, staff)
    assert len(codes) == 10
    later = Client()
    assert _login(later, "staff_a").url == "/connexion/code/"
    assert later.get("/postes/").url == "/connexion/code/"
    staff.refresh_from_db()
    assert later.post("/connexion/code/", {"code": codes[0]}).url == "/"
    assert later.get("/postes/").status_code == 200
    # Turned off again from their account page: no longer asked.
    assert later.post("/compte/double-authentification/reinitialiser/").url == "/compte/"
    assert _login(Client(), "staff_a").url == "/"


@pytest.mark.parametrize("username", ["<script>x", "jean dupont", "a/b", "../x", "é", "",
                                      "x" * 151, "STAFF_A", "Staff_a"])
def test_bad_or_twin_user_names_are_refused(client: Client, tenants: dict[str, Any],
                                            username: str) -> None:
    a = tenants["a"]
    login_client(client, a["lead"])
    page = client.post("/personnes/", {"username": username, "email": "", "role": "staff",
                                       "practice": a["practice"].pk})
    assert b'id="account-link"' not in page.content
    assert Profile.objects.filter(user__username__iexact="staff_a").count() == 1
    assert Profile.objects.count() == 6
    with pytest.raises(names.BadName):
        accounts.create_member(a["practice"], username, None, ROLE_STAFF)


def test_the_operator_resets_a_lone_administrators_second_factor(
        tenants: dict[str, Any]) -> None:
    from click.testing import CliRunner

    from dentsec.cli import main

    admin: Profile = tenants["a"]["admin"]
    admin.totp_secret = pyotp.random_base32()
    admin.totp_confirmed = True
    admin.save()
    result = CliRunner().invoke(main, ["server", "reset-totp", "--username", "ADMIN_A"])
    assert result.exit_code == 0, result.output
    assert "réinitialisée" in result.output
    admin.refresh_from_db()
    assert not admin.totp_confirmed and not admin.totp_secret
    assert AuditEvent.objects.filter(action="person.totp-reset", target="admin_a",
                                     provider_id=admin.provider_id).exists()
    unknown = CliRunner().invoke(main, ["server", "reset-totp", "--username", "personne"])
    assert unknown.exit_code == 2 and "aucun compte" in unknown.output


def test_the_cli_refuses_a_case_twin_administrator(tenants: dict[str, Any]) -> None:
    from click.testing import CliRunner

    from dentsec.cli import main

    result = CliRunner().invoke(main, ["server", "create-admin", "--username", "ADMIN_A",
                                       "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code != 0 and "existe déjà" in result.output


@pytest.mark.parametrize("name", ["Cabinet\nBcc: x@example.invalid", "Cab\u202einet", "",
                                  "C" * 101, "\x07"])
def test_practice_names_are_checked(client: Client, tenants: dict[str, Any],
                                    name: str) -> None:
    login_client(client, tenants["a"]["admin"])
    before = Practice.objects.count()
    assert client.post("/prestataire/", {"name": name}).status_code == 200
    assert Practice.objects.count() == before


def test_device_names_are_checked_at_enrollment(client: Client,
                                                tenants: dict[str, Any]) -> None:
    _, token = ingest.create_token(tenants["a"]["practice"], by=None)
    response = client.post("/api/v1/enroll", {"token": token, "name": "pc\r\nX-Evil: 1"},
                           content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "bad-name"
    assert "retour à la ligne" in response.json()["fr"]
    ok = client.post("/api/v1/enroll", {"token": token, "name": "  poste-accueil  "},
                     content_type="application/json")
    assert ok.status_code == 201  # the token was not spent by the refusal
