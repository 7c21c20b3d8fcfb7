"""Firewall change control: each device's exposed listening ports and firewall state form a
baseline; a change between two reports is an "unplanned change" alert unless an approved
planned change covers it. Planned changes not done, or done and not reverted at their end
date, are flagged by the sweep. The running planned openings are the device's justified
ports, sent down to the agent (``justified_ports``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from dentsec.checks.registry import is_exposed
from dentsec.server.console.models import (
    Alert,
    Device,
    Report,
)
from dentsec.server.console.procedure_models import (
    FirewallBaseline,
    PlannedChange,
)


def ports_of(data: dict[str, Any]) -> set[str] | None:
    """"tcp/22"-style exposed listeners of a report; None when they were not seen."""
    facts = data.get("facts")
    network = facts.get("network") if isinstance(facts, dict) else None
    listening = network.get("listening") if isinstance(network, dict) else None
    if not isinstance(listening, list):
        return None
    return {f"{s['proto']}/{s['port']}" for s in listening
            if isinstance(s, dict) and s.get("proto") in ("tcp", "udp")
            and s.get("system") is not True and type(s.get("port")) is int
            and 0 < s["port"] < 65536 and is_exposed(str(s.get("address", "")))}


def firewall_of(data: dict[str, Any]) -> dict[str, Any] | None:
    facts = data.get("facts")
    firewall = facts.get("firewall") if isinstance(facts, dict) else None
    if not isinstance(firewall, dict):
        return None
    profiles = firewall.get("profiles")
    installed = firewall.get("installed")
    return {"installed": installed if isinstance(installed, bool) else None,
            "profiles": {str(p.get("name"))[:50]: p.get("enabled")
                         for p in (profiles if isinstance(profiles, list) else [])
                         if isinstance(p, dict) and isinstance(p.get("enabled"), bool | None)}}


def _plans(device: Device, day: date) -> list[PlannedChange]:
    return list(PlannedChange.objects.filter(device=device, starts_on__lte=day,
                                             ends_on__gte=day).exclude(approved_at=None))


def _covers(plan: PlannedChange, port: str, opened: bool) -> bool:
    return (f"{plan.proto}/{plan.port}" == port
            and plan.action == (PlannedChange.ACTION_OPEN if opened
                                else PlannedChange.ACTION_CLOSE))


def _reverts(device: Device, port: str, opened: bool, day: date) -> bool:
    """Closing what an ended planned opening opened (or the reverse) is the plan's revert."""
    action = PlannedChange.ACTION_CLOSE if opened else PlannedChange.ACTION_OPEN
    proto, _, number = port.partition("/")
    return (PlannedChange.objects.filter(device=device, proto=proto, port=int(number),
                                         action=action, ends_on__lt=day + timedelta(days=1))
            .exclude(approved_at=None).exists())


Baseline = tuple[list[str], dict[str, Any]]
"""(ports, firewall) as stored; read by procedures.on_report with its other state."""


def on_report(device: Device, report: Report, base: Baseline | None) -> list[Alert]:
    """Compare the device's new current report with its baseline (None: none yet), then
    move the baseline; nothing is written when nothing changed (the common upload)."""
    data = report.data
    ports, firewall = ports_of(data), firewall_of(data)
    day = timezone.localdate(report.observed_at)
    if base is None:
        FirewallBaseline.objects.get_or_create(device=device, defaults={
            "ports": sorted(ports or []), "firewall": firewall or {}})
        return []
    old_ports, old = base
    new_ports = sorted(ports) if ports is not None else old_ports
    new_firewall = firewall if firewall is not None else old
    if new_ports == old_ports and new_firewall == old:
        return []
    changes: list[str] = []
    if ports is not None:
        plans = _plans(device, day)
        before = set(old_ports)
        for port, opened in ([(p, True) for p in sorted(ports - before)]
                             + [(p, False) for p in sorted(before - ports)]):
            covering = [plan for plan in plans if _covers(plan, port, opened)]
            for plan in covering:
                if plan.seen_at is None:
                    plan.seen_at = timezone.now()
                    plan.save(update_fields=["seen_at"])
            if not covering and not _reverts(device, port, opened, day):
                changes.append(("+" if opened else "-") + port)
    if firewall is not None:
        if old and old.get("installed") != firewall["installed"]:
            changes.append(f"installed:{firewall['installed']}")
        for name, enabled in firewall["profiles"].items():
            was = (old.get("profiles") or {}).get(name)
            if old and name in (old.get("profiles") or {}) and was != enabled:
                changes.append(f"profile:{name}:{enabled}")
    FirewallBaseline.objects.filter(device=device).update(ports=new_ports,
                                                          firewall=new_firewall)
    created: list[Alert] = []
    for change in changes:
        alert, made = Alert.objects.get_or_create(
            device=device, kind=Alert.KIND_FW_CHANGE, key=f"{change}@{day}"[:100],
            defaults={"practice_id": device.practice_id})
        if made:
            created.append(alert)
    return created


def plan(device: Device, proto: str, port: int, action: str, requested_by: str, reason: str,
         starts_on: date, ends_on: date, by: User | None) -> PlannedChange:
    return PlannedChange.objects.create(
        practice_id=device.practice_id, device=device, proto=proto, port=port, action=action,
        requested_by=requested_by.strip(), reason=reason.strip(), starts_on=starts_on,
        ends_on=ends_on, created_by=by)


def approve(change: PlannedChange, by: User | None) -> None:
    change.approved_by = by
    change.approved_at = timezone.now()
    change.save(update_fields=["approved_by", "approved_at"])


def justified_ports(device: Device, day: date | None = None) -> list[dict[str, Any]]:
    """The running approved openings of a device, as the audit policy's justified_ports."""
    day = day or timezone.localdate()
    return [{"proto": p.proto, "port": p.port, "reason": p.reason[:200]}
            for p in _plans(device, day) if p.action == PlannedChange.ACTION_OPEN]


def status(change: PlannedChange, today: date | None = None) -> str:
    """"waiting" (approval), "planned", "running", "done", "not-done", "not-reverted"."""
    today = today or timezone.localdate()
    if change.approved_at is None:
        return "waiting"
    if today < change.starts_on:
        return "planned"
    base = FirewallBaseline.objects.filter(device=change.device).first()
    port = f"{change.proto}/{change.port}"
    present = base is not None and port in base.ports
    if today <= change.ends_on:
        return "running" if change.seen_at is not None else "planned"
    if change.seen_at is None:
        return "not-done"
    if change.action == PlannedChange.ACTION_OPEN and present:
        return "not-reverted"
    return "done"


def sweep(now: datetime | None = None) -> list[Alert]:
    """Flag ended planned changes that never happened or were not reverted."""
    today = timezone.localdate(now or timezone.now())
    created: list[Alert] = []
    ended = (PlannedChange.objects.filter(ends_on__lt=today, device__revoked_at=None)
             .exclude(approved_at=None).select_related("device"))
    for change in ended:
        state = status(change, today)
        if state in ("not-done", "not-reverted"):
            alert, made = Alert.objects.get_or_create(
                device=change.device, kind=Alert.KIND_FW_PLAN, key=f"{change.pk}:{state}",
                defaults={"practice_id": change.device.practice_id})
            if made:
                created.append(alert)
    return created
