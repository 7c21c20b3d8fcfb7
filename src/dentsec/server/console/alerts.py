"""Alerts: device silent for 7 days, backup overdue, OS out of support, new critical finding.

Each alert is created once per (device, kind, key) and e-mailed through Django's mail
backend to the practice's leads and the provider's admins. Each e-mail is sent and marked
on its own: one that fails stays pending (logged) and is retried by the next sweep, and
the others still go out. Headers built from stored names are cleaned (names.header_safe).
A revoked device raises no alert and its pending ones are not sent.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dentsec.server.console import names
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
        # Never fails the upload: what cannot be sent now waits for the hourly sweep.
        send_pending(new)
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
    send_pending(Alert.objects.filter(emailed_at=None, resolved_at=None, device__revoked_at=None)
                 .select_related("device", "practice").order_by("pk"))
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


# The mail server is unreachable or hung up: every further message would fail the same way.
_SERVER_DOWN = (ConnectionError, TimeoutError, smtplib.SMTPConnectError,
                smtplib.SMTPServerDisconnected, smtplib.SMTPHeloError,
                smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError)


def _message(alert: Alert, connection: Any) -> EmailMessage | None:
    to = recipients(alert)
    if not to:
        return None
    text = describe(alert)
    body = text + "\n\n" + _("Cabinet : %(practice)s") % {"practice": alert.practice.name}
    return EmailMessage(names.header_safe("[dentsec] " + text), body, None, to,
                        connection=connection)


def send_pending(alerts: Iterable[Alert]) -> int:
    """E-mail these alerts, each on its own; returns how many were sent. An alert with no
    recipient is marked as done; one whose sending fails stays pending for the next sweep."""
    from django.conf import settings

    sent = 0
    connection = get_connection()
    try:
        connection.open()
    except (OSError, smtplib.SMTPException):
        log.warning("mail server unavailable: alerts left for the next sweep", exc_info=True)
        return 0
    with translation.override(settings.LANGUAGE_CODE), connection:
        for alert in alerts:
            if alert.device.revoked_at is not None:
                continue
            try:
                message = _message(alert, connection)
                if message is not None:
                    message.send()
                    sent += 1
            except _SERVER_DOWN:
                log.warning("mail server unavailable: alerts left for the next sweep",
                            exc_info=True)
                break
            except (OSError, smtplib.SMTPException, ValueError):
                # A refused recipient, a header the backend rejects (ValueError is
                # BadHeaderError's base): this one is retried later, the others go on.
                log.warning("alert %s not e-mailed; retried at the next sweep", alert.pk,
                            exc_info=True)
                connection.close()  # the next message starts a clean session
                continue
            Alert.objects.filter(pk=alert.pk).update(emailed_at=timezone.now())
    return sent
