"""The Windows and macOS enrollment lines and devices reported by the PowerShell and shell
agents, in Debian's Chromium at phone (390 px) and desktop (1280 px) widths, against a
live server."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pyotp
import pytest

from dentsec.collect.macos.shell import COLLECTOR

from .test_browser import CHROMIUM, PASSWORD, page, shot, sign_in  # noqa: F401 (page: fixture)
from .test_browser_history import _fits
from .test_evidence import zipped

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                 reason="Debian's chromium is not installed")]


@pytest.mark.parametrize("width", [390, 1280])
def test_enrollment_line_and_agent_of_a_device(page: Any, live_server: Any,  # noqa: F811
                                               width: int) -> None:
    import httpx

    from dentsec.server.console import accounts, ingest
    from dentsec.server.console.models import Practice

    admin = accounts.create_admin("Infogérance du Rhône", "admin", PASSWORD,
                                  email="admin@example.invalid")
    admin.totp_secret = pyotp.random_base32()
    admin.totp_confirmed = True
    admin.save()
    practice = Practice.objects.create(provider=admin.provider, name="Cabinet du Parc")
    _, token = ingest.create_token(practice, by=admin.user)
    device = ingest.enroll(token, "poste-accueil")
    sent = httpx.post(live_server.url + "/api/v1/agent/evidence",
                      content=zipped("windows-unmanaged-win10"),
                      headers={"Authorization": f"Bearer {device.credential}",
                               "Content-Type": "application/zip"}, timeout=60)
    assert sent.status_code == 201, sent.text

    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, "admin", admin.totp_secret)
    page.goto(f"{live_server.url}/poste/{device.device.pk}/")
    agent = page.locator("#device-agent")
    assert agent.inner_text().startswith("agent PowerShell 1 · preuves évaluées par la console le")
    _fits(page, width)
    shot(page, f"agent-device-{width}")

    page.goto(f"{live_server.url}/cabinet/{practice.pk}/inscription/")
    page.click("#new-token")
    line = page.locator("#enroll-command-windows")
    line.wait_for(state="visible")
    assert line.inner_text().startswith("powershell.exe -NoProfile -ExecutionPolicy Bypass "
                                        "-EncodedCommand ")
    mac = page.locator("#enroll-command-mac")
    assert mac.inner_text().startswith("d=$(mktemp -d) && curl -fsS --proto =https --tlsv1.2 ")
    assert "sudo sh \"$d/dentsec-agent.sh\" enroll --install" in mac.inner_text()
    _fits(page, width)
    shot(page, f"agent-enrollment-{width}")

    # a Mac reported by the shell collector (which writes this sample item for item:
    # tests/collect/macos/test_shell.py), under the shell collector's name
    _, mac_token = ingest.create_token(practice, by=admin.user)
    mac_device = ingest.enroll(mac_token, "mac-fauteuil-2")
    sent = httpx.post(live_server.url + "/api/v1/agent/evidence",
                      content=as_shell_bundle(zipped("macos-unmanaged")),
                      headers={"Authorization": f"Bearer {mac_device.credential}",
                               "Content-Type": "application/zip"}, timeout=60)
    assert sent.status_code == 201, sent.text
    page.goto(f"{live_server.url}/poste/{mac_device.device.pk}/")
    assert page.locator("#device-agent").inner_text().startswith(
        "agent shell (macOS) 1 · preuves évaluées par la console le")
    _fits(page, width)
    shot(page, f"agent-mac-device-{width}")


def as_shell_bundle(data: bytes) -> bytes:
    """The same zip with the manifest's collector set to the shell collector's."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "manifest.json":
                manifest = json.loads(body)
                manifest["collector"] = COLLECTOR
                body = json.dumps(manifest).encode("utf-8")
            zf.writestr(info.filename, body)
    return out.getvalue()
