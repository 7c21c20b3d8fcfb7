"""The practice's people and their accounts: links proposed from the reports by name and
confirmed by a manager, accounts nobody holds, the arrival checklist, renewal reminders.

Read from each device's current report (facts.accounts): the console never asks the
device anything else.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from dentsec.server.console.models import (
    Device,
    Practice,
)
from dentsec.server.console.procedure_models import (
    DEFAULT_RENEWAL_DAYS,
    Application,
    ArrivalItem,
    Person,
    PersonAccount,
    ProcedurePolicy,
)


def device_accounts(device: Device) -> list[dict[str, Any]] | None:
    """The human, local, non-group accounts of the device's current report; None when the
    report could not see its accounts (never read as "no accounts")."""
    report = device.current_report
    if report is None:
        return None
    return accounts_of(report.data)


def accounts_of(data: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The accounts of a report's facts; the schema leaves facts loose (an agent of another
    version, or a forged upload), so anything not shaped as expected is "not seen"."""
    facts = data.get("facts")
    family = facts.get("accounts") if isinstance(facts, dict) else None
    found = family.get("accounts") if isinstance(family, dict) else None
    if not isinstance(found, list):
        return None
    return [a for a in found
            if isinstance(a, dict) and a.get("human", True) is not False
            and a.get("local", True) is not False and a.get("group", False) is not True
            and isinstance(a.get("name"), str)]


def _fold(text: str) -> str:
    """Lower case, no accents, letters and digits only: « Hélène D'Arc » -> helenedarc."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def _words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return [w for w in "".join(c if c.isalnum() else " " for c in plain).split() if len(w) > 1]


def matches(person_name: str, account: str, full_name: str | None) -> bool:
    """An account that looks like this person's: the login is one of their names, both
    joined, initial + surname (mdupont, marie.dupont, dupont), or its full name is theirs."""
    words = _words(person_name)
    if not words:
        return False
    login = _fold(account)
    candidates = set(words) | {"".join(words)}
    if len(words) >= 2:
        candidates |= {words[0][0] + words[-1], words[0] + words[-1][0]}
    full = full_name if isinstance(full_name, str) else ""  # report text: any type
    return login in candidates or (bool(full) and _fold(full) == "".join(words))


@dataclass(frozen=True)
class Proposal:
    person: Person
    device: Device
    account: str


def proposals(practice: Practice, devices: QuerySet[Device]) -> list[Proposal]:
    """Accounts seen in the reports that look like a person's and are linked to nobody."""
    linked = set(PersonAccount.objects.filter(device__in=devices)
                 .values_list("device_id", "account"))
    persons = list(practice.persons.filter(end_date=None))
    out: list[Proposal] = []
    for device in devices.select_related("current_report"):
        for acc in device_accounts(device) or []:
            if (device.pk, acc["name"]) in linked:
                continue
            for person in persons:
                if matches(person.name, acc["name"], acc.get("full_name")):
                    out.append(Proposal(person, device, acc["name"]))
    return out


def link(person: Person, device: Device, account: str, by: User | None) -> PersonAccount:
    """A manager's confirmation; an account already someone's is moved to this person."""
    with transaction.atomic():
        found = PersonAccount.objects.filter(device=device, account=account).first()
        if found is not None:
            found.person = person
            found.confirmed_by = by
            found.save(update_fields=["person", "confirmed_by"])
            return found
        try:
            return PersonAccount.objects.create(person=person, device=device,
                                                account=account, confirmed_by=by)
        except IntegrityError:  # confirmed twice at once
            return PersonAccount.objects.get(device=device, account=account)


@dataclass(frozen=True)
class Orphan:
    device: Device
    account: str
    is_admin: bool | None


def orphans(devices: QuerySet[Device]) -> list[Orphan]:
    """« Compte sans titulaire »: an account of a report linked to nobody (generic or a
    leftover of someone gone)."""
    linked = set(PersonAccount.objects.filter(device__in=devices)
                 .values_list("device_id", "account"))
    return [Orphan(device, acc["name"], acc.get("is_admin"))
            for device in devices.select_related("current_report")
            for acc in device_accounts(device) or []
            if (device.pk, acc["name"]) not in linked]


def account_state(device: Device, account: str) -> str:
    """"active", "disabled", "removed" (seen absent) or "unknown" (accounts not seen)."""
    accounts = device_accounts(device)
    if accounts is None:
        return "unknown"
    for acc in accounts:
        if acc["name"] == account:
            if acc.get("enabled") is False:
                return "disabled"
            return "active" if acc.get("enabled") is True else "unknown"
    return "removed"


