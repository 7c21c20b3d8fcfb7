"""What the dashboard pages compute: rule scores, trends, top fixes, risk ranking."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dentsec.server.console.alerts import silent_after
from dentsec.server.console.models import Device, Practice, Report

RULES = ("1", "2", "3", "4", "5", "6")
RULE_NAMES = {"1": _("Mots de passe"), "2": _("Mises à jour"), "3": _("Comptes"),
              "4": _("Sauvegardes"), "5": _("Téléchargements"), "6": _("Pare-feu local")}
SEVERITY_WEIGHT = {"critical": 8, "high": 4, "medium": 2, "low": 1}
EFFORT_COST = {"low": 1, "medium": 2, "high": 3}


def rule_scores(devices: QuerySet[Device]) -> dict[str, int | None]:
    """Average score per rule over the devices that reported it."""
    sums: dict[str, int] = defaultdict(int)
    counts: dict[str, int] = defaultdict(int)
    for by_rule in devices.exclude(last_report_at=None).values_list("by_rule", flat=True):
        for rule, value in (by_rule or {}).items():
            if value is not None:
                sums[rule] += int(value)
                counts[rule] += 1
    return {r: (round(sums[r] / counts[r]) if counts[r] else None) for r in RULES}


def named_rule_scores(devices: QuerySet[Device]) -> list[tuple[str, str, int | None]]:
    scores = rule_scores(devices)
    return [(r, str(RULE_NAMES[r]), scores[r]) for r in RULES]


def latest_reports(devices: QuerySet[Device]) -> list[Report]:
    """The current report of each device (see ingest.store_report)."""
    return list(Report.objects.filter(pk__in=devices.exclude(current_report=None)
                                      .values("current_report_id"))
                .select_related("device"))


@dataclass
class Fix:
    check_id: str
    title: str
    severity: str
    effort: str
    rule: int | None
    weight: int = 0
    devices: list[Device] = field(default_factory=list)
    example: dict[str, Any] = field(default_factory=dict)


def top_fixes(reports: list[Report], limit: int = 5) -> list[Fix]:
    """The fixes that remove the most risk across the practice for the least effort."""
    fixes: dict[str, Fix] = {}
    for report in reports:
        for finding in report.findings:
            # the device's shown state: an accepted risk (issue 14) is not a fix to make
            if finding["status"] != "fail" or finding["id"] not in report.device.failing:
                continue
            fix = fixes.get(finding["id"])
            if fix is None:
                fix = fixes[finding["id"]] = Fix(
                    finding["id"], finding["title"], finding["severity"],
                    finding.get("effort", "medium"), finding.get("rule"), example=finding)
            fix.devices.append(report.device)
            fix.weight += SEVERITY_WEIGHT.get(finding["severity"], 1)
    ranked = sorted(fixes.values(),
                    key=lambda f: (-f.weight / EFFORT_COST.get(f.effort, 2), f.check_id))
    return ranked[:limit]


def stale_before(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - silent_after()


def ranked_practices(practices: QuerySet[Practice]) -> QuerySet[Practice]:
    """Practices with their risk figures, riskiest first (revoked devices left out)."""
    stale = stale_before()
    active = Q(devices__revoked_at=None)
    return (practices.annotate(
        n_devices=Count("devices", filter=active),
        avg_score=Avg("devices__score", filter=active),
        criticals=Sum("devices__critical_count", filter=active),
        n_stale=Count("devices", filter=active & (Q(devices__last_seen__lt=stale)
                                                  | Q(devices__last_seen=None))),
    ).order_by(F("criticals").desc(nulls_last=True), F("avg_score").asc(nulls_last=True),
               "name"))
