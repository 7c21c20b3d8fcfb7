"""Alerts: device silent for N days (settings.SILENT_AFTER_DAYS), backup overdue, OS out
of support, new critical finding.

Each alert is created once per (device, kind, key); the hourly sweep e-mails what is
pending as one digest per recipient (console/digest.py). People acknowledge, snooze or
close them (handle()).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dentsec.server.console import checks
from dentsec.server.console.models import Alert, Device

if TYPE_CHECKING:
    from dentsec.server.console.models import Report

BACKUP_CHECK = "BAK-RECENT"
EOL_CHECK = "UPD-OS-SUPPORTED"
# Run on every upload, written out: the ORM would spend longer compiling it than the
# database takes to answer.
_OPEN_ALERTS = (f'SELECT "id", "kind", "key" FROM "{Alert._meta.db_table}" '
                'WHERE "device_id" = %s AND "resolved_at" IS NULL')


def _fails(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["id"]: f for f in data.get("findings", []) if f.get("status") == "fail"}


def _create(device: Device, kind: str, key: str) -> Alert | None:
    try:
        with transaction.atomic():
            return Alert.objects.create(practice_id=device.practice_id, device=device,
                                        kind=kind, key=key)
    except IntegrityError:
        return None


def on_report(device: Device, report: Report, failing_before: list[str]) -> list[Alert]:
    """Alerts raised or closed by a newly stored report (the device's latest)."""
    fails = _fails(report.data)
    # Server time, not the device's clock: a report dated 2001 is judged today.
    day = timezone.localdate(report.observed_at)
    with connection.cursor() as cursor:
        cursor.execute(_OPEN_ALERTS, [device.pk])
        open_alerts: list[tuple[int, str, str]] = cursor.fetchall()
    wanted: list[tuple[str, str]] = []
    os_out = device.os_eol is not None and device.os_eol < day
    # The backup and end-of-support alerts already say what these two critical checks
    # say: one alert each, not two.
    covered = {BACKUP_CHECK} | ({EOL_CHECK} if os_out else set())
    for check_id, finding in fails.items():
        if (finding.get("severity") == "critical" and check_id not in failing_before
                and check_id not in covered):
            wanted.append((Alert.KIND_CRITICAL, f"{check_id}@{day}"))
    has_open = {kind for _, kind, _ in open_alerts}
    if BACKUP_CHECK in fails and Alert.KIND_BACKUP not in has_open:
        wanted.append((Alert.KIND_BACKUP, day.isoformat()))
    if os_out and device.os_eol is not None:
        wanted.append((Alert.KIND_OS_EOL, device.os_eol.isoformat()))
    # What this report shows fixed (or the device speaking again) closes its alert.
    closed = [pk for pk, kind, key in open_alerts
              if kind == Alert.KIND_SILENT
              or (kind == Alert.KIND_BACKUP and BACKUP_CHECK not in fails)
              or (kind == Alert.KIND_CRITICAL and key.split("@", 1)[0] not in fails)
              or (kind == Alert.KIND_OS_EOL and not os_out)]
    if closed:
        Alert.objects.filter(pk__in=closed).update(resolved_at=timezone.now())
    known = {(kind, key) for _, kind, key in open_alerts}
    # Mailed by the next sweep, in one digest per recipient (console/digest.py).
    return [alert for kind, key in wanted if (kind, key) not in known
            for alert in [_create(device, kind, key)] if alert is not None]


def silent_after() -> timedelta:
    return timedelta(days=settings.SILENT_AFTER_DAYS)


def sweep(now: datetime | None = None) -> list[Alert]:
    """Time-based alerts: devices silent for N days, keyed by their last contact."""
    now = now or timezone.now()
    created: list[Alert] = []
    silent = Device.objects.filter(revoked_at=None, last_seen__lt=now - silent_after())
    for device in silent.select_related("practice"):
        assert device.last_seen is not None
        alert = _create(device, Alert.KIND_SILENT, device.last_seen.isoformat())
        if alert is not None:
            created.append(alert)
    return created


def _when(key: str) -> str:
    """A key holding a date or an ISO datetime, written for people."""
    try:
        seen = datetime.fromisoformat(key)
    except ValueError:
        return key
    if seen.tzinfo is None:
        return date_format(seen.date(), "SHORT_DATE_FORMAT")
    return date_format(timezone.localtime(seen), "SHORT_DATETIME_FORMAT")


def check_of(alert: Alert) -> str | None:
    """The check an alert is about, for its title and its fix page."""
    if alert.kind == Alert.KIND_CRITICAL:
        return alert.key.split("@", 1)[0]
    return {Alert.KIND_BACKUP: BACKUP_CHECK, Alert.KIND_OS_EOL: EOL_CHECK}.get(alert.kind)


def describe(alert: Alert) -> str:
    """What happened, in one sentence of the current language (with the check's title)."""
    device = alert.device.name
    if alert.kind in Alert.PROCEDURE_KINDS:  # issue 14
        from dentsec.server.console import procedures

        return procedures.describe(alert)
    if alert.kind == Alert.KIND_SILENT:
        return _("%(device)s n'a rien envoyé depuis plus de %(days)d jours "
                 "(dernier contact : %(last)s).") % {
            "device": device, "days": settings.SILENT_AFTER_DAYS,
            "last": _when(alert.key)}
    check = check_of(alert) or ""
    title = checks.title(check)
    if alert.kind == Alert.KIND_BACKUP:
        return _("%(device)s : la sauvegarde est en retard — « %(title)s » (%(check)s).") % {
            "device": device, "title": title, "check": check}
    if alert.kind == Alert.KIND_OS_EOL:
        return _("%(device)s : le système n'est plus mis à jour par son éditeur depuis le "
                 "%(date)s — « %(title)s » (%(check)s).") % {
            "device": device, "title": title, "check": check, "date": _when(alert.key)}
    return _("%(device)s : nouveau problème critique à corriger — « %(title)s » "
             "(%(check)s).") % {"device": device, "title": title, "check": check}


# --- handling by people ---------------------------------------------------------------------

STATE_OPEN = "ouvertes"
STATE_ACK = "acquittees"
STATE_SNOOZED = "reportees"
STATE_CLOSED = "fermees"
STATES = {STATE_OPEN: gettext_lazy("ouvertes"), STATE_ACK: gettext_lazy("acquittées"),
          STATE_SNOOZED: gettext_lazy("reportées"), STATE_CLOSED: gettext_lazy("fermées")}
SNOOZE_DAYS = (1, 7, 30)


def state_filter(state: str, now: datetime) -> Q:
    snoozed = Q(snoozed_until__gt=now)
    return {
        STATE_OPEN: Q(resolved_at=None, acknowledged_at=None) & ~snoozed,
        STATE_ACK: Q(resolved_at=None) & ~Q(acknowledged_at=None) & ~snoozed,
        STATE_SNOOZED: Q(resolved_at=None) & snoozed,
        STATE_CLOSED: ~Q(resolved_at=None),
    }[state]


def state_of(alert: Alert, now: datetime) -> str:
    if alert.resolved_at is not None:
        return STATE_CLOSED
    if alert.snoozed_until is not None and alert.snoozed_until > now:
        return STATE_SNOOZED
    return STATE_ACK if alert.acknowledged_at is not None else STATE_OPEN


def counts(alerts: QuerySet[Alert], now: datetime) -> dict[str, int]:
    """How many alerts are in each state: one query, no cap."""
    found = alerts.aggregate(**{state: Count("pk", filter=state_filter(state, now))
                                for state in STATES})
    return {state: int(found[state] or 0) for state in STATES}


ACTIONS = ("acquitter", "reporter", "fermer", "rouvrir")


def handle(alert: Alert, action: str, by: User | None, snooze_days: int = 7,
           now: datetime | None = None) -> None:
    """Acknowledge (seen, being handled), snooze (hidden and not mailed until then, mailed
    again after), close (done) or reopen an alert."""
    now = now or timezone.now()
    if action == "acquitter":
        alert.acknowledged_at = now
    elif action == "reporter":
        alert.snoozed_until = now + timedelta(days=snooze_days)
        alert.emailed_at = None  # reminded by the first digest after the snooze
    elif action == "fermer":
        alert.resolved_at = now
    elif action == "rouvrir":
        alert.resolved_at = alert.acknowledged_at = alert.snoozed_until = None
    else:
        raise ValueError(action)
    alert.handled_by = by
    alert.save(update_fields=["acknowledged_at", "snoozed_until", "emailed_at",
                              "resolved_at", "handled_by"])
