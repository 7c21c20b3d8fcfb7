"""Procedure pages (issue 14): the practice's team, one person (accounts, applications,
arrival, departure), accepted risks, planned firewall changes. Managers only; every object
through tenancy (404 outside the tenant); every action in the Journal."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dentsec.server.console import (
    audit,
    checks,
    departures,
    exceptions_risk,
    firewall_changes,
    people,
    tenancy,
)
from dentsec.server.console.models import (
    Practice,
    Profile,
)
from dentsec.server.console.procedure_forms import (
    ApplicationForm,
    ConsoleUserForm,
    DepartureForm,
    PersonForm,
    PlannedChangeForm,
    RenewalForm,
    RiskForm,
)
from dentsec.server.console.procedure_models import (
    Application,
    Departure,
    Person,
)
from dentsec.server.console.views import managers_only, signed_in_user, with_profile


def _practice(profile: Profile, practice_id: int) -> Practice:
    practice: Practice = tenancy.get_or_404(tenancy.practices(profile), practice_id)
    return practice


def _person(profile: Profile, person_id: int) -> Person:
    person: Person = tenancy.get_or_404(tenancy.persons(profile).select_related("practice"),
                                        person_id)
    return person


def _refused(exc: exceptions_risk.RiskRefused) -> str:
    return exc.en if (get_language() or "fr").startswith("en") else exc.fr


@with_profile
@managers_only
@require_http_methods(["GET", "POST"])
def team(request: HttpRequest, profile: Profile, practice_id: int) -> HttpResponse:
    practice = _practice(profile, practice_id)
    form = PersonForm(request.POST if "add-member" in request.POST else None)
    if request.method == "POST" and form.is_valid():
        person = Person.objects.create(practice=practice, **form.cleaned_data)
        audit.record("person.add", request=request, practice=practice, target=person.name)
        return redirect("console:person", person.pk)
    policy = people.policy_of(practice)
    renewal = RenewalForm(request.POST if "set-renewal" in request.POST else None,
                          initial={"renewal_days": policy.renewal_days,
                                   "renewal_scope": policy.renewal_scope}, prefix="renewal")
    if request.method == "POST" and renewal.is_valid():
        days, scope = renewal.cleaned_data["renewal_days"], renewal.cleaned_data["renewal_scope"]
        people.set_policy(practice, days, scope)
        audit.record("renewal.policy", request=request, practice=practice,
                     target=f"{days} {scope}")
        return redirect("console:team", practice.pk)
    devices = tenancy.active_devices(profile).filter(practice=practice)
    return render(request, "console/team.html", {
        "practice": practice, "form": form, "renewal_form": renewal,
        "persons": practice.persons.prefetch_related("accounts__device"),
        "proposals": people.proposals(practice, devices),
        "orphans": people.orphans(devices),
        "reminders": people.reminders(practice, devices),
        "policy": policy})


@with_profile
@managers_only
@require_POST
def confirm_link(request: HttpRequest, profile: Profile, member_id: int) -> HttpResponse:
    person = _person(profile, member_id)
    device = tenancy.get_or_404(tenancy.devices(profile).filter(practice=person.practice),
                                request.POST.get("device"))
    account = request.POST.get("account", "")[:255]
    if account not in {a["name"] for a in people.device_accounts(device) or []}:
        raise Http404
    people.link(person, device, account, signed_in_user(request))
    audit.record("person.link", request=request, device=device,
                 target=f"{person.name} = {account}")
    if request.POST.get("back") == "team":
        return redirect("console:team", person.practice_id)
    return redirect("console:person", person.pk)


@with_profile
@managers_only
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, profile: Profile, member_id: int) -> HttpResponse:
    who = _person(profile, member_id)
    app_form = ApplicationForm(request.POST if "add-application" in request.POST else None,
                               prefix="app")
    leave_form = DepartureForm(request.POST if "record-departure" in request.POST else None,
                               prefix="leave")
    if request.method == "POST" and app_form.is_valid():
        Application.objects.create(person=who, **app_form.cleaned_data)
        audit.record("person.application", request=request, practice=who.practice,
                     target=f"{who.name}: {app_form.cleaned_data['name']}")
        return redirect("console:person", who.pk)
    user_form = ConsoleUserForm(request.POST if "set-user" in request.POST else None,
                                practice=who.practice, prefix="user",
                                initial={"user": who.user_id})
    if request.method == "POST" and user_form.is_valid():
        who.user = user_form.cleaned_data["user"]
        who.save(update_fields=["user"])
        audit.record("person.user", request=request, practice=who.practice,
                     target=f"{who.name} = {who.user.get_username() if who.user else '—'}")
        return redirect("console:person", who.pk)
    if request.method == "POST" and leave_form.is_valid():
        data = leave_form.cleaned_data
        departures.record(who, data["leaving_date"], signed_in_user(request),
                          shared_passwords=data["shared_passwords"].splitlines())
        audit.record("departure.record", request=request, practice=who.practice,
                     target=f"{who.name} {data['leaving_date'].isoformat()}")
        return redirect("console:person", who.pk)
    devices = tenancy.active_devices(profile).filter(practice=who.practice)
    departure = Departure.objects.filter(person=who).first()
    if departure is not None:
        departures.verify_tokens(departure)
    return render(request, "console/person.html", {
        "person": who, "app_form": app_form, "leave_form": leave_form, "user_form": user_form,
        "links": [(pa, people.account_state(pa.device, pa.account))
                  for pa in who.accounts.select_related("device__current_report")],
        "proposals": [p for p in people.proposals(who.practice, devices) if p.person == who],
        "arrival": people.arrival(who), "departure": departure,
        "items": departure.items.select_related("device", "done_by") if departure else []})


@with_profile
@managers_only
@require_POST
def tick(request: HttpRequest, profile: Profile, member_id: int, item: str) -> HttpResponse:
    who = _person(profile, member_id)
    if not people.tick(who, item, signed_in_user(request)):
        raise Http404
    audit.record("arrival.tick", request=request, practice=who.practice,
                 target=f"{who.name}: {item}")
    return redirect("console:person", who.pk)


@with_profile
@managers_only
@require_POST
def revoked(request: HttpRequest, profile: Profile, item_id: int) -> HttpResponse:
    item = tenancy.get_or_404(tenancy.revocation_items(profile).select_related(
        "departure__person__practice"), item_id)
    if departures.mark_done(item, signed_in_user(request)):
        audit.record("departure.revoked", request=request,
                     practice=item.departure.person.practice, target=item.label)
    return redirect("console:person", item.departure.person_id)


@with_profile
@managers_only
@require_http_methods(["GET", "POST"])
def risks(request: HttpRequest, profile: Profile, practice_id: int) -> HttpResponse:
    practice = _practice(profile, practice_id)
    form = RiskForm(request.POST or None)
    form.fields["device"].queryset = (  # type: ignore[attr-defined]
        tenancy.active_devices(profile).filter(practice=practice))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            risk = exceptions_risk.request(practice, data["device"], data["check_id"],
                                           data["reason"], data["owner"], data["expires_on"],
                                           signed_in_user(request))
        except exceptions_risk.RiskRefused as exc:
            form.add_error(None, _refused(exc))
        else:
            audit.record("risk.request", request=request, practice=practice,
                         target=f"{risk.check_id} #{risk.pk}")
            messages.success(request, _("Risque enregistré : une autre personne doit "
                                        "l'approuver."))
            return redirect("console:risks", practice.pk)
    return render(request, "console/risks.html", {
        "practice": practice, "form": form,
        "risks": [(r, checks.title(r.check_id)) for r in practice.accepted_risks
                  .select_related("device", "requested_by", "approved_by")]})


@with_profile
@managers_only
@require_POST
def risk_action(request: HttpRequest, profile: Profile, risk_id: int,
                action: str) -> HttpResponse:
    risk = tenancy.get_or_404(tenancy.accepted_risks(profile).select_related("device"),
                              risk_id)
    try:
        if action == "approuver":
            exceptions_risk.approve(risk, signed_in_user(request))
        elif action == "retirer":
            exceptions_risk.withdraw(risk)
        else:
            raise Http404
    except exceptions_risk.RiskRefused as exc:
        messages.error(request, _refused(exc))
    else:
        audit.record(f"risk.{action}", request=request, practice=risk.practice,
                     target=f"{risk.check_id} #{risk.pk}")
    return redirect("console:risks", risk.practice_id)


@with_profile
@managers_only
@require_http_methods(["GET", "POST"])
def changes(request: HttpRequest, profile: Profile, practice_id: int) -> HttpResponse:
    practice = _practice(profile, practice_id)
    form = PlannedChangeForm(request.POST or None)
    form.fields["device"].queryset = (  # type: ignore[attr-defined]
        tenancy.active_devices(profile).filter(practice=practice))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        change = firewall_changes.plan(data["device"], data["proto"], data["port"],
                                       data["action"], data["requested_by"], data["reason"],
                                       data["starts_on"], data["ends_on"], signed_in_user(request))
        audit.record("fw-change.plan", request=request, device=change.device,
                     target=f"{change.action} {change.proto}/{change.port}")
        return redirect("console:changes", practice.pk)
    planned = practice.planned_changes.select_related("device", "approved_by")
    return render(request, "console/changes.html", {
        "practice": practice, "form": form,
        "changes": [(c, firewall_changes.status(c)) for c in planned]})


@with_profile
@managers_only
@require_POST
def approve_change(request: HttpRequest, profile: Profile, change_id: int) -> HttpResponse:
    change = tenancy.get_or_404(tenancy.planned_changes(profile).select_related("device"),
                                change_id)
    if change.approved_at is None:
        firewall_changes.approve(change, signed_in_user(request))
        audit.record("fw-change.approve", request=request, device=change.device,
                     target=f"{change.action} {change.proto}/{change.port}")
    return redirect("console:changes", change.practice_id)
