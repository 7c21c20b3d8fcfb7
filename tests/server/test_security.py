"""Sign-in, second factor, throttling, headers, audit log, first run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyotp
import pytest
from django.test import Client

from dentsec.server import firstrun
from dentsec.server.console import accounts
from dentsec.server.console.models import AuditEvent, Profile

from .conftest import login_client

pytestmark = pytest.mark.django_db
PASSWORD = "x" * 16


def _login(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post("/connexion/", {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(tenants: dict[str, Any]) -> None:
    assert tenants["a"]["lead"].user.password.startswith("argon2")


def test_lead_must_set_up_totp_before_seeing_anything(client: Client,
                                                      tenants: dict[str, Any]) -> None:
    lead: Profile = tenants["a"]["lead"]
    assert _login(client, "lead_a").url == "/connexion/code/"
    assert client.get("/connexion/code/").url == "/compte/double-authentification/"
    practice_url = f"/cabinet/{lead.practice_id}/"
    assert client.get(practice_url).url == "/connexion/code/"
    assert client.get("/api/v1/devices").status_code == 401
    page = client.get("/compte/double-authentification/").content.decode()
    lead.refresh_from_db()
    assert lead.totp_secret in page
    assert client.get("/compte/double-authentification/qr.svg")["Content-Type"] == \
        "image/svg+xml"
    assert client.post("/compte/double-authentification/",
                       {"code": "000000"}).status_code == 200
    code = pyotp.TOTP(lead.totp_secret).now()
    done = client.post("/compte/double-authentification/", {"code": code})
    assert done.status_code == 200 and b'id="recovery-codes"' in done.content
    assert client.get(practice_url).status_code == 200
    assert AuditEvent.objects.filter(action="totp.setup", actor=lead.user).exists()


def test_totp_code_is_asked_at_every_sign_in_and_never_reused(
        client: Client, tenants: dict[str, Any]) -> None:
    admin: Profile = tenants["a"]["admin"]
    admin.totp_secret = pyotp.random_base32()
    admin.totp_confirmed = True
    admin.save()
    assert _login(client, "admin_a").url == "/connexion/code/"
    assert client.get("/prestataire/").url == "/connexion/code/"
    code = pyotp.TOTP(admin.totp_secret).now()
    assert client.post("/connexion/code/", {"code": code}).url == "/"
    assert client.get("/prestataire/").status_code == 200
    other = Client()
    _login(other, "admin_a")
    assert other.post("/connexion/code/", {"code": code}).status_code == 401  # replayed


def test_staff_needs_no_second_factor(client: Client, tenants: dict[str, Any]) -> None:
    assert _login(client, "staff_a").url == "/"
    assert client.get("/postes/").status_code == 200


def test_sign_in_is_throttled_after_repeated_failures(client: Client,
                                                      tenants: dict[str, Any]) -> None:
    for _ in range(5):
        assert _login(client, "staff_a", "wrong-password").status_code == 401
    blocked = _login(client, "staff_a")  # right password, too late
    assert blocked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login.fail", target="staff_a").count() == 5
    assert AuditEvent.objects.filter(action="login.throttled").exists()


def test_security_headers(client: Client, tenants: dict[str, Any]) -> None:
    response = client.get("/connexion/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    login_client(client, tenants["a"]["lead"])
    assert client.get("/alertes/")["Cache-Control"] == "no-store"


def test_cookies_are_secure_by_default(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DENTSEC_SECURE_COOKIES", "DJANGO_SETTINGS_MODULE",
                         "DENTSEC_SECRET_KEY")}
    env["DENTSEC_HOME"] = str(tmp_path)
    code = ("from dentsec.server import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
            " s.PASSWORD_HASHERS[0].rsplit('.', 1)[1])")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["True", "True", "True", "Argon2PasswordHasher"]
    assert oct((tmp_path / "server" / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_first_run_needs_the_code_printed_by_serve(client: Client, db: None) -> None:
    assert client.get("/connexion/").url == "/premier-demarrage/"
    code = firstrun.new_code()
    form = {"organisation": "Cabinet du Parc", "username": "docteur", "email": "",
            "password": "Un-mot-de-passe-solide", "password2": "Un-mot-de-passe-solide",
            "code": "wrong-code"}
    assert client.post("/premier-demarrage/", form).status_code == 200
    assert accounts.first_run_needed()
    form["code"] = code
    assert client.post("/premier-demarrage/", form).url == "/connexion/"
    assert not accounts.first_run_needed()
    assert not firstrun.code_path().exists()
    # Once done, the page is gone.
    assert client.get("/premier-demarrage/").url == "/connexion/"


def test_weak_first_password_is_refused(client: Client, db: None) -> None:
    form = {"organisation": "X", "username": "docteur", "email": "", "password": "123456",
            "password2": "123456", "code": firstrun.new_code()}
    assert client.post("/premier-demarrage/", form).status_code == 200
    assert accounts.first_run_needed()


def test_logout_is_post_only_and_logged(client: Client, tenants: dict[str, Any]) -> None:
    login_client(client, tenants["a"]["staff"])
    assert client.get("/deconnexion/").status_code == 405
    assert client.post("/deconnexion/").url == "/connexion/"
    assert AuditEvent.objects.filter(action="logout").exists()
