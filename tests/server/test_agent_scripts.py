"""dentsec-agent.ps1's HTTP exchanges, from the server side: the routes and media types
it uses are those of the OpenAPI document, the request it sends is accepted, and the
answers carry the fields it reads. The console serves the scripts and the enrollment line.
"""

from __future__ import annotations

import gzip
import re
from email.utils import formatdate
from typing import Any

import pytest
from django.test import Client

from dentsec.agent import enroll_line, powershell
from dentsec.server.console import ingest
from dentsec.server.console.models import Device, Practice, Provider

from .conftest import login_client
from .test_evidence import zipped

pytestmark = pytest.mark.django_db

SCRIPT = powershell.script_path().read_text(encoding="ascii")


def constant(name: str) -> str:
    match = re.search(rf"^\${name} = '([^']*)'$", SCRIPT, re.M)
    assert match, name
    return match.group(1)


def test_agent_routes_and_media_types_are_in_the_openapi_document(client: Client) -> None:
    spec = client.get("/api/openapi.json").json()
    enroll = spec["paths"]["/api/v1/enroll"]["post"]
    assert "application/json" in enroll["requestBody"]["content"]
    evidence = spec["paths"][constant("EvidencePath")]["post"]
    assert constant("EnrollPath") == "/api/v1/enroll"
    assert "get" in spec["paths"][constant("MePath")]
    assert constant("EvidenceType") in evidence["requestBody"]["content"]
    # the fields the script reads in the answers
    schemas = spec["components"]["schemas"]
    assert {"credential", "device_id", "practice"} <= set(schemas["EnrollOut"]["properties"])
    assert {"score", "fixes"} <= set(schemas["EvaluatedOut"]["properties"])
    assert "title" in schemas["FixOut"]["properties"]
    assert {"code", "fr", "en"} <= set(schemas["Problem"]["properties"])
    assert "403" in evidence["responses"] and "201" in evidence["responses"]


def test_the_agents_requests_are_accepted(client: Client) -> None:
    provider = Provider.objects.create(name="Prestataire")
    practice = Practice.objects.create(provider=provider, name="Cabinet Martin")
    _, token = ingest.create_token(practice, by=None)
    # Invoke-Enroll: JSON {token, name}
    enrolled = client.post("/api/v1/enroll", data={"token": token, "name": "PC-SALLE2"},
                           content_type="application/json")
    assert enrolled.status_code == 201
    answer = enrolled.json()
    # Send-Queue: the zip gzip-encoded, bearer credential, Date, User-Agent
    headers = {"HTTP_AUTHORIZATION": f"Bearer {answer['credential']}",
               "HTTP_CONTENT_ENCODING": "gzip", "HTTP_DATE": formatdate(usegmt=True),
               "HTTP_USER_AGENT": "dentsec-agent.ps1/1"}
    body = gzip.compress(zipped("windows-no-admin"))
    sent = client.post(constant("EvidencePath"), data=body,
                       content_type=constant("EvidenceType"), **headers)
    assert sent.status_code == 201, sent.content
    assert isinstance(sent.json()["score"], int) and sent.json()["fixes"][0]["title"]
    again = client.post(constant("EvidencePath"), data=body,
                        content_type=constant("EvidenceType"), **headers)
    assert again.status_code == 409  # the script drops it from its queue too
    device = Device.objects.get(pk=answer["device_id"])
    assert device.clock_offset is not None and device.agent_kind == "powershell"
    from django.utils import timezone

    Device.objects.filter(pk=device.pk).update(revoked_at=timezone.now())
    revoked = client.post(constant("EvidencePath"), data=body,
                          content_type=constant("EvidenceType"), **headers)
    assert revoked.status_code == 403 and revoked.json()["code"] == "device-revoked"
    assert "'device-revoked'" in SCRIPT
    # Invoke-Run's probe while revoked: 403 keeps it waiting, 200 once undone
    me = {"HTTP_AUTHORIZATION": headers["HTTP_AUTHORIZATION"]}
    assert client.get(constant("MePath"), **me).status_code == 403
    Device.objects.filter(pk=device.pk).update(revoked_at=None)
    assert client.get(constant("MePath"), **me).status_code == 200


@pytest.mark.parametrize("name", [powershell.SCRIPT_NAME, powershell.COLLECTOR_NAME])
def test_console_serves_the_scripts(client: Client, name: str) -> None:
    response = client.get(f"/agent/{name}")
    assert response.status_code == 200
    assert response.content == powershell.script_path().with_name(name).read_bytes()
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert client.get("/agent/settings.py").status_code == 404
    assert client.get("/agent/..%2Fsettings.py").status_code == 404


def test_enrollment_page_shows_the_windows_line(client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    login_client(client, a["admin"])
    page = client.post(f"/cabinet/{a['practice'].pk}/inscription/",
                       {"days": 7, "max_uses": 1}).content.decode()
    token = re.search(r"--token (dse_[\w-]+)", page)
    assert token, page[:2000]
    assert enroll_line.line("http://testserver", token.group(1)) in page
    assert "Ce que fait cette ligne" in page and "/agent/dentsec-agent.ps1" in page
