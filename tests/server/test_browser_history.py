"""History charts, the alert digest's link and alert handling in Debian's Chromium, at phone
(390 px) and desktop (1280 px) widths, against a live server and a real SMTP server."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from django.utils import timezone

from .smtp import SmtpServer
from .test_browser import CHROMIUM, PASSWORD, page, shot, sign_in  # noqa: F401 (page: fixture)

WIDTHS = (390, 1280)
DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")
WIDER_THAN_SCREEN = """() => { const w = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('table, .scroll'))
    .slice(0, 5).map(e => `${e.tagName}.${e.className} ${e.getBoundingClientRect().right}`); }"""

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                 reason="Debian's chromium is not installed")]


def _seed() -> dict[str, Any]:
    """A practice with two devices, 60 days of history each, and a lead with TOTP."""
    from dentsec.server.console import accounts, ingest
    from dentsec.server.console.models import ROLE_PRACTICE_LEAD, Practice

    from .conftest import load_report

    admin = accounts.create_admin("Infogérance du Rhône", "admin", PASSWORD,
                                  email="admin@example.invalid")
    practice = Practice.objects.create(provider=admin.provider, name="Cabinet du Parc")
    lead = accounts.create_member(practice, "docteur", PASSWORD, ROLE_PRACTICE_LEAD,
                                  email="docteur@example.invalid")
    for profile in (admin, lead):
        profile.totp_secret = pyotp.random_base32()
        profile.totp_confirmed = True
        profile.save()
    devices = []
    for name, base in (("poste-accueil", "report-windows.json"),
                       ("poste-radio", "report-linux.json")):
        _, token = ingest.create_token(practice, by=admin.user)
        device = ingest.enroll(token, name).device
        for days in range(60, -1, -6):
            data = load_report(base)
            data["generated_at"] = (timezone.now() - timedelta(days=days)).isoformat()
            data["score"]["overall"] = max(0, min(100, data["score"]["overall"] - days // 3))
            ingest.store_report(device, json.dumps(data).encode(), sent_at=timezone.now())
        devices.append(device)
    return {"practice": practice, "lead": lead, "admin": admin, "devices": devices}


def _fits(tab: Any, width: int) -> None:
    """Nothing wider than the screen: no sideways scrolling of the whole page."""
    if tab.evaluate("document.documentElement.scrollWidth") > width:
        raise AssertionError(tab.evaluate(WIDER_THAN_SCREEN))


def _charts_with_dates(tab: Any, selector: str, width: int) -> None:
    chart = tab.locator(selector).first
    chart.wait_for(state="visible")  # after a click, the next page may still be loading
    dates = chart.locator("text.date").all_text_contents()  # SVG text: no innerText
    assert len(dates) == 4 and all(DATE.match(d) for d in dates), dates
    box = chart.bounding_box()
    assert box is not None and box["width"] <= width and box["height"] > 80
    assert chart.locator("polyline.line").count() == 1
    assert chart.locator("circle.dot").count() >= 2  # first, last, and each change


def test_digest_link_charts_and_alerts_at_both_widths(page: Any, live_server: Any,  # noqa: F811
                                                      smtp: SmtpServer, settings: Any) -> None:
    from dentsec.server.console import digest

    world = _seed()
    settings.PUBLIC_URL = live_server.url
    assert digest.send_digests() == 2  # the admin's digest and the lead's
    mail = smtp.wait_for(2) and smtp.to("docteur@example.invalid")[0]
    assert mail.subject == "[dentsec] Cabinet du Parc : 2 alertes"
    links = re.findall(re.escape(live_server.url) + r"(/poste/\d+/corriger/[A-Z0-9-]+/)",
                       mail.body)
    assert links, mail.body
    sign_in(page, live_server.url, "docteur", world["lead"].totp_secret)
    page.goto(live_server.url + links[0])
    assert page.inner_text("#fix-title") == "Sauvegarde récente"  # the digest's first check
    shot(page, "h13b-01-digest-link")
    device = world["devices"][0]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/poste/{device.pk}/")
        fixes = page.locator("#device-fixes li")
        assert fixes.count() == 5 and fixes.first.is_visible()
        _charts_with_dates(page, "#device-chart svg", width)
        assert page.locator("#rule-charts svg").count() == 6
        _fits(page, width)
        shot(page, f"h13b-02-device-{width}")
        page.goto(f"{live_server.url}/cabinet/{world['practice'].pk}/")
        _charts_with_dates(page, "#practice-chart svg", width)
        _fits(page, width)
        shot(page, f"h13b-03-practice-{width}")
        page.click("#rule-scores a >> nth=3")  # rule 4
        _charts_with_dates(page, "#rule-chart svg", width)
        assert "poste-accueil" in page.inner_text("#rule-devices")
        shot(page, f"h13b-04-rule-{width}")
        page.goto(f"{live_server.url}/alertes/")
        _fits(page, width)
        shot(page, f"h13b-05-alerts-{width}")
        page.goto(f"{live_server.url}/controle/BAK-RECENT/")
        assert "1 poste à corriger sur 2" in page.inner_text("#check-summary")
        _fits(page, width)
        shot(page, f"h13b-07-check-{width}")
    # Acknowledge one alert at phone width: the counts follow.
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/alertes/")
    open_before = int(page.inner_text('[data-state="ouvertes"]'))
    page.locator("#alerts button:text('Acquitter')").first.click()
    assert int(page.inner_text('[data-state="ouvertes"]')) == open_before - 1
    assert page.inner_text('[data-state="acquittees"]') == "1"
    shot(page, "h13b-06-alert-acknowledged")
    # The provider's overview, at both widths too.
    page.click("#logout")
    sign_in(page, live_server.url, "admin", world["admin"].totp_secret)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/prestataire/")
        assert "Cabinet du Parc" in page.inner_text("#practices")
        _fits(page, width)
        shot(page, f"h13b-08-provider-{width}")