def _account(device: Device, account: str) -> dict[str, Any] | None:
    return next((a for a in device_accounts(device) or [] if a["name"] == account), None)


# --- arrival ---------------------------------------------------------------------------

ARRIVAL_ITEMS = ["named-account", "not-admin", "password-generated", "applications",
                 "awareness"]
"""The first two are read from the reports; the others are ticked by a manager."""
FROM_REPORTS = frozenset({"named-account", "not-admin"})


@dataclass(frozen=True)
class Tick:
    item: str
    done: bool
    when: datetime | None
    by: str
    """A user name, or "rapports" when the reports showed it."""


def arrival(person: Person) -> list[Tick]:
    links = list(person.accounts.select_related("device__current_report"))
    seen = [(pa, _account(pa.device, pa.account)) for pa in links]
    reports = [pa.device.current_report for pa in links if pa.device.current_report]
    when = max((r.observed_at for r in reports), default=None)
    ticks: list[Tick] = []
    named = bool(seen) and all(acc is not None for _, acc in seen)
    ticks.append(Tick("named-account", named, when if named else None, "rapports"))
    lead = person.role == "manager" or person.role == "practitioner"
    not_admin = named and (lead or all(acc is not None and acc.get("is_admin") is False
                                       for _, acc in seen))
    ticks.append(Tick("not-admin", not_admin, when if not_admin else None, "rapports"))
    manual = {i.item: i for i in person.arrival_items.select_related("done_by")}
    for item in ARRIVAL_ITEMS:
        if item in FROM_REPORTS:
            continue
        done = manual.get(item)
        ticks.append(Tick(item, done is not None, done.done_at if done else None,
                          done.done_by.get_username() if done and done.done_by else ""))
    return ticks


def tick(person: Person, item: str, by: User | None) -> bool:
    """Tick an item by hand; False for the items only the reports may tick."""
    if item not in ARRIVAL_ITEMS or item in FROM_REPORTS:
        return False
    ArrivalItem.objects.get_or_create(person=person, item=item, defaults={"done_by": by})
    return True


# --- renewal reminders -------------------------------------------------------------------

def policy_of(practice: Practice) -> ProcedurePolicy:
    found = ProcedurePolicy.objects.filter(practice=practice).first()
    return found or ProcedurePolicy(practice=practice, renewal_days=DEFAULT_RENEWAL_DAYS)


def set_policy(practice: Practice, renewal_days: int, renewal_scope: str) -> ProcedurePolicy:
    policy, _ = ProcedurePolicy.objects.update_or_create(
        practice=practice, defaults={"renewal_days": renewal_days,
                                     "renewal_scope": renewal_scope})
    return policy


@dataclass(frozen=True)
class Reminder:
    where: str
    """The device's name, or the application's."""
    account: str
    person: Person | None
    last_set: date | None
    due: date
    device: Device | None


def _aware(value: Any) -> datetime | None:
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well formed but impossible (month 13): not a date
        return None
    return parsed if parsed is not None and parsed.tzinfo is not None else None


def reminders(practice: Practice, devices: QuerySet[Device],
              today: date | None = None) -> list[Reminder]:
    """Passwords due for renewal at the practice's interval: device accounts from the
    current reports (a newer password date in a later report closes it), application
    accounts from the date a manager entered."""
    today = today or timezone.localdate()
    policy = policy_of(practice)
    every = timedelta(days=policy.renewal_days)
    owners = {(pa.device_id, pa.account): pa.person
              for pa in PersonAccount.objects.filter(device__in=devices)
              .select_related("person")}
    out: list[Reminder] = []
    for device in devices.select_related("current_report"):
        for acc in device_accounts(device) or []:
            if acc.get("enabled") is False:
                continue
            if policy.renewal_scope == "admins" and acc.get("is_admin") is not True:
                continue
            last = _aware(acc.get("password_last_set"))
            if last is None:
                continue  # never set, or not readable: other checks say so
            due = timezone.localdate(last) + every
            if due <= today:
                out.append(Reminder(device.name, acc["name"],
                                    owners.get((device.pk, acc["name"])),
                                    timezone.localdate(last), due, device))
    if policy.renewal_scope == "all":
        apps = Application.objects.filter(person__practice=practice, revoked_at=None,
                                          person__end_date=None).select_related("person")
        for app in apps:
            if app.password_set_on is None or app.password_set_on + every <= today:
                out.append(Reminder(app.name, app.person.name, app.person,
                                    app.password_set_on,
                                    (app.password_set_on + every) if app.password_set_on
                                    else today, None))
    return sorted(out, key=lambda r: (r.due, r.where, r.account))
