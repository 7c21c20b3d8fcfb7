"""Alerts: device silent for 7 days, backup overdue, OS out of support, new critical finding.

Each alert is created once per (device, kind, key) and e-mailed through Django's mail
backend to the practice's leads and the provider's admins.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.mail import send_mass_mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dentsec.server.console.models import (
    ROLE_PRACTICE_LEAD,
    ROLE_PROVIDER_ADMIN,
    Alert,
    Device,
    Profile,
)

if TYPE_CHECKING:
    from dentsec.server.console.models import Report

log = logging.getLogger(__name__)
SILENT_AFTER = timedelta(days=7)
BACKUP_CHECK = "BAK-RECENT"
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
    for check_id, finding in fails.items():
        if finding.get("severity") == "critical" and check_id not in failing_before:
            wanted.append((Alert.KIND_CRITICAL, f"{check_id}@{day}"))
    has_open = {kind for _, kind, _ in open_alerts}
    if BACKUP_CHECK in fails and Alert.KIND_BACKUP not in has_open:
        wanted.append((Alert.KIND_BACKUP, day.isoformat()))
    os_out = device.os_eol is not None and device.os_eol < day
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
    new = [alert for kind, key in wanted if (kind, key) not in known
           for alert in [_create(device, kind, key)] if alert is not None]
    if new:
        try:
            send_pending(new)
        except (OSError, smtplib.SMTPException):
            # The upload must not fail for a mail server; the daily sweep sends them later.
            log.warning("alert e-mail not sent; will retry", exc_info=True)
    return new


def sweep(now: datetime | None = None) -> list[Alert]:
    """Time-based alerts (silent devices); run daily by `dentsec serve` or cron."""
    now = now or timezone.now()
    created: list[Alert] = []
    silent = Device.objects.filter(revoked_at=None, last_seen__lt=now - SILENT_AFTER)
    for device in silent.select_related("practice"):
        assert device.last_seen is not None
        alert = _create(device, Alert.KIND_SILENT, device.last_seen.date().isoformat())
        if alert is not None:
            created.append(alert)
    send_pending(Alert.objects.filter(emailed_at=None, resolved_at=None))
    return created


def describe(alert: Alert) -> str:
    device = alert.device.name
    if alert.kind == Alert.KIND_SILENT:
        return _("%(device)s n'a rien envoyé depuis 7 jours.") % {"device": device}
    if alert.kind == Alert.KIND_BACKUP:
        return _("%(device)s : la sauvegarde est en retard.") % {"device": device}
    if alert.kind == Alert.KIND_OS_EOL:
        return _("%(device)s : le système n'est plus mis à jour par son éditeur.") % {
            "device": device}
    check = alert.key.split("@", 1)[0]
    return _("%(device)s : nouveau problème critique (%(check)s).") % {
        "device": device, "check": check}


def recipients(alert: Alert) -> list[str]:
    profiles = Profile.objects.filter(
        provider_id=alert.practice.provider_id).select_related("user")
    emails = []
    for p in profiles:
        if p.role == ROLE_PROVIDER_ADMIN or (
                p.role == ROLE_PRACTICE_LEAD and p.practice_id == alert.practice_id):
            if p.user.email and p.user.is_active:
                emails.append(p.user.email)
    return sorted(set(emails))


def send_pending(alerts: Iterable[Alert]) -> int:
    from django.conf import settings

    messages = []
    sent_ids = []
    with translation.override(settings.LANGUAGE_CODE):
        for alert in alerts:
            to = recipients(alert)
            if to:
                subject = "[dentsec] " + describe(alert)
                body = describe(alert) + "\n\n" + _(
                    "Cabinet : %(practice)s") % {"practice": alert.practice.name}
                messages.append((subject, body, None, to))
            sent_ids.append(alert.pk)
    if messages:
        send_mass_mail(messages, fail_silently=False)
    Alert.objects.filter(pk__in=sent_ids).update(emailed_at=timezone.now())
    return len(messages)
