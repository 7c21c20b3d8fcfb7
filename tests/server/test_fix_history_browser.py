"""The device page's fix history in a real browser (Debian's Chromium), phone and desk widths."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import days_ago, report_bytes
from .test_browser import CHROMIUM, page, shot, sign_in_with_totp  # noqa: F401 - the browser fixture
from .test_fix_history import RUNS

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not __import__("pathlib").Path(CHROMIUM).exists(),
                                 reason="Debian's chromium is not installed")]


@pytest.mark.parametrize("width", [390, 1280])
def test_fix_history_reads_on_a_phone_and_a_desk(page: Any, live_server: Any,  # noqa: F811
                                                 tenants: dict[str, Any], width: int) -> None:
    from dentsec.server.console import ingest

    a = tenants["a"]
    ingest.store_report(a["device_staff"], report_bytes(at=days_ago(0), fix_history=RUNS))
    sign_in_with_totp(page, live_server.url, a["lead"], width)
    page.goto(f"{live_server.url}/poste/{a['device_staff'].pk}/")
    table = page.locator("#fixes")
    assert table.is_visible()
    assert "Correctifs lancés sur ce poste" in page.locator("#fix-history").inner_text()
    rows = table.locator("tbody tr")
    assert "FW-ENABLED" in rows.nth(0).inner_text()  # newest first
    shot(page, f"fix-history-{width}")
    # The history never makes the page wider than the findings table already is.
    widths = page.evaluate("[document.querySelector('#fixes').scrollWidth,"
                           " document.querySelector('#findings').scrollWidth]")
    assert widths[0] <= max(widths[1], width), widths
