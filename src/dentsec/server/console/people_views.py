"""Pages for what people declare and do (issue 15): the questionnaire, the incident
reflex sheet and the incident log. Managers only, scoped through tenancy."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from dentsec.server.console import audit, questionnaire
from dentsec.server.console.models import ANSWER_CHOICES, Profile
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
        "practice": obj, "choices": ANSWER_CHOICES,
        "parts": [(_("Le cabinet"), [r for r in rows if r.question.part == "practice"]),
                  (_("Le prestataire informatique"),
                   [r for r in rows if r.question.part == "provider"])]})
