"""One e-mail per recipient and sweep: the alerts pending for them, grouped by practice.

Each recipient gets their own message (no list of colleagues in To:); the subject names
the practice and the count; each line gives the check's title and a link to its page.
Headers built from stored names are cleaned (names.header_safe). A message that fails is
logged and its alerts stay pending for the next sweep; the others are still sent. When the
mail server itself is down, the sweep stops trying until the next run.
"""

from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dentsec.server.console import alerts, names
from dentsec.server.console.models import (
    ROLE_PRACTICE_LEAD,
    ROLE_PROVIDER_ADMIN,
    Alert,
    Practice,
    Profile,
)

log = logging.getLogger(__name__)
# The mail server is unreachable or hung up: every further message would fail the same way.
SERVER_DOWN = (ConnectionError, TimeoutError, smtplib.SMTPConnectError,
               smtplib.SMTPServerDisconnected, smtplib.SMTPHeloError,
               smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError)


def pending(now: datetime) -> QuerySet[Alert]:
    """Alerts nobody has been told about and nobody is handling yet."""
    return (Alert.objects.filter(emailed_at=None, resolved_at=None, acknowledged_at=None,
                                 device__revoked_at=None)
            .filter(Q(snoozed_until=None) | Q(snoozed_until__lte=now)))


def recipients(practice: Practice) -> list[str]:
    """The practice's leads and its provider's admins, with an address and active."""
    profiles = (Profile.objects.filter(provider_id=practice.provider_id, user__is_active=True)
                .filter(Q(role=ROLE_PROVIDER_ADMIN)
                        | Q(role=ROLE_PRACTICE_LEAD, practice_id=practice.pk))
                .exclude(user__email="").values_list("user__email", flat=True))
    return sorted(set(profiles))


def link(path: str) -> str:
    return settings.PUBLIC_URL + path


def alert_link(alert: Alert) -> str:
    if alert.kind in Alert.PROCEDURE_KINDS:  # issue 14: the procedure's own page
        from dentsec.server.console import procedures

        return link(procedures.page_of(alert))
    check = alerts.check_of(alert)
    if check is not None:
        return link(reverse("console:fix", args=[alert.device_id, check]))
    return link(reverse("console:device", args=[alert.device_id]))


def subject(items: list[Alert]) -> str:
    shown = sorted({a.practice.name for a in items})
    count = len(items)
    if len(shown) == 1:
        text = ngettext("%(practice)s : %(count)d alerte",
                        "%(practice)s : %(count)d alertes", count) % {
            "practice": shown[0], "count": count}
    else:
        text = ngettext("%(practice)s et %(others)d autre cabinet : %(count)d alertes",
                        "%(practice)s et %(others)d autres cabinets : %(count)d alertes",
                        len(shown) - 1) % {
            "practice": shown[0], "others": len(shown) - 1, "count": count}
    return names.header_safe("[dentsec] " + text)


def body(items: list[Alert]) -> str:
    lines = [_("Bonjour,"), "",
             _("Voici ce que dentsec a remarqué depuis son dernier message :"), ""]
    by_practice: dict[str, list[Alert]] = defaultdict(list)
    for alert in items:
        by_practice[alert.practice.name].append(alert)
    for name in sorted(by_practice):
        group = by_practice[name]
        lines.append(ngettext("%(practice)s — %(count)d alerte",
                              "%(practice)s — %(count)d alertes", len(group)) % {
            "practice": names.header_safe(name), "count": len(group)})
        for alert in sorted(group, key=lambda a: (a.device.name, a.kind, a.key)):
            lines.append("  • " + names.header_safe(alerts.describe(alert), 500))
            lines.append("    " + alert_link(alert))
        lines.append("")
    lines += [_("Toutes les alertes : %(url)s") % {"url": link(reverse("console:alerts"))},
              "", _("Pour ne plus recevoir une alerte, acquittez-la ou reportez-la dans "
                    "la console.")]
    return "\n".join(lines) + "\n"


def send_digests(now: datetime | None = None) -> int:
    """Send every recipient's digest; returns the number of messages sent."""
    now = now or timezone.now()
    items = list(pending(now).select_related("device", "practice"))
    by_address: dict[str, list[Alert]] = defaultdict(list)
    addresses_of: dict[int, list[str]] = {}
    for alert in items:
        if alert.practice_id not in addresses_of:
            addresses_of[alert.practice_id] = recipients(alert.practice)
        for address in addresses_of[alert.practice_id]:
            by_address[address].append(alert)
    failed: set[int] = set()
    sent = 0
    connection = get_connection()
    try:
        connection.open()
    except (OSError, smtplib.SMTPException):
        log.warning("mail server unavailable: digests left for the next sweep", exc_info=True)
        return 0
    with translation.override(settings.LANGUAGE_CODE), connection:
        addresses = sorted(by_address)
        for n, address in enumerate(addresses):
            group = by_address[address]
            try:
                EmailMessage(subject(group), body(group), to=[address],
                             connection=connection).send()
                sent += 1
            except SERVER_DOWN:
                log.warning("mail server unavailable: digests left for the next sweep",
                            exc_info=True)
                for rest in addresses[n:]:
                    failed.update(a.pk for a in by_address[rest])
                break
            except (OSError, smtplib.SMTPException, ValueError):
                # A refused recipient, a header the backend rejects (ValueError is
                # BadHeaderError's base): retried later, the others go on.
                log.warning("alert digest to %s not sent; the next sweep retries", address,
                            exc_info=True)
                failed.update(a.pk for a in group)
                connection.close()  # the next message starts a clean session
    _mark([a.pk for a in items if a.pk not in failed], now)
    return sent


def _mark(ids: Iterable[int], now: datetime) -> None:
    Alert.objects.filter(pk__in=list(ids)).update(emailed_at=now)
