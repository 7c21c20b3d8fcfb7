"""Pages for what people declare and do (issue 15): the questionnaire, the incident
reflex sheet and the incident log. Managers only, scoped through tenancy."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from dentsec.report.pdf import html_to_pdf
from dentsec.server.console import audit, questionnaire, tenancy
from dentsec.server.console.models import (
    ANSWER_CHOICES,
    Device,
    Incident,
    Profile,
    ReflexContacts,
)
from dentsec.server.console.people_forms import ContactsForm, IncidentForm
from dentsec.server.console.views import _practice, managers_only, with_profile

VALUES = frozenset(value for value, _label in ANSWER_CHOICES)


@with_profile
@managers_only
@require_http_methods(["GET", "POST"])
def answer_questions(request: HttpRequest, profile: Profile, practice_id: int) -> HttpResponse:
    obj = _practice(profile, practice_id)
    if request.method == "POST":
        given = {key: value for key, value in request.POST.items() if value in VALUES}
        saved = questionnaire.save(obj, profile, given)
        if saved:
            audit.record("questionnaire.answer", request=request, practice=obj,
                         target=str(saved))
        messages.success(request, ngettext("%(n)d réponse enregistrée.",
                                           "%(n)d réponses enregistrées.", saved)
                         % {"n": saved} if saved else _("Aucune réponse modifiée."))
        return redirect("console:questionnaire", obj.pk)
    rows = questionnaire.rows(obj)
    return render(request, "console/questionnaire.html", {
        "practice": obj, "subject": obj.name, "choices": ANSWER_CHOICES,
        "parts": [(_("Le cabinet"), [r for r in rows if r.question.part == "practice"]),
                  (_("Le prestataire informatique"),
                   [r for r in rows if r.question.part == "provider"])]})


@with_profile
@require_http_methods(["GET", "POST"])
def answer_device_questions(request: HttpRequest, profile: Profile,
                            device_id: int) -> HttpResponse:
    """The habits at one workstation's desk, answered by whoever may see the device (its
    owner included)."""
    device: Device = tenancy.get_or_404(tenancy.devices(profile).select_related("practice"),
                                        device_id)
    if request.method == "POST":
        given = {key: value for key, value in request.POST.items() if value in VALUES}
        saved = questionnaire.save(device.practice, profile, given, device)
        if saved:
            audit.record("questionnaire.answer", request=request, device=device,
                         target=str(saved))
        messages.success(request, ngettext("%(n)d réponse enregistrée.",
                                           "%(n)d réponses enregistrées.", saved)
                         % {"n": saved} if saved else _("Aucune réponse modifiée."))
        return redirect("console:device-questionnaire", device.pk)
    return render(request, "console/questionnaire.html", {
        "practice": device.practice, "device": device, "subject": device.name,
        "choices": ANSWER_CHOICES,
        "parts": [(_("Ce poste"), questionnaire.rows(device.practice, device=device))]})


@with_profile
@managers_only
@require_http_methods(["GET", "POST"])
def incidents(request: HttpRequest, profile: Profile, practice_id: int) -> HttpResponse:
    """The practice's contacts for the reflex sheet, and the incident log kept as proof."""
    obj = _practice(profile, practice_id)
    saved_contacts = ReflexContacts.objects.filter(practice=obj).first() \
        or ReflexContacts(practice=obj)
    is_post = request.method == "POST"
    contacts = ContactsForm(request.POST if is_post and "contacts" in request.POST else None,
                            instance=saved_contacts, prefix="c")
    incident = IncidentForm(request.POST if is_post and "incident" in request.POST else None,
                            prefix="i")
    if contacts.is_bound and contacts.is_valid():
        contacts.save()
        audit.record("reflex.contacts", request=request, practice=obj, target=obj.name)
        messages.success(request, _("Contacts enregistrés : ils figurent sur la fiche réflexe."))
        return redirect("console:incidents", obj.pk)
    if incident.is_bound and incident.is_valid():
        entry: Incident = incident.save(commit=False)
        entry.practice = obj
        entry.recorded_by = profile.user
        entry.recorded_by_name = profile.user.get_full_name() or profile.user.get_username()
        entry.save()
        audit.record("incident.record", request=request, practice=obj,
                     target=f"{entry.happened_at:%Y-%m-%d}")
        messages.success(request, _("Incident consigné dans le journal."))
        return redirect("console:incidents", obj.pk)
    return render(request, "console/incidents.html", {
        "practice": obj, "contacts": contacts, "incident": incident,
        "log": obj.incidents.all()}, status=400 if is_post else 200)


@with_profile
@managers_only
def reflex_sheet(request: HttpRequest, profile: Profile, practice_id: int) -> HttpResponse:
    """The one-page sheet to print and put up, with the practice's own contacts."""
    obj = _practice(profile, practice_id)
    audit.record("reflex.pdf", request=request, practice=obj, target=obj.name)
    response = HttpResponse(html_to_pdf(render_to_string("console/pdf/reflex_sheet.html", {
        "practice": obj, "contacts": ReflexContacts.objects.filter(practice=obj).first(),
        "generated": timezone.now()})), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="fiche-reflexe-{slugify(obj.name) or obj.pk}.pdf"')
    return response
