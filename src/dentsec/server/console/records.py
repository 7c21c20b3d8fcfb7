"""Reports for the records: the PDF of a device, of a practice, and the monthly report.

Printed by the audit's own engine (dentsec.report.pdf: WeasyPrint, A4, page numbers). The
first page is the one a dentist reads in a minute: the score, what it means, the five
fixes in plain words, the trend; the detail follows for the IT provider.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dentsec.report.pdf import html_to_pdf
from dentsec.server.console import (
    alerts,
    charts,
    checks,
    dashboard,
    exceptions_risk,
    history,
    overview,
    procedures,
    questionnaire,
)
from dentsec.server.console.models import Alert, Device, Practice, Report
from dentsec.server.netscan import summary as network


def verdict(score: int | None) -> str:
    """The score in one sentence a non-specialist understands."""
    if score is None:
        return _("Pas encore mesuré.")
    if score >= 80:
        return _("Bon niveau : continuez les bonnes pratiques.")
    if score >= 50:
        return _("À améliorer : quelques corrections réduiront nettement le risque.")
    return _("Risque élevé : commencez aujourd'hui par les corrections ci-dessous.")


def device_context(device: Device, report: Report) -> dict[str, Any]:
    return {
        **overview.device_lead(device, report),
        "device": device, "report": report, "verdict": verdict(report.score),
        "findings": exceptions_risk.mark_accepted(device, [  # issue 14: accepted risks
            f for f in overview.sorted_findings(report.findings)
            if f["status"] in ("fail", "warn", "unknown")]),
        "url": settings.PUBLIC_URL, "generated": timezone.now()}


def device_pdf(device: Device, report: Report) -> bytes:
    return html_to_pdf(render_to_string("console/pdf/device.html",
                                        device_context(device, report)))


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    title: str


def last_days(days: int = history.DAYS, today: date | None = None) -> Period:
    start, end = history.window(days, today)
    return Period(start, end, _("Rapport du %(date)s") % {
        "date": date_format(end, "SHORT_DATE_FORMAT")})


def month_of(first: date) -> Period:
    nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return Period(first, nxt - timedelta(days=1), _("Rapport mensuel — %(month)s") % {
        "month": date_format(first, "YEAR_MONTH_FORMAT")})


def practice_context(practice: Practice, devices: QuerySet[Device],
                     period: Period) -> dict[str, Any]:
    active = devices.filter(revoked_at=None)
    days = (period.end - period.start).days + 1
    trend = history.carried_trend(active, days=days, today=period.end)
    scores = dashboard.named_rule_scores(active)
    rows = []
    for device in active.order_by("name"):
        rows.append({"device": device, "failing": [
            (cid, checks.title(cid)) for cid in sorted(
                device.failing, key=lambda c: (checks.rule_of(c) or 9, c))]})
    stale = active.filter(Q(last_seen__lt=dashboard.stale_before()) | Q(last_seen=None))
    period_alerts = (Alert.objects.filter(practice=practice, device__in=active,
                                          created_at__date__gte=period.start,
                                          created_at__date__lte=period.end)
                     .select_related("device"))
    overall = trend[-1].value if trend else None
    fixes = dashboard.top_fixes(dashboard.latest_reports(active))
    return {
        "practice": practice, "period": period, "overall": overall,
        "verdict": verdict(overall), "scores": scores,
        "n_devices": active.count(), "n_stale": stale.count(),
        "criticals": sum(d.critical_count for d in active),
        "fixes": [(fix, checks.practice_steps(fix.check_id, fix.devices[0].os_family))
                  for fix in fixes],
        "chart": charts.line_chart(trend, period.start, period.end,
                                   _("Score du cabinet")),
        "rows": rows, "alerts": [(a, alerts.describe(a)) for a in period_alerts],
        "declared": questionnaire.findings(practice),  # issue 15: never mixed with probes
        **procedures.records(practice),  # issue 14: accepted risks, departures
        **network.latest(practice),  # issue 18: the latest network scan
        "url": settings.PUBLIC_URL, "generated": timezone.now()}


def practice_pdf(practice: Practice, devices: QuerySet[Device], period: Period) -> bytes:
    return html_to_pdf(render_to_string("console/pdf/practice.html",
                                        practice_context(practice, devices, period)))


def first_of_month(moment: datetime | date) -> date:
    day = timezone.localdate(moment) if isinstance(moment, datetime) else moment
    return day.replace(day=1)


def previous_month(now: datetime | None = None) -> date:
    this = first_of_month(now or timezone.now())
    return (this - timedelta(days=1)).replace(day=1)
