"""Asking a workstation for a fix, in a real browser (Debian's Chromium), phone and desk
widths: the button posts with its CSRF token, the state and the cancel button show, the
cancellation works."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import days_ago, report_bytes
from .test_browser import CHROMIUM, page, shot, sign_in_with_totp  # noqa: F401 - the browser fixture

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not __import__("pathlib").Path(CHROMIUM).exists(),
                                 reason="Debian's chromium is not installed")]


@pytest.mark.parametrize("width", [390, 1280])
def test_ask_then_cancel_on_a_phone_and_a_desk(page: Any, live_server: Any,  # noqa: F811
                                               tenants: dict[str, Any], width: int) -> None:
    from dentsec.server.console import ingest
    from dentsec.server.console.fix_request_models import FixRequest
    from dentsec.server.console.models import Device

    a = tenants["a"]
    device = a["device_staff"]
    ingest.store_report(device, report_bytes("report-linux.json", at=days_ago(0)))
    Device.objects.filter(pk=device.pk).update(agent_kind="python")
    sign_in_with_totp(page, live_server.url, a["lead"], width)
    page.goto(f"{live_server.url}/poste/{device.pk}/corriger/PWD-MIN-LENGTH/")
    assert "dentsec fix --requests" in page.inner_text("#ask-fix-form")
    shot(page, f"fix-request-offer-{width}")
    page.click("#ask-fix")
    assert "Demande envoyée" in page.inner_text("main")
    assert "demandée, pas encore reçue par le poste" in page.inner_text("#fix-requests")
    assert FixRequest.objects.get().status == "pending"
    shot(page, f"fix-request-pending-{width}")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths  # nothing wider than the screen
    page.click("button.cancel-request")
    assert "Demande de correction annulée." in page.inner_text("main")
    assert FixRequest.objects.get().status == "cancelled"
    assert page.locator("#ask-fix").is_visible()  # a new request may be made
    page.goto(f"{live_server.url}/poste/{device.pk}/")
    assert "annulée" in page.inner_text("#fix-requests")
    shot(page, f"fix-request-device-{width}")
