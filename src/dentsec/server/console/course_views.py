"""The awareness course's pages (issue 15): any account takes it (staff included), the
managers see who is up to date, assign it, make one-off session links and print the
attestations; a guest takes one module through its link, without an account."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from dentsec.i18n import pick
from dentsec.people import Module, modules
from dentsec.report.pdf import html_to_pdf
from dentsec.server.console import audit, course, tenancy
from dentsec.server.console.checks import lang
from dentsec.server.console.models import Practice, Profile, Training
from dentsec.server.console.names import BadName, checked_name
from dentsec.server.console.views import _practice, managers_only, with_profile


def _module(module_id: str) -> Module:
    module = course.module_or_none(module_id)
    if module is None:
        raise Http404
    return module


def _lesson(module: Module) -> dict[str, str]:
    language = lang()
    return {"title": pick(module.title, language), "story": pick(module.story, language),
            "habit": pick(module.habit, language),
            "recommendation": pick(module.recommendation, language)}


def _take(request: HttpRequest, module: Module, training: Training,
          action: str) -> HttpResponse:
    """The module's page, and its quiz graded on POST (explanations for what was missed)."""
    graded = None
    if request.method == "POST":
        graded = course.grade(module, {k: request.POST.get(k, "") for k in request.POST
                                       if k.startswith("q")})
        course.record(training, graded)
    else:
        course.started(training)
    return render(request, "console/course_module.html", {
        "module": module, "lesson": _lesson(module), "training": training,
        "quiz": course.shuffled(module), "graded": graded, "action": action,
        "pass_percent": course.PASS_PERCENT})


@with_profile
def course_home(request: HttpRequest, profile: Profile) -> HttpResponse:
    own = {t.module: t for t in Training.objects.filter(user=profile.user)}
    language = lang()
    return render(request, "console/course.html", {
        "rows": [(m, pick(m.title, language), own.get(m.id),
                  course.status(own[m.id]) if m.id in own else None)
                 for m in modules().values()],
        "can_take": profile.practice_id is not None})


@with_profile
@require_http_methods(["GET", "POST"])
def course_module(request: HttpRequest, profile: Profile, module_id: str) -> HttpResponse:
    module = _module(module_id)
    training = course.training_of(profile, module)
    if training is None:
        raise Http404  # a provider's account belongs to no practice
    return _take(request, module, training,
                 reverse("console:course-module", args=[module.id]))


@require_http_methods(["GET", "POST"])
def course_session(request: HttpRequest, token: str) -> HttpResponse:
    """A one-off session link: one module, no account; closed once passed."""
    training = course.by_link(token)
    module = course.module_or_none(training.module) if training is not None else None
    if training is None or module is None:
        raise Http404
    return _take(request, module, training, request.path)


@with_profile
@managers_only
def course_status(request: HttpRequest, profile: Profile, practice_id: int) -> HttpResponse:
    obj = _practice(profile, practice_id)
    language = lang()
    return render(request, "console/course_status.html", {
        "practice": obj, "rows": course.practice_rows(obj),
        "modules": [(m, pick(m.title, language)) for m in modules().values()]})


@with_profile
@managers_only
@require_POST
def course_assign(request: HttpRequest, profile: Profile, practice_id: int) -> HttpResponse:
    obj = _practice(profile, practice_id)
    made = course.assign_all(obj)
    audit.record("course.assign", request=request, practice=obj, target=str(made))
    messages.success(request, ngettext("%(n)d module attribué.", "%(n)d modules attribués.",
                                       made) % {"n": made} if made
                     else _("Chacun a déjà tous les modules."))
    return redirect("console:course-status", obj.pk)


@with_profile
@managers_only
@require_POST
def course_link(request: HttpRequest, profile: Profile, practice_id: int) -> HttpResponse:
    obj = _practice(profile, practice_id)
    module = course.module_or_none(request.POST.get("module", ""))
    try:
        name = checked_name(request.POST.get("name", ""))
    except BadName:
        name = ""
    if module is None or not name:
        messages.error(request, _("Choisissez un module et donnez le nom de la personne."))
        return redirect("console:course-status", obj.pk)
    token = course.new_session_link(obj, module, name)
    audit.record("course.link", request=request, practice=obj, target=name)
    return render(request, "console/course_link.html", {
        "practice": obj, "name": name, "title": pick(module.title, lang()),
        "url": request.build_absolute_uri(reverse("console:course-session", args=[token])),
        "days": course.LINK_VALID_FOR.days})


def _attestation(practice: Practice, name: str, trainings: list[Training]) -> bytes:
    language = lang()
    passed = [(pick(m.title, language), t, t.passed_at + course.VALID_FOR) for t in trainings
              if (m := course.module_or_none(t.module)) is not None
              and course.status(t) == course.PASSED and t.passed_at is not None]
    return html_to_pdf(render_to_string("console/pdf/attestation.html", {
        "practice": practice, "name": name, "passed": passed,
        "total": len(modules()), "generated": timezone.now()}))


def _pdf(data: bytes, stem: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{stem}.pdf"'
    return response


@with_profile
def my_attestation(request: HttpRequest, profile: Profile) -> HttpResponse:
    if profile.practice is None:
        raise Http404
    name = course.name_of(profile.user)
    return _pdf(_attestation(profile.practice, name,
                             list(Training.objects.filter(user=profile.user))),
                f"attestation-{slugify(name)}")


@with_profile
@managers_only
def person_attestation(request: HttpRequest, profile: Profile, practice_id: int,
                       person_id: int) -> HttpResponse:
    obj = _practice(profile, practice_id)
    person: Profile = tenancy.get_or_404(tenancy.people(profile).filter(practice=obj),
                                         person_id)
    name = course.name_of(person.user)
    audit.record("course.attestation", request=request, practice=obj, target=name)
    return _pdf(_attestation(obj, name, list(obj.trainings.filter(user=person.user))),
                f"attestation-{slugify(name)}")


@with_profile
@managers_only
def course_summary(request: HttpRequest, profile: Profile, practice_id: int) -> HttpResponse:
    obj = _practice(profile, practice_id)
    language = lang()
    rows = course.practice_rows(obj)
    audit.record("course.summary", request=request, practice=obj, target=obj.name)
    return _pdf(html_to_pdf(render_to_string("console/pdf/course_summary.html", {
        "practice": obj, "rows": rows, "generated": timezone.now(),
        "modules": [pick(m.title, language) for m in modules().values()],
        "up_to_date": sum(r.up_to_date for r in rows)})),
        f"formation-{slugify(obj.name) or obj.pk}")
