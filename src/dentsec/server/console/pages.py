"""The history pages, the rule and check views, alert handling and the PDF downloads.

Every object comes through :mod:`tenancy` (404 outside the tenant), as in views.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dentsec.server.console import (
    alerts,
    audit,
    charts,
    checks,
    dashboard,
    history,
    records,
    tenancy,
)
from dentsec.server.console.models import Alert, Device, MonthlyReport, Practice, Profile
from dentsec.server.console.views import managers_only, with_profile


def _practice(profile: Profile, practice_id: int) -> Practice:
    found: Practice = tenancy.get_or_404(tenancy.practices(profile), practice_id)
    return found


def _active(devices: Any) -> Any:
    return devices.filter(revoked_at=None)


# --- rule → devices → checks -----------------------------------------------------------------

@with_profile
@managers_only
def rule(request: HttpRequest, profile: Profile, practice_id: int, rule: int) -> HttpResponse:
    obj = _practice(profile, practice_id)
    key = str(rule)
    if key not in history.RULES:
        raise Http404
    devices = _active(tenancy.devices(profile).filter(practice=obj))
    start, end = history.window()
    name = dashboard.RULE_NAMES[key]
    rows = []
    for device in devices:
        rows.append({"device": device, "score": (device.by_rule or {}).get(key),
                     "checks": [(cid, checks.title(cid)) for cid in sorted(device.failing)
                                if checks.rule_of(cid) == rule]})
    rows.sort(key=lambda r: (r["score"] is None, r["score"] or 0, r["device"].name))
    return render(request, "console/rule.html", {
        "practice": obj, "rule": key, "name": name, "rows": rows,
        "chart": charts.line_chart(
            history.carried_trend(devices, f"rule_{key}", today=end), start, end,
            _("Règle %(rule)s — %(name)s") % {"rule": key, "name": name}),
        "rules": [(r, dashboard.RULE_NAMES[r]) for r in history.RULES]})


# --- one check across every practice the user sees --------------------------------------------

@with_profile
@managers_only
def check(request: HttpRequest, profile: Profile, check_id: str) -> HttpResponse:
    """The practices where this check fails, most devices first, 50 to a page: counted by
    the database, device names read only for the practices shown."""
    definition = checks.get(check_id)
    if definition is None:
        raise Http404
    reporting = _active(tenancy.devices(profile)).exclude(last_report_at=None)
    # Ids are upper-case words joined by hyphens: the quoted id matches one list element.
    failing = reporting.filter(failing__icontains=f'"{check_id}"')
    ranked = (failing.values("practice_id", "practice__name")
              .annotate(n=Count("pk")).order_by("-n", "practice__name"))
    page = Paginator(ranked, 50).get_page(request.GET.get("page"))
    shown = [row["practice_id"] for row in page]
    totals = dict(reporting.filter(practice_id__in=shown).values("practice_id")
                  .annotate(n=Count("pk")).values_list("practice_id", "n"))
    names: dict[int, list[Device]] = {pk: [] for pk in shown}
    for device in failing.filter(practice_id__in=shown).only("pk", "name", "practice_id")\
            .order_by("name"):
        names[device.practice_id].append(device)
    groups = [{"practice_id": row["practice_id"], "name": row["practice__name"],
               "devices": names[row["practice_id"]], "reporting": totals.get(row["practice_id"], 0)}
              for row in page]
    return render(request, "console/check.html", {
        "check_id": check_id, "title": checks.title(check_id),
        "rule": definition.rule or None, "severity": definition.severity,
        "groups": groups, "page": page, "n_failing": failing.count(),
        "n_reporting": reporting.count()})


# --- alerts: filters, true counts, acknowledge / snooze / close -----------------------------

KIND_LABELS = {Alert.KIND_SILENT: gettext_lazy("poste muet"), Alert.KIND_BACKUP: gettext_lazy("sauvegarde"),
               Alert.KIND_OS_EOL: gettext_lazy("fin de support"),
               Alert.KIND_CRITICAL: gettext_lazy("problème critique"),
               # procedures (issue 14)
               Alert.KIND_DEPARTURE: gettext_lazy("départ : compte actif"),
               Alert.KIND_FW_CHANGE: gettext_lazy("pare-feu : changement non planifié"),
               Alert.KIND_FW_PLAN: gettext_lazy("pare-feu : changement planifié"),
               Alert.KIND_RISK_EXPIRED: gettext_lazy("risque accepté expiré"),
               Alert.KIND_RENEWAL: gettext_lazy("mot de passe à renouveler")}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@with_profile
def alert_list(request: HttpRequest, profile: Profile) -> HttpResponse:
    now = timezone.now()
    scope = tenancy.alerts(profile)  # revoked devices already left out
    practice_id = _int(request.GET.get("cabinet"))
    kind = request.GET.get("type", "")
    if practice_id is not None:
        scope = scope.filter(practice_id=practice_id)
    if kind in dict(Alert.KIND_CHOICES):
        scope = scope.filter(kind=kind)
    else:
        kind = ""
    state = request.GET.get("etat", alerts.STATE_OPEN)
    if state not in alerts.STATES and state != "toutes":
        state = alerts.STATE_OPEN
    # One query counts every state; the states split the alerts, so the total and the
    # paginator's count come from it too.
    counts = alerts.counts(scope, now)
    total = sum(counts.values())
    shown = scope if state == "toutes" else scope.filter(alerts.state_filter(state, now))
    paginator = Paginator(shown.select_related("device", "practice").order_by("-created_at"),
                          50)
    paginator.__dict__["count"] = total if state == "toutes" else counts[state]
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "console/alerts.html", {
        "rows": [(a, alerts.describe(a), alerts.state_of(a, now), alerts.check_of(a))
                 for a in page],
        "page": page, "total": total, "state": state, "kind": kind,
        "states": [(key, label, counts[key]) for key, label in alerts.STATES.items()],
        "kinds": [(k, KIND_LABELS[k]) for k, _label in Alert.KIND_CHOICES],
        "practices": tenancy.practices(profile).only("pk", "name")[:500]
        if tenancy.can_manage(profile) else [],
        "practice_id": practice_id, "query": query.urlencode(),
        "snooze_days": alerts.SNOOZE_DAYS, "can_handle": tenancy.can_manage(profile)})


@with_profile
@managers_only
@require_POST
def alert_action(request: HttpRequest, profile: Profile, alert_id: int,
                 action: str) -> HttpResponse:
    alert = tenancy.get_or_404(tenancy.alerts(profile).select_related("device"), alert_id)
    if action not in alerts.ACTIONS:
        raise Http404
    days = _int(request.POST.get("jours")) or 7
    alerts.handle(alert, action, request.user if request.user.is_authenticated else None,
                  snooze_days=days if days in alerts.SNOOZE_DAYS else 7)
    audit.record(f"alert.{action}", request=request, device=alert.device,
                 target=f"{alert.kind} {alert.key}"[:255])
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) and \
            back.startswith(reverse("console:alerts")):
        return redirect(back)
    return redirect("console:alerts")


# --- PDF for the records -------------------------------------------------------------------

def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


def _stamp(moment: datetime | None = None) -> str:
    return timezone.localdate(moment or timezone.now()).isoformat()


@with_profile
def device_pdf(request: HttpRequest, profile: Profile, device_id: int) -> HttpResponse:
    obj = tenancy.get_or_404(tenancy.devices(profile).select_related("practice"), device_id)
    report = obj.current_report
    if report is None:
        raise Http404
    audit.record("device.pdf", request=request, device=obj, target=obj.name)
    return _pdf(records.device_pdf(obj, report),
                f"dentsec-{slugify(obj.name) or obj.pk}-{_stamp()}")


@with_profile
@managers_only
def practice_pdf(request: HttpRequest, profile: Profile, practice_id: int) -> HttpResponse:
    obj = _practice(profile, practice_id)
    devices = tenancy.devices(profile).filter(practice=obj)
    audit.record("practice.pdf", request=request, practice=obj, target=obj.name)
    return _pdf(records.practice_pdf(obj, devices, records.last_days()),
                f"dentsec-{slugify(obj.name) or obj.pk}-{_stamp()}")


@with_profile
@managers_only
def monthly_pdf(request: HttpRequest, profile: Profile, practice_id: int,
                monthly_id: int) -> HttpResponse:
    obj = _practice(profile, practice_id)
    report: MonthlyReport = tenancy.get_or_404(obj.monthly_reports.all(), monthly_id)
    return _pdf(bytes(report.pdf), f"dentsec-{slugify(obj.name) or obj.pk}-"
                                   f"{report.month:%Y-%m}")


@with_profile
@managers_only
@require_POST
def monthly_toggle(request: HttpRequest, profile: Profile, practice_id: int) -> HttpResponse:
    obj = _practice(profile, practice_id)
    obj.monthly_report = request.POST.get("envoyer") == "1"
    obj.save(update_fields=["monthly_report"])
    audit.record("practice.monthly-report", request=request, practice=obj,
                 target="on" if obj.monthly_report else "off")
    return redirect("console:practice", practice_id=obj.pk)
