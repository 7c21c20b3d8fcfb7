"""Fixes asked from the console and applied at the workstation after its person confirms
(issue 16). The console never changes a machine: it records the request, hands it to the
device's own agent (``GET /api/v1/agent/fix-requests``), and learns the answer from the
fix history the next report carries (``fix_history[].request``).

pending → delivered (the agent fetched it) → applied / refused / failed (from a report);
expired after ``REQUEST_LIFETIME``; cancelled by a manager while still open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from dentsec.fix.model import is_request_id
from dentsec.server.console.fix_request_models import (
    APPLIED,
    CANCELLED,
    DELIVERED,
    DETAIL_MAX,
    EXPIRED,
    FAILED,
    OPEN,
    PENDING,
    REFUSED,
    REQUEST_LIFETIME,
    FixRequest,
)
from dentsec.server.console.models import Device

WHY_NOT = {
    "no-fix": gettext_lazy("Aucun correctif dentsec pour ce contrôle sur ce système."),
    "revoked": gettext_lazy("Ce poste est révoqué : rien ne peut lui être demandé."),
    "agent": gettext_lazy("Ce poste est suivi par un agent qui ne fait que collecter "
                          "(PowerShell ou shell) : seule la commande peut être copiée. "
                          "L'application au prochain passage demande l'agent dentsec."),
    "open": gettext_lazy("Une demande de correction est déjà en cours pour ce contrôle."),
}
"""Why the fix page offers no request, in the page's language (Offer.why_not)."""
AGENT_WITH_FIXES = "python"
"""Only the dentsec agent can apply a fix; the PowerShell and shell agents only collect."""
WITHDRAWN_FOR = timedelta(days=30)
"""How long the agent is told about a delivered request that was cancelled or expired,
so that the workstation drops its copy."""
# What a fix run's status (dentsec.fix/1) means for the request it answers; "applying"
# (running, or interrupted) answers nothing yet.
RUN_TO_REQUEST = {"applied": APPLIED, "undone": APPLIED, "explained": APPLIED,
                  "rolled-back": FAILED, "failed": FAILED, "not-started": FAILED,
                  "refused": REFUSED}


@dataclass(frozen=True)
class Offer:
    """What the fix page may offer for one check on one device."""

    fix_name: str | None
    """The catalog's fix for this OS (None: none exists)."""
    why_not: str
    """"" when a request can be made, else: no-fix, agent, revoked, open."""
    open_request: FixRequest | None = None


def fix_name(check_id: str, os_family: str) -> str | None:
    """The catalog's fix of ``check_id`` on this OS, as `dentsec fix CHECK` would pick it."""
    from dentsec.fix.catalog import fixes_for, scripts_for

    found = [f.name for f in fixes_for(check_id, os_family)] + \
        [f.name for f in scripts_for(check_id, os_family)]
    return found[0] if found else None


def expire(now: datetime | None = None, device: Device | None = None) -> int:
    """Open requests past their time are expired: all of them by the hourly sweep, one
    device's before its requests are listed or handed to its agent."""
    now = now or timezone.now()
    found = FixRequest.objects.filter(status__in=OPEN, expires_at__lte=now)
    if device is not None:
        found = found.filter(device=device)
    return found.update(status=EXPIRED, closed_at=now)


def offer(device: Device, check_id: str) -> Offer:
    name = fix_name(check_id, device.os_family)
    if name is None:
        return Offer(None, "no-fix")
    if device.revoked_at is not None:
        return Offer(name, "revoked")
    if device.agent_kind != AGENT_WITH_FIXES:
        return Offer(name, "agent")
    expire(device=device)
    found = device.fix_requests.filter(check_id=check_id, status__in=OPEN).first()
    return Offer(name, "open" if found else "", found)


class NotPossible(Exception):
    """A request the page should not have offered (a stale page, a crafted POST)."""


def create(device: Device, check_id: str, by: User) -> FixRequest:
    with transaction.atomic():
        # One open request per device and check: the row lock makes two clicks one request.
        Device.objects.select_for_update().filter(pk=device.pk).first()
        chosen = offer(device, check_id)
        if chosen.why_not or chosen.fix_name is None:
            raise NotPossible(chosen.why_not)
        name = (by.get_full_name() or by.get_username())[:150]
        return FixRequest.objects.create(
            device=device, check_id=check_id, fix_name=chosen.fix_name, requested_by=by,
            requested_by_name=name, expires_at=timezone.now() + REQUEST_LIFETIME)


def cancel(request: FixRequest) -> bool:
    """Cancel an open request; False when it was already answered, expired or cancelled."""
    return bool(FixRequest.objects.filter(pk=request.pk, status__in=OPEN).update(
        status=CANCELLED, closed_at=timezone.now()))


def for_page(device: Device, check_id: str | None = None) -> list[FixRequest]:
    """The device's requests, newest first (of one check when given)."""
    expire(device=device)
    found = device.fix_requests.select_related("device")
    if check_id is not None:
        found = found.filter(check_id=check_id)
    return list(found[:20])


def deliver(device: Device) -> tuple[list[dict[str, Any]], list[int]]:
    """What the agent is handed: the open requests (marked delivered) and the ids of
    delivered ones withdrawn since (cancelled, expired), for it to drop."""
    now = timezone.now()
    expire(now, device)
    open_ = list(device.fix_requests.filter(status__in=OPEN).order_by("created_at")[:20])
    FixRequest.objects.filter(pk__in=[r.pk for r in open_ if r.status == PENDING]).update(
        status=DELIVERED, delivered_at=now)
    withdrawn = list(device.fix_requests.filter(
        status__in=(CANCELLED, EXPIRED), delivered_at__isnull=False,
        closed_at__gte=now - WITHDRAWN_FOR).values_list("pk", flat=True)[:100])
    return ([{"id": r.pk, "check": r.check_id, "fix": r.fix_name,
              "requested_by": r.requested_by_name, "requested_at": r.created_at,
              "expires_at": r.expires_at, "delivered_now": r.status == PENDING}
             for r in open_], withdrawn)


def on_report(device: Device, data: dict[str, Any]) -> int:
    """Answer this device's open requests from the fix runs its report lists; returns how
    many were answered. Every field is the workstation's word: a request id of another
    device, a check that is not the request's, an unknown status answer nothing."""
    runs = data.get("fix_history")
    if not isinstance(runs, list):
        return 0
    answers: dict[int, dict[str, Any]] = {}
    for run in runs:
        if not isinstance(run, dict):
            continue
        ident = run.get("request")
        if is_request_id(ident) and run.get("status") in RUN_TO_REQUEST:
            answers[ident] = run  # the latest run for a request wins
    if not answers:
        return 0
    answered = 0
    now = timezone.now()
    for req in device.fix_requests.filter(pk__in=list(answers), status__in=OPEN):
        run = answers[req.pk]
        if run.get("check") != req.check_id:
            continue
        verdict = run.get("verdict_after")
        req.status = RUN_TO_REQUEST[str(run["status"])]
        req.detail = str(run.get("message") or "")[:DETAIL_MAX]
        req.verdict = str(verdict)[:8] if isinstance(verdict, str) else ""
        req.history_id = str(run.get("id") or "")[:80]
        req.closed_at = now
        req.save(update_fields=["status", "detail", "verdict", "history_id", "closed_at"])
        answered += 1
    return answered
