"""Departures: the leaving date, what must be revoked, and the verification from the next
reports that each device account is disabled or removed.

A device account still active 24 h after the leaving date is an alert (to the practice's
managers and the provider, through the digest). The record stays as proof: what, when,
verified how.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from dentsec.server.console import people
from dentsec.server.console.models import (
    Alert,
    Device,
    EnrollmentToken,
    Report,
)
from dentsec.server.console.procedure_models import (
    Departure,
    Person,
    RevocationItem,
)

GRACE = timedelta(hours=24)
SEEN = {"disabled": "désactivé / disabled", "removed": "supprimé / removed"}
"""Kept as proof in both languages, like "à la main / by hand"."""


@transaction.atomic
def record(person: Person, leaving: date, by: User | None,
           shared_passwords: list[str] | None = None) -> Departure:
    """The departure and its list: every linked device account, every application
    account, the shared passwords the person knew, the enrollment tokens still usable that
    they made or own (when linked to their console account)."""
    departure, _ = Departure.objects.update_or_create(
        person=person, defaults={"leaving_date": leaving, "recorded_by": by})
    person.end_date = leaving
    person.save(update_fields=["end_date"])
    have = {(i.kind, i.label) for i in departure.items.all()}

    def add(kind: str, label: str, device: Device | None = None, account: str = "",
            token: EnrollmentToken | None = None) -> None:
        if (kind, label) not in have:
            RevocationItem.objects.create(departure=departure, kind=kind, label=label,
                                          device=device, account=account, token=token)
            have.add((kind, label))

    for pa in person.accounts.select_related("device"):
        add(RevocationItem.KIND_DEVICE, f"{pa.account} @ {pa.device.name}", pa.device,
            pa.account)
    for app in person.applications.all():
        add(RevocationItem.KIND_APPLICATION, app.name)
    for title in shared_passwords or []:
        if title.strip():
            add(RevocationItem.KIND_SHARED, title.strip()[:255])
    if person.user_id is not None:
        tokens = EnrollmentToken.objects.filter(
            Q(created_by_id=person.user_id) | Q(owner_id=person.user_id),
            practice_id=person.practice_id, revoked_at=None, expires_at__gt=timezone.now())
        for token in tokens:
            add(RevocationItem.KIND_TOKEN, f"{token.hint}… (#{token.pk})", token=token)
    return departure


def verify_tokens(departure: Departure | None = None) -> None:
    """Enrollment token items are done once their token is revoked or expired (the proof
    is the token's own date); a token deleted since is done too, it enrolls nothing."""
    items = RevocationItem.objects.filter(kind=RevocationItem.KIND_TOKEN, done_at=None)
    if departure is not None:
        items = items.filter(departure=departure)
    now = timezone.now()
    for item in items.select_related("token"):
        token = item.token
        if token is not None and token.revoked_at is None and token.expires_at > now:
            continue
        when = (token.revoked_at or token.expires_at) if token is not None else now
        item.done_at = when
        item.how = ("révoqué / revoked" if token is not None and token.revoked_at
                    else "expiré / expired" if token is not None else "supprimé / deleted")
        item.save(update_fields=["done_at", "how"])


def mark_done(item: RevocationItem, by: User | None) -> bool:
    """By hand, for what the console cannot see; device accounts are verified by reports,
    enrollment tokens by their revocation or expiry."""
    if item.kind in (RevocationItem.KIND_DEVICE, RevocationItem.KIND_TOKEN) \
            or item.done_at is not None:
        return False
    item.done_at = timezone.now()
    item.done_by = by
    item.how = "à la main / by hand"
    item.save(update_fields=["done_at", "done_by", "how"])
    return True


def deadline(departure: Departure) -> datetime:
    """24 h after the end of the leaving day, in the console's time zone."""
    end = datetime.combine(departure.leaving_date, time.max)
    return timezone.make_aware(end) + GRACE


def verify(device: Device, report: Report) -> None:
    """Check the device's open revocation items against its new current report; an item
    seen disabled or removed is done (its alert closed), with the report as proof."""
    items = RevocationItem.objects.filter(device=device, kind=RevocationItem.KIND_DEVICE,
                                          done_at=None).select_related("departure")
    done: list[RevocationItem] = []
    for item in items:
        if timezone.localdate(report.observed_at) < item.departure.leaving_date:
            continue  # still employed when this audit ran
        state = people.account_state(device, item.account)
        if state in ("disabled", "removed"):
            item.done_at = timezone.now()
            item.how = (f"{SEEN[state]} — rapport du "
                        f"{date_format(timezone.localtime(report.observed_at), 'SHORT_DATETIME_FORMAT')}"
                        f" (#{report.pk})")
            item.save(update_fields=["done_at", "how"])
            done.append(item)
    keys = [_key(i) for i in done]
    if keys:
        Alert.objects.filter(device=device, kind=Alert.KIND_DEPARTURE, key__in=keys,
                             resolved_at=None).update(resolved_at=timezone.now())


def _key(item: RevocationItem) -> str:
    return f"{item.departure.person_id}:{item.account}"[:100]


def sweep(now: datetime | None = None) -> list[Alert]:
    """Accounts still active (or not verified) 24 h after the leaving date: one alert."""
    now = now or timezone.now()
    verify_tokens()
    created: list[Alert] = []
    items = (RevocationItem.objects.filter(kind=RevocationItem.KIND_DEVICE, done_at=None,
                                           device__revoked_at=None)
             .exclude(device=None).select_related("departure", "device"))
    for item in items:
        if deadline(item.departure) > now or item.device is None:
            continue
        alert, made = Alert.objects.get_or_create(
            device=item.device, kind=Alert.KIND_DEPARTURE, key=_key(item),
            defaults={"practice_id": item.device.practice_id})
        if made:
            created.append(alert)
    return created
