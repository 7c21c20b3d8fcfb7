"""The new flows in Debian's Chromium, at phone (390 px) and desktop (1280 px) widths:
a password reset by one-time link, a recovery code at the second-factor prompt, and a
device revoked (after confirmation) then restored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest

from .conftest import report_bytes
from .test_browser import CHROMIUM, CHROMIUM_ARGS, PASSWORD, shot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                 reason="Debian's chromium is not installed "
                                        "(.ci/setup.d/40-server.sh installs it)")]
NEW_PASSWORD = "Une-phrase-choisie-par-elle-2026"


@pytest.fixture(params=[390, 1280], ids=["phone", "desktop"])
def browser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        chromium.width = request.param  # type: ignore[attr-defined]
        yield chromium
        chromium.close()


def _page(browser: Any) -> Any:
    width = browser.width
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def _fits(page: Any) -> None:
    """Nothing wider than the screen: no sideways scrolling on a phone."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 1:
        page.screenshot(path="/tmp/h13a/overflow.png", full_page=True)
    assert overflow <= 1, f"{overflow}px wider than the window"


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    from dentsec.server.console import accounts, ingest
    from dentsec.server.console.models import ROLE_PRACTICE_LEAD, Practice, Provider

    provider = Provider.objects.create(name="Infogérance du Rhône")
    practice = Practice.objects.create(provider=provider, name="Cabinet du Parc")
    admin = accounts.create_admin("", "admin", PASSWORD, provider=provider)
    admin.totp_secret = pyotp.random_base32()
    admin.totp_confirmed = True
    admin.save()
    lead = accounts.create_member(practice, "docteur", PASSWORD, ROLE_PRACTICE_LEAD)
    devices = []
    for name in ("poste-accueil", "poste-fauteuil-1"):
        _, token = ingest.create_token(practice, by=None)
        enrolled = ingest.enroll(token, name)
        ingest.store_report(enrolled.device, report_bytes())
        devices.append(enrolled.device)
    return {"admin": admin, "lead": lead, "practice": practice, "devices": devices}


def test_reset_by_link_then_a_recovery_code(browser: Any, live_server: Any,
                                            world: dict[str, Any]) -> None:
    base, width = live_server.url, browser.width
    admin_page = _page(browser)
    sign_in(admin_page, base, "admin", world["admin"].totp_secret)
    admin_page.goto(base + "/personnes/")
    _fits(admin_page)
    admin_page.click(f"#reset-password-{world['lead'].pk}")
    link = admin_page.inner_text("#account-link").strip()
    assert link.startswith(base + "/compte/lien/dsl_")
    shot(admin_page, f"a1-reset-link-{width}")
    _fits(admin_page)

    # The lead opens the link in their own browser and chooses a password.
    lead_page = _page(browser)
    lead_page.goto(link)
    lead_page.fill("#id_password", NEW_PASSWORD)
    lead_page.fill("#id_password2", NEW_PASSWORD)
    shot(lead_page, f"a2-choose-password-{width}")
    _fits(lead_page)
    lead_page.click("#set-password")
    assert lead_page.url.endswith("/connexion/")
    lead_page.fill("#id_username", "docteur")
    lead_page.fill("#id_password", NEW_PASSWORD)
    lead_page.click("#login")
    assert lead_page.url.endswith("/compte/double-authentification/")
    secret = lead_page.inner_text("#totp-secret").strip()
    lead_page.fill("#id_code", pyotp.TOTP(secret).now())
    lead_page.click("#verify")
    codes = [c.strip() for c in lead_page.locator("#recovery-codes code").all_inner_texts()]
    assert len(codes) == 10
    shot(lead_page, f"a3-recovery-codes-{width}")
    _fits(lead_page)
    lead_page.click("#codes-done")
    lead_page.click("#logout")

    # Phone lost: a recovery code at the prompt.
    lead_page.fill("#id_username", "docteur")
    lead_page.fill("#id_password", NEW_PASSWORD)
    lead_page.click("#login")
    assert lead_page.url.endswith("/connexion/code/")
    assert "codes de secours" in lead_page.inner_text("main")
    lead_page.fill("#id_code", codes[0])
    shot(lead_page, f"a4-recovery-prompt-{width}")
    lead_page.click("#verify")
    assert lead_page.url.endswith(f"/cabinet/{world['practice'].pk}/")
    assert "Il vous en reste 9" in lead_page.inner_text("main")
    shot(lead_page, f"a5-after-recovery-{width}")
    _fits(lead_page)
    # The old link is spent.
    lead_page.goto(link)
    assert "ne fonctionne plus" in lead_page.inner_text("h1")


def test_revoke_with_confirmation_then_undo(browser: Any, live_server: Any,
                                            world: dict[str, Any]) -> None:
    base, width = live_server.url, browser.width
    page = _page(browser)
    sign_in(page, base, "admin", world["admin"].totp_secret)
    device = world["devices"][0]
    practice_url = f"{base}/cabinet/{world['practice'].pk}/"
    page.goto(practice_url)
    assert "2 postes" in page.inner_text(".actions")
    page.goto(f"{base}/poste/{device.pk}/")
    page.click("#revoke-link")
    assert "Révoquer « poste-accueil » ?" in page.inner_text("h1")
    shot(page, f"b1-revoke-confirm-{width}")
    _fits(page)
    page.click("#cancel-revoke")  # changed their mind: nothing happened
    device.refresh_from_db()
    assert device.revoked_at is None
    page.click("#revoke-link")
    page.click("#confirm-revoke")
    assert "annuler jusqu" in page.inner_text(".flash")
    assert page.is_visible("#undo-revoke")
    shot(page, f"b2-revoked-{width}")
    _fits(page)
    page.goto(practice_url)
    assert "1 poste" in page.inner_text(".actions")
    assert "poste-accueil" not in page.inner_text("#top-fixes")
    page.goto(f"{base}/poste/{device.pk}/")
    page.click("#undo-revoke")
    assert "Révocation annulée" in page.inner_text(".flash")
    assert page.is_visible("#revoke-link")
    shot(page, f"b3-restored-{width}")
    page.goto(practice_url)
    assert "2 postes" in page.inner_text(".actions")
