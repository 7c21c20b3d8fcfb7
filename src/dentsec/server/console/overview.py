"""What the device and practice pages lead with: the five fixes, what is new since the last
report, and the score charts (read from the daily history, never from report bodies)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from dentsec.server.console import charts, checks, dashboard, history
from dentsec.server.console.models import Device, Report

STATUS_ORDER = {"fail": 0, "warn": 1, "unknown": 2, "pass": 3, "na": 4}
SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def sorted_findings(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(findings, key=lambda f: (STATUS_ORDER.get(f["status"], 9),
                                           SEVERITY_ORDER.get(f["severity"], 9), f["id"]))


def five_fixes(report: Report) -> list[dict[str, Any]]:
    """The report's own five fixes (ranked by the audit engine), as findings."""
    by_id = {f["id"]: f for f in report.findings}
    ranked = [by_id[i] for i in report.data.get("top_fixes", []) if i in by_id]
    return ranked[:5]


def rule_charts(series: dict[str, list[history.Point]], start: date,
                end: date) -> list[tuple[str, str, Any]]:
    """(rule, name, chart) for the six rules."""
    return [(r, str(dashboard.RULE_NAMES[r]),
             charts.line_chart(series[f"rule_{r}"], start, end,
                               _("Règle %(rule)s — %(name)s") % {
                                   "rule": r, "name": dashboard.RULE_NAMES[r]}))
            for r in history.RULES]


def device_lead(device: Device, report: Report | None) -> dict[str, Any]:
    """The five fixes, what is new (or fixed) since the last report, the score charts."""
    start, end = history.window()
    series = history.device_series(device, today=end)
    lead: dict[str, Any] = {
        "chart": charts.line_chart(series["score"], start, end, _("Score du poste")),
        "rule_charts": rule_charts(series, start, end)}
    if report is None:
        return lead
    failing = set(device.failing)
    previous = device.previous_failing
    by_id = {f["id"]: f for f in report.findings}
    lead.update(
        five_fixes=five_fixes(report),
        first_report=previous is None,
        new=[by_id[i] for i in sorted(failing - set(previous or [])) if i in by_id],
        fixed=[(i, checks.title(i)) for i in sorted(set(previous or []) - failing)])
    return lead


def practice_trend(devices: Any) -> dict[str, Any]:
    start, end = history.window()
    points = history.carried_trend(devices.filter(revoked_at=None), today=end)
    return {"trend_chart": charts.line_chart(points, start, end, _("Score du cabinet")),
            "has_trend": bool(points)}
