"""The practice's network page: the scan plan (managers set it) and the latest scans with
what changed since the one before."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from dentsec.errors import DentsecError
from dentsec.server.console import audit, tenancy
from dentsec.server.console.models import Profile
from dentsec.server.console.views import _practice, managers_only, with_profile
from dentsec.server.netscan import store
from dentsec.server.netscan.forms import PlanForm
from dentsec.server.netscan.models import NetworkScan, ScanPlan


@with_profile
@managers_only
def network(request: HttpRequest, profile: Profile, practice_id: int) -> HttpResponse:
    practice = _practice(profile, practice_id)
    devices = tenancy.devices(profile).filter(practice=practice, revoked_at=None)
    plan = ScanPlan.objects.filter(practice=practice).select_related("device").first()
    initial = ({"targets": "\n".join(plan.targets), "device": plan.device_id,
                "ports": plan.ports, "allow_public": plan.allow_public} if plan else None)
    form = PlanForm(request.POST or None, devices=devices, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = store.configure(practice, data["device"], data["targets"].split(),
                                   data["ports"].strip() or "top", data["allow_public"])
        except DentsecError as exc:
            lang = get_language() or "fr"
            form.add_error("targets", exc.en if lang.startswith("en") else exc.fr)
        else:
            audit.record("scan-plan.save", request=request, practice=practice,
                         target=" ".join(plan.targets)[:255])
            return redirect("netscan:network", practice_id=practice.pk)
    scans = NetworkScan.objects.filter(practice=practice).order_by("-started_at")[:10]
    return render(request, "netscan/network.html", {
        "practice": practice, "form": form, "plan": plan, "scans": scans})
