"""The scripts a workstation without Python downloads from its console (no sign-in: they
hold no secret, and the one line shown on the enrollment page fetches them)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from dentsec.agent import powershell, shell

SCRIPTS = {
    **{name: (powershell.script_path().with_name(name), "us-ascii")
       for name in (powershell.SCRIPT_NAME, powershell.COLLECTOR_NAME)},
    **{name: (shell.script_path().with_name(name), "utf-8")
       for name in (shell.SCRIPT_NAME, shell.COLLECTOR_NAME)},
}
"""Script name -> (file, charset): the PowerShell ones are ASCII, the sh ones UTF-8."""


@require_GET
def script(request: HttpRequest, name: str) -> HttpResponse:
    found = SCRIPTS.get(name)
    if found is None:
        raise Http404(name)
    path, charset = found
    response = HttpResponse(path.read_bytes(), content_type=f"text/plain; charset={charset}")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
