"""The scripts a workstation without Python downloads from its console (no sign-in: they
hold no secret, and the one line shown on the enrollment page fetches them)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from dentsec.agent import powershell

SCRIPTS = {name: powershell.script_path().with_name(name)
           for name in (powershell.SCRIPT_NAME, powershell.COLLECTOR_NAME)}


@require_GET
def script(request: HttpRequest, name: str) -> HttpResponse:
    path = SCRIPTS.get(name)
    if path is None:
        raise Http404(name)
    response = HttpResponse(path.read_bytes(), content_type="text/plain; charset=us-ascii")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
