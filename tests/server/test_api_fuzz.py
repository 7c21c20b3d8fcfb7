"""schemathesis against the served OpenAPI document: no input gives a server error.

Every operation is fuzzed three ways: anonymous, as a signed-in practice lead (session
cookie and CSRF token), and as an enrolled device (bearer credential).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from hypothesis import HealthCheck, settings
from schemathesis.generation.case import Case

from .conftest import login_client

# Evidence bundles (POST /api/v1/agent/evidence) are sent as raw bytes, like any binary body.
schemathesis.serializer.alias("application/zip", "application/octet-stream")

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def keep_test_connection() -> Any:
    """Like Django's test client: the request must not close the test transaction's
    connection (the WSGI handler does so at the end of every request)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["anonymous", "lead", "device"])
def credentials(request: pytest.FixtureRequest, tenants: dict[str, Any],
                client: Any) -> dict[str, Any]:
    if request.param == "device":
        return {"headers": {"Authorization": f"Bearer {tenants['a']['credential']}"}}
    if request.param == "lead":
        login_client(client, tenants["a"]["lead"])
        csrf = _get_new_csrf_string()
        return {"headers": {"X-CSRFToken": csrf},
                "cookies": {"sessionid": client.cookies["sessionid"].value,
                            "csrftoken": csrf}}
    return {}


@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_no_server_error(case: Case, credentials: dict[str, Any]) -> None:
    response = case.call(**credentials)
    assert response.status_code < 500, (case.method, case.formatted_path,
                                        response.status_code, response.text[:500])



@pytest.mark.django_db(transaction=False)
def test_fix_requests_answer_as_documented(tenants: dict[str, Any]) -> None:
    """Issue 16: with a request waiting (and one withdrawn), the agent's route answers what
    the OpenAPI document says, and a revoked device gets its 403 (the fuzzing above covers
    the route's other inputs)."""
    from datetime import timedelta

    from django.utils import timezone

    from dentsec.server.console.fix_request_models import FixRequest
    from dentsec.server.console.models import Device

    device = tenants["a"]["device_staff"]
    Device.objects.filter(pk=device.pk).update(agent_kind="python")
    now = timezone.now()
    FixRequest.objects.create(device=device, check_id="PWD-MIN-LENGTH",
                              fix_name="windows-password-policy", requested_by_name="lead_a",
                              expires_at=now + timedelta(days=14))
    FixRequest.objects.create(device=device, check_id="FW-SMB1", fix_name="windows-smb1-off",
                              requested_by_name="lead_a", status="cancelled",
                              expires_at=now + timedelta(days=14), delivered_at=now,
                              closed_at=now)
    operation = schema["/api/v1/agent/fix-requests"]["GET"]
    auth = {"headers": {"Authorization": f"Bearer {tenants['a']['credential']}"}}
    response = operation.Case().call(**auth)
    assert response.status_code == 200
    operation.validate_response(response)
    assert [r["check"] for r in response.json()["requests"]] == ["PWD-MIN-LENGTH"]
    assert len(response.json()["withdrawn"]) == 1
    Device.objects.filter(pk=device.pk).update(revoked_at=now)
    revoked = operation.Case().call(**auth)
    assert revoked.status_code == 403
    operation.validate_response(revoked)
