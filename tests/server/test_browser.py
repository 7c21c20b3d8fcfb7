"""Main flows in a real browser (Playwright driving Debian's Chromium) against a live server:
first run, enroll a device, see its report, fix view, role limits."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from click.testing import CliRunner

from dentsec.server import firstrun

from .conftest import FIXTURES

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PASSWORD = "Un-mot-de-passe-solide-2026"

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                 reason="Debian's chromium is not installed "
                                        "(.ci/setup.d/40-server.sh installs it)")]


@pytest.fixture
def page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls made by the
    # test itself are still plain synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()


def shot(page: Any, name: str) -> None:
    """Screenshots for a human to look at, when DENTSEC_SCREENSHOTS names a folder."""
    folder = os.environ.get("DENTSEC_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def sign_in(page: Any, base: str, username: str, secret: str | None = None,
            password: str = PASSWORD) -> None:
    page.goto(base + "/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login")
    if secret is not None:
        page.fill("#id_code", pyotp.TOTP(secret).now())
        page.click("#verify")


def sign_in_with_totp(page: Any, base: str, profile: Any, width: int) -> None:
    """A member of the ``tenants`` fixture (password "x" * 16), given a confirmed TOTP
    secret, signs in at ``width`` pixels."""
    from dentsec.server.console.models import Profile

    secret = pyotp.random_base32()
    Profile.objects.filter(pk=profile.pk).update(totp_secret=secret, totp_confirmed=True)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, base, profile.user.username, secret, password="x" * 16)


def test_first_run_enroll_report_fix_and_roles(page: Any, live_server: Any, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from dentsec.server.console import accounts
    from dentsec.server.console.models import ROLE_STAFF, Practice, Profile

    base = live_server.url
    # --- first run: the code printed by `dentsec serve`, then the administrator's TOTP
    code = firstrun.new_code()
    page.goto(base + "/")
    assert page.url.endswith("/premier-demarrage/")
    page.fill("#id_code", code)
    page.fill("#id_organisation", "Infogérance du Rhône")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    shot(page, "01-first-run")
    page.click("#create-admin")
    sign_in(page, base, "admin")
    assert page.url.endswith("/compte/double-authentification/")
    qr = page.locator("img.qr")
    for _ in range(50):  # wait_for_function would need 'unsafe-eval', which our CSP refuses
        if qr.evaluate("img => img.complete"):
            break
        page.wait_for_timeout(100)
    assert qr.evaluate("img => img.naturalWidth") > 0
    shot(page, "02-totp-setup")
    secret = page.inner_text("#totp-secret").strip()
    page.fill("#id_code", pyotp.TOTP(secret).now())
    page.click("#verify")
    assert len(page.locator("#recovery-codes code").all_inner_texts()) == 10  # shown once
    page.click("#codes-done")
    assert page.url.endswith("/prestataire/")
    page.fill("#id_name", "Cabinet du Parc")
    page.click("#add-practice")
    assert "Cabinet du Parc" in page.inner_text("h1")

    # --- enroll a device: token made through htmx, then the agent on "the device"
    page.click("#enroll-link")
    page.evaluate("window.stillHere = true")
    page.click("#new-token")
    command = page.inner_text("#enroll-command")
    assert page.evaluate("window.stillHere === true")  # swapped in by htmx, no reload
    shot(page, "03-token")
    match = re.search(r"--server (\S+) --token (\S+)", command)
    assert match is not None and match.group(1) == base
    monkeypatch.setenv("DENTSEC_HOME", str(tmp_path / "device"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    from dentsec.cli import main

    runner = CliRunner()
    enrolled = runner.invoke(main, ["agent", "enroll", "--server", match.group(1),
                                    "--token", match.group(2), "--name", "poste-accueil"])
    assert enrolled.exit_code == 0, enrolled.output
    sent = runner.invoke(main, ["agent", "run", "--report-file",
                                str(FIXTURES / "report-windows.json")])
    assert sent.exit_code == 0, sent.output

    # --- see its report: overview, device list, device detail, fix view
    practice = Practice.objects.get(name="Cabinet du Parc")
    page.goto(f"{base}/cabinet/{practice.pk}/")
    assert "Sauvegarde récente" in page.inner_text("#top-fixes")
    shot(page, "04-practice")
    page.goto(f"{base}/cabinet/{practice.pk}/postes/")
    row = page.inner_text("#devices")
    assert "poste-accueil" in row and "Windows 10" in row and "dépassée" in row
    shot(page, "05-devices")
    page.click("text=poste-accueil")
    assert page.inner_text("#device-score") == "48"
    shot(page, "06-device")
    page.click("a[href$='/corriger/BAK-RECENT/']")
    assert "Branchez le disque" in page.inner_text("#fix-practice")
    assert "dentsec backup run" in page.inner_text("#fix-it")
    shot(page, "07-fix")

    # --- role limits: a staff member sees their own devices only, and no practice page
    accounts.create_member(practice, "assistante", PASSWORD, ROLE_STAFF)
    page.click("#logout")
    sign_in(page, base, "assistante")
    assert page.url.endswith("/postes/")
    assert "Aucun poste inscrit." in page.inner_text("#devices")
    shot(page, "08-staff")
    response = page.goto(f"{base}/cabinet/{practice.pk}/")
    assert response is not None and response.status == 404
    assert Profile.objects.get(user__username="admin").totp_confirmed


def test_english_interface(page: Any, live_server: Any) -> None:
    from dentsec.server.console import accounts
    from dentsec.server.console.models import ROLE_STAFF, Practice, Provider

    practice = Practice.objects.create(provider=Provider.objects.create(name="P"), name="C")
    accounts.create_admin("", "admin", PASSWORD, provider=practice.provider)
    accounts.create_member(practice, "staff", PASSWORD, ROLE_STAFF)
    sign_in(page, live_server.url, "staff")
    page.click("button[value=en]")
    assert "My devices" in page.inner_text("header")
    assert "No device enrolled." in page.inner_text("#devices")
    shot(page, "09-english")
