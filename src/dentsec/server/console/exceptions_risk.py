"""Accepted risks (exceptions): a failing check accepted on a device or a whole practice,
with a reason, an owner, an approver who is not the requester, and an expiry at most
twelve months ahead.

The agent's report is judged on the workstation, which knows nothing of them: the console
applies them when it computes the state it shows (``shown``). An accepted finding is
"risque accepté jusqu'au …": neither a pass nor a fail, it leaves the score's points and is
counted apart ("accepted"); at expiry it is a fail again, with an alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from dentsec.checks.catalog import RULE_NAMES, load_catalog
from dentsec.findings import Finding, score
from dentsec.server.console.models import (
    Alert,
    Device,
    Practice,
)
from dentsec.server.console.procedure_models import (
    AcceptedRisk,
)
from dentsec.vocab import Status

MAX_DAYS = 366
"""Twelve months (a leap year's included)."""
ACCEPTED = "accepted"


class RiskRefused(ValueError):
    def __init__(self, fr: str, en: str) -> None:
        super().__init__(en)
        self.fr = fr
        self.en = en


def active(device: Device, on: date | None = None) -> QuerySet[AcceptedRisk]:
    """Approved, not ended, not expired exceptions that cover this device."""
    on = on or timezone.localdate()
    return AcceptedRisk.objects.filter(
        Q(device=device) | Q(device=None), practice_id=device.practice_id, ended_at=None,
        expires_on__gte=on).exclude(approved_at=None)


def accepted_until(device: Device, on: date | None = None) -> dict[str, date]:
    """check id -> the last day it is accepted on this device."""
    out: dict[str, date] = {}
    for check_id, until in active(device, on).values_list("check_id", "expires_on"):
        out[check_id] = max(until, out.get(check_id, until))
    return out


def request(practice: Practice, device: Device | None, check_id: str, reason: str,
            owner: str, expires_on: date, by: User | None,
            today: date | None = None) -> AcceptedRisk:
    today = today or timezone.localdate()
    if load_catalog().get(check_id) is None:
        raise RiskRefused(f"Contrôle inconnu : {check_id[:60]}.",
                          f"Unknown check: {check_id[:60]}.")
    if device is not None and device.practice_id != practice.pk:
        raise RiskRefused("Ce poste n'est pas de ce cabinet.",
                          "This device is not of this practice.")
    if not reason.strip() or not owner.strip():
        raise RiskRefused("Indiquez la raison et la personne qui porte le risque.",
                          "Give the reason and the person who carries the risk.")
    if expires_on <= today or expires_on > today + timedelta(days=MAX_DAYS):
        raise RiskRefused("L'échéance doit être dans les 12 prochains mois.",
                          "The expiry must be within the next 12 months.")
    return AcceptedRisk.objects.create(practice=practice, device=device, check_id=check_id,
                                       reason=reason.strip(), owner=owner.strip(),
                                       expires_on=expires_on, requested_by=by)


def approve(risk: AcceptedRisk, by: User | None) -> None:
    """The approver is never the requester: one person cannot accept a risk alone."""
    if by is None or risk.requested_by_id == by.pk:
        raise RiskRefused("Une autre personne que le demandeur doit approuver ce risque.",
                          "Someone other than the requester must approve this risk.")
    if risk.approved_at is not None or risk.ended_at is not None:
        raise RiskRefused("Ce risque n'attend plus d'approbation.",
                          "This risk is no longer waiting for approval.")
    risk.approved_by = by
    risk.approved_at = timezone.now()
    risk.save(update_fields=["approved_by", "approved_at"])
    for device in devices_of(risk):
        refresh(device)


def withdraw(risk: AcceptedRisk) -> None:
    risk.ended_at = timezone.now()
    risk.save(update_fields=["ended_at"])
    for device in devices_of(risk):
        refresh(device)


def devices_of(risk: AcceptedRisk) -> list[Device]:
    if risk.device is not None:
        return [risk.device]
    return list(Device.objects.filter(practice_id=risk.practice_id, revoked_at=None))


@dataclass(frozen=True)
class Shown:
    """A report's state once the device's accepted risks are applied."""

    score: int | None
    by_rule: dict[str, int | None]
    failing: list[str]
    critical: int
    accepted: dict[str, date]


def shown(findings: list[dict[str, Any]], until: dict[str, date]) -> Shown:
    """Score and failing checks of these findings (report JSON), the accepted failures
    left out of both; the same weights as the audit (findings.score)."""
    catalog = load_catalog()
    kept: list[Finding] = []
    accepted: dict[str, date] = {}
    for f in findings:
        check = catalog.get(str(f.get("id")))
        status = str(f.get("status"))
        if check is None or status not in set(Status):
            continue
        if status in (Status.FAIL, Status.WARN) and check.id in until:
            accepted[check.id] = until[check.id]
            continue
        kept.append(Finding(check, Status(status), {"fr": "", "en": ""}))
    by_rule: dict[str, int | None] = {
        str(rule or "other"): score([f for f in kept if f.check.rule == rule])
        for rule in RULE_NAMES}
    failing = sorted(f.check.id for f in kept if f.status == Status.FAIL)
    critical = sum(1 for f in kept if f.status == Status.FAIL
                   and f.check.severity == "critical")
    return Shown(score(kept), by_rule, failing, critical, accepted)


def refresh(device: Device, on: date | None = None) -> Shown | None:
    """Recompute the device's shown state from its current report (a risk approved,
    withdrawn or expired)."""
    device.refresh_from_db()
    report = device.current_report
    if report is None:
        return None
    state = shown(report.findings, accepted_until(device, on))
    updates = {"score": state.score, "by_rule": state.by_rule,
               "failing": state.failing, "fail_count": len(state.failing),
               "critical_count": state.critical}
    Device.objects.filter(pk=device.pk).update(**updates)
    for key, value in updates.items():
        setattr(device, key, value)
    return state


def mark_accepted(device: Device, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The findings of a page or a PDF, each accepted failure carrying its sentence
    ("accepted": "risque accepté jusqu'au …") so it is not shown as a failure."""
    until = accepted_until(device)
    return [{**f, "accepted": label(until[f["id"]])}
            if f.get("id") in until and f.get("status") in ("fail", "warn") else f
            for f in findings]


def label(until: date) -> str:
    from django.utils.translation import gettext as _

    return _("risque accepté jusqu'au %(date)s") % {"date": date_format(until,
                                                                        "SHORT_DATE_FORMAT")}


def sweep(now: datetime | None = None) -> list[Alert]:
    """Risks past their date end: their devices fail the check again, with an alert."""
    today = timezone.localdate(now or timezone.now())
    created: list[Alert] = []
    expired = AcceptedRisk.objects.filter(ended_at=None, expires_on__lt=today).exclude(
        approved_at=None).select_related("device")
    for risk in expired:
        risk.ended_at = now or timezone.now()
        risk.save(update_fields=["ended_at"])
        for device in devices_of(risk):
            state = refresh(device, today)
            if state is not None and risk.check_id in state.failing:
                alert, made = Alert.objects.get_or_create(
                    device=device, kind=Alert.KIND_RISK_EXPIRED, key=f"{risk.pk}",
                    defaults={"practice_id": device.practice_id})
                if made:
                    created.append(alert)
    return created
