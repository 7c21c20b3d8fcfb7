"""Managing a device: revoke (confirmed, undone within 30 days), archive, rename."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dentsec.server.console import audit, tenancy
from dentsec.server.console.forms import DeviceNameForm
from dentsec.server.console.models import UNDO_REVOKE_WITHIN, Device, Profile, revoke
from dentsec.server.console.views import managers_only, with_profile


def _device(profile: Profile, device_id: int) -> Device:
    device: Device = tenancy.get_or_404(tenancy.devices(profile).select_related("practice"),
                                        device_id)
    return device


@with_profile
@managers_only
@require_http_methods(["GET", "POST"])
def revoke_device(request: HttpRequest, profile: Profile, device_id: int) -> HttpResponse:
    """GET asks for confirmation; POST revokes."""
    device = _device(profile, device_id)
    if request.method == "GET":
        return render(request, "console/device_revoke.html", {
            "device": device, "undo_until": timezone.now() + UNDO_REVOKE_WITHIN})
    if revoke(device):
        audit.record("device.revoke", request=request, device=device, target=device.name)
        until = date_format(timezone.localtime(device.revoked_at + UNDO_REVOKE_WITHIN)
                            if device.revoked_at else timezone.localtime(), "SHORT_DATE_FORMAT")
        messages.success(request, _("Poste révoqué : il ne compte plus dans les chiffres du "
                                    "cabinet. Vous pouvez annuler jusqu'au %(date)s.")
                         % {"date": until})
    return redirect("console:device", device_id=device.pk)


@with_profile
@managers_only
@require_POST
def restore_device(request: HttpRequest, profile: Profile, device_id: int) -> HttpResponse:
    device = _device(profile, device_id)
    if device.can_undo_revoke:
        Device.objects.filter(pk=device.pk).update(revoked_at=None)
        audit.record("device.restore", request=request, device=device, target=device.name)
        messages.success(request, _("Révocation annulée : le poste peut de nouveau envoyer "
                                    "ses rapports."))
    elif device.revoked_at is not None:
        messages.error(request, _("Plus de 30 jours depuis la révocation (ou poste archivé) : "
                                  "inscrivez de nouveau ce poste avec un jeton."))
    return redirect("console:device", device_id=device.pk)


@with_profile
@managers_only
@require_POST
def archive_device(request: HttpRequest, profile: Profile, device_id: int) -> HttpResponse:
    """Put a revoked device away: out of the device list, its history still readable."""
    device = _device(profile, device_id)
    if device.revoked_at is not None and device.archived_at is None:
        Device.objects.filter(pk=device.pk).update(archived_at=timezone.now())
        audit.record("device.archive", request=request, device=device, target=device.name)
        messages.success(request, _("Poste archivé."))
    return redirect("console:device", device_id=device.pk)


@with_profile
@managers_only
@require_http_methods(["GET", "POST"])
def rename_device(request: HttpRequest, profile: Profile, device_id: int) -> HttpResponse:
    device = _device(profile, device_id)
    form = DeviceNameForm(request.POST or None, initial={"name": device.name})
    if request.method == "POST" and form.is_valid():
        old, device.name = device.name, form.cleaned_data["name"]
        Device.objects.filter(pk=device.pk).update(name=device.name)
        audit.record("device.rename", request=request, device=device,
                     target=f"{old} → {device.name}")
        return redirect("console:device", device_id=device.pk)
    return render(request, "console/device_rename.html", {"device": device, "form": form})
