"""Where the procedures meet the reports and the sweep: what a new current report verifies
(departures, firewall baseline, accepted risks), what the hourly sweep raises (departures
overdue, planned changes off, risks expired, passwords due), and the alerts' sentences."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dentsec.server.console import (
    checks,
    departures,
    exceptions_risk,
    firewall_changes,
    people,
)
from dentsec.server.console.models import (
    Alert,
    Device,
    Practice,
    Report,
)
from dentsec.server.console.procedure_models import (
    AcceptedRisk,
    Departure,
    FirewallBaseline,
    Person,
    PlannedChange,
    RevocationItem,
)

# Run on every upload, written out (as ingest's own queries): the device's firewall baseline,
# whether a departure waits on it, whether a risk is accepted on it — one round trip, and
# the ORM's query compilation would cost more than the answers.
_STATE = (
    f'SELECT b."ports", b."firewall", '
    f'EXISTS (SELECT 1 FROM "{RevocationItem._meta.db_table}" i WHERE i."device_id" = %s '
    f'AND i."kind" = %s AND i."done_at" IS NULL), '
    f'EXISTS (SELECT 1 FROM "{AcceptedRisk._meta.db_table}" r WHERE r."practice_id" = %s '
    f'AND (r."device_id" = %s OR r."device_id" IS NULL) AND r."ended_at" IS NULL '
    f'AND r."approved_at" IS NOT NULL AND r."expires_on" >= %s) '
    f'FROM (SELECT 1) AS one LEFT JOIN "{FirewallBaseline._meta.db_table}" b '
    f'ON b."device_id" = %s')


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def on_report(device: Device, report: Report) -> list[Alert]:
    """Called by ingest for a device's new current report."""
    with connection.cursor() as cursor:
        cursor.execute(_STATE, [device.pk, RevocationItem.KIND_DEVICE, device.practice_id,
                                device.pk, timezone.localdate(), device.pk])
        ports, firewall, leaving, accepted = cursor.fetchone()
    if leaving:
        departures.verify(device, report)
    base = None if ports is None else (list(_json(ports)), dict(_json(firewall) or {}))
    created = firewall_changes.on_report(device, report, base)
    if accepted:
        state = exceptions_risk.refresh(device)
        if state is not None and state.accepted:
            # An accepted risk is not a new problem to mail about.
            Alert.objects.filter(
                Q(*[Q(key__startswith=f"{check}@") for check in state.accepted],
                  _connector=Q.OR),
                device=device, kind=Alert.KIND_CRITICAL, resolved_at=None,
            ).update(resolved_at=timezone.now())
    return created


def renewals_sweep(now: datetime | None = None) -> list[Alert]:
    """One alert per device password due; closed when a report shows it renewed."""
    today = timezone.localdate(now or timezone.now())
    created: list[Alert] = []
    for practice in Practice.objects.all():
        devices = Device.objects.filter(practice=practice, revoked_at=None)
        due = {(r.device.pk, f"{r.account}@{r.due}"[:100]): r
               for r in people.reminders(practice, devices, today) if r.device is not None}
        Alert.objects.filter(device__in=devices, kind=Alert.KIND_RENEWAL,
                             resolved_at=None).exclude(
            pk__in=[a.pk for a in Alert.objects.filter(device__in=devices,
                                                       kind=Alert.KIND_RENEWAL)
                    if (a.device_id, a.key) in due]).update(resolved_at=timezone.now())
        for (device_id, key), _reminder in due.items():
            alert, made = Alert.objects.get_or_create(
                device_id=device_id, kind=Alert.KIND_RENEWAL, key=key,
                defaults={"practice_id": practice.pk})
            if made:
                created.append(alert)
    return created


def sweep(now: datetime | None = None) -> list[Alert]:
    return (departures.sweep(now) + firewall_changes.sweep(now) + exceptions_risk.sweep(now)
            + renewals_sweep(now))


def records(practice: Practice) -> dict[str, Any]:
    """What the practice PDF lists for the records: every exception, every departure with
    what was revoked and how it was verified."""
    return {
        "accepted_risks": [(r, checks.title(r.check_id)) for r in practice.accepted_risks
                           .select_related("device", "requested_by", "approved_by")],
        "departures": [(d, list(d.items.select_related("done_by")))
                       for d in Departure.objects.filter(person__practice=practice)
                       .select_related("person").order_by("-leaving_date")]}


def page_of(alert: Alert) -> str:
    """Where a procedure's alert is handled: the person, the risks, the firewall changes,
    or the team page (renewals)."""
    practice_id = alert.practice_id
    if alert.kind == Alert.KIND_DEPARTURE:
        person_id = alert.key.partition(":")[0]
        if person_id.isdigit():
            return reverse("console:person", args=[int(person_id)])
    if alert.kind == Alert.KIND_RISK_EXPIRED:
        return reverse("console:risks", args=[practice_id])
    if alert.kind in (Alert.KIND_FW_CHANGE, Alert.KIND_FW_PLAN):
        return reverse("console:changes", args=[practice_id])
    return reverse("console:team", args=[practice_id])


def describe(alert: Alert) -> str:
    """The sentence of a procedure's alert, in the current language."""
    device = alert.device.name
    if alert.kind == Alert.KIND_DEPARTURE:
        person_id, _sep, account = alert.key.partition(":")
        person = Person.objects.filter(pk=int(person_id) if person_id.isdigit() else 0).first()
        return _("%(device)s : le compte « %(account)s » de %(person)s, parti(e), est "
                 "toujours actif plus de 24 h après son départ. Désactivez-le ou "
                 "supprimez-le.") % {"device": device, "account": account,
                                     "person": person.name if person else "?"}
    if alert.kind == Alert.KIND_FW_CHANGE:
        change = alert.key.rsplit("@", 1)[0]
        if change.startswith(("+", "-")):
            what = (_("port %(port)s ouvert") if change[0] == "+"
                    else _("port %(port)s fermé")) % {"port": change[1:]}
        else:
            what = _("état du pare-feu modifié (%(what)s)") % {"what": change}
        return _("%(device)s : changement non planifié du pare-feu — %(what)s. Vérifiez "
                 "qui l'a fait et pourquoi, ou déclarez un changement planifié.") % {
            "device": device, "what": what}
    if alert.kind == Alert.KIND_FW_PLAN:
        plan_id, _sep, state = alert.key.partition(":")
        plan = PlannedChange.objects.filter(pk=int(plan_id) if plan_id.isdigit() else 0).first()
        port = f"{plan.proto}/{plan.port}" if plan else "?"
        if state == "not-done":
            return _("%(device)s : le changement planifié du port %(port)s n'a pas été "
                     "fait.") % {"device": device, "port": port}
        return _("%(device)s : le port %(port)s est resté ouvert après la fin du "
                 "changement planifié : refermez-le.") % {"device": device, "port": port}
    if alert.kind == Alert.KIND_RISK_EXPIRED:
        risk = AcceptedRisk.objects.filter(pk=int(alert.key) if alert.key.isdigit() else 0
                                           ).first()
        return _("%(device)s : le risque accepté sur « %(check)s » a expiré : le contrôle "
                 "est de nouveau en échec.") % {"device": device,
                                               "check": risk.check_id if risk else "?"}
    account = alert.key.rsplit("@", 1)[0]
    return _("%(device)s : le mot de passe du compte « %(account)s » est à renouveler.") % {
        "device": device, "account": account}
