"""Asking a workstation to apply a fix at its next run, and cancelling the request
(issue 16). The fix page shows the offer and the requests (views.fix)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dentsec.fix.model import FIXABLE
from dentsec.server.console import audit, fix_requests, tenancy
from dentsec.server.console.models import Profile
from dentsec.server.console.views import managers_only, with_profile


@with_profile
@managers_only
@require_POST
def ask_fix(request: HttpRequest, profile: Profile, device_id: int,
            check_id: str) -> HttpResponse:
    device = tenancy.get_or_404(tenancy.devices(profile).select_related("practice"),
                                device_id)
    report = device.current_report
    if not any(f["id"] == check_id and f["status"] in FIXABLE
               for f in (report.findings if report else [])):
        raise Http404
    assert isinstance(request.user, User)  # with_profile: signed in
    try:
        made = fix_requests.create(device, check_id, request.user)
    except fix_requests.NotPossible as exc:
        messages.error(request, str(fix_requests.WHY_NOT.get(str(exc), exc)))
    else:
        audit.record("fix-request.create", request=request, device=device,
                     target=f"{check_id} #{made.pk}")
        messages.success(request, _("Demande envoyée : au prochain passage de l'agent, la "
                                    "personne au poste verra la correction et devra la "
                                    "confirmer (dentsec fix --requests)."))
    return redirect("console:fix", device_id=device.pk, check_id=check_id)


@with_profile
@managers_only
@require_POST
def cancel_fix_request(request: HttpRequest, profile: Profile, request_id: int) -> HttpResponse:
    found = tenancy.get_or_404(tenancy.fix_requests(profile).select_related("device"),
                               request_id)
    if fix_requests.cancel(found):
        audit.record("fix-request.cancel", request=request, device=found.device,
                     target=f"{found.check_id} #{found.pk}")
        messages.success(request, _("Demande de correction annulée."))
    else:
        messages.error(request, _("Cette demande n'est plus en cours : rien à annuler."))
    return redirect("console:fix", device_id=found.device_id, check_id=found.check_id)
