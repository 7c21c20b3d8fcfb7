"""How a check function is written: it reads facts and policy and returns an Outcome.

Check functions are pure. They never raise for missing data on purpose: ``ctx.family``
and :func:`need` raise :class:`Unknown` (or :class:`NotApplicable`), which the runner
turns into a finding with a French sentence saying why. Any other exception is a bug of
the check; the runner turns it into an ``unknown`` finding too, so the audit goes on.

Facts are reached by type, so mypy checks every field a check reads::

    fam = ctx.family(PasswordPolicy)        # PasswordPolicy, or Unknown
    got = need(fam, "min_length", fam.min_length)   # int, or Unknown / NotApplicable
"""

from __future__ import annotations

import ipaddress
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import TypeVar

from dentsec.checks.catalog import Text
from dentsec.checks.policy import Policy
from dentsec.facts import Facts, Family
from dentsec.vocab import ErrorKind, Status

F = TypeVar("F", bound=Family)
T = TypeVar("T")


class Unknown(Exception):
    """A fact the check needs could not be seen. ``fact`` names it ("accounts" or
    "accounts.password_empty"); ``detail`` is the collector's technical reason."""

    def __init__(self, fact: str, detail: str = "", kind: ErrorKind | None = None) -> None:
        self.fact = fact
        self.detail = detail
        self.kind = kind or ErrorKind.of(detail)
        super().__init__(self.reason)

    @property
    def reason(self) -> str:
        return f"{self.fact}: {self.detail}" if self.detail else self.fact


class NotApplicable(Exception):
    """The check has no object on this machine; ``why`` is the sentence the practice reads
    when the fact's name alone does not say it (no backup, so no disk to unplug)."""

    def __init__(self, fact: str, why: Text | None = None) -> None:
        self.fact = fact
        self.why = why
        super().__init__(fact)

    @property
    def reason(self) -> str:
        return self.fact


@dataclass(frozen=True)
class Outcome:
    status: Status
    message: Text
    evidence: tuple[str, ...] = ()


def _outcome(status: Status, fr: str, en: str, evidence: Iterable[str]) -> Outcome:
    return Outcome(status, {"fr": fr, "en": en}, tuple(evidence))


def passed(fr: str, en: str, evidence: Iterable[str] = ()) -> Outcome:
    return _outcome(Status.PASS, fr, en, evidence)


def failed(fr: str, en: str, evidence: Iterable[str] = ()) -> Outcome:
    return _outcome(Status.FAIL, fr, en, evidence)


def warned(fr: str, en: str, evidence: Iterable[str] = ()) -> Outcome:
    return _outcome(Status.WARN, fr, en, evidence)


def unknown(fr: str, en: str, evidence: Iterable[str] = ()) -> Outcome:
    return _outcome(Status.UNKNOWN, fr, en, evidence)


def not_applicable(fr: str, en: str, evidence: Iterable[str] = ()) -> Outcome:
    return _outcome(Status.NA, fr, en, evidence)


@cache
def family_names() -> dict[type[Family], str]:
    """Fact family type -> its attribute in :class:`Facts` (Accounts -> "accounts")."""
    found: dict[type[Family], str] = {}
    for name, info in Facts.model_fields.items():
        annotation = info.annotation
        candidates = typing.get_args(annotation) if isinstance(annotation, types.UnionType) \
            or typing.get_origin(annotation) is typing.Union else (annotation,)
        for candidate in candidates:
            if isinstance(candidate, type) and issubclass(candidate, Family):
                found[candidate] = name
    return found


def family_name(kind: type[Family]) -> str:
    return family_names()[kind]


def need(fam: Family, field: str, value: T | None) -> T:
    """``value`` (the family's ``field``), or Unknown / NotApplicable with the collector's
    reason when it is None. Pass the attribute itself so mypy knows its type."""
    if value is None:
        fact = f"{family_name(type(fam))}.{field}"
        if field in fam.not_applicable:
            raise NotApplicable(fact)
        raise Unknown(fact, fam.unknown.get(field, ""))
    return value


@dataclass(frozen=True)
class Ctx:
    facts: Facts
    policy: Policy

    @property
    def now(self) -> datetime:
        return self.facts.collected_at

    def family(self, kind: type[F]) -> F:
        """The family, or Unknown with the reason it could not be gathered."""
        name = family_name(kind)
        value = getattr(self.facts, name)
        if value is None:
            raise Unknown(name, self.facts.unknown.get(name, ErrorKind.NOT_COLLECTED))
        if not isinstance(value, kind):  # pragma: no cover - Facts' schema guarantees it
            raise TypeError(f"{name} is not {kind.__name__}")
        return value

    def optional(self, kind: type[F]) -> F | None:
        """The family when it was gathered; for checks that can decide without it."""
        value = getattr(self.facts, family_name(kind))
        return value if isinstance(value, kind) else None

    def reason(self, kind: type[Family], field: str) -> str | None:
        """Why a list field may be incomplete (the collector could not see everything)."""
        reason: str | None = self.family(kind).unknown.get(field)
        return reason

    def age_days(self, when: datetime | date) -> float:
        if isinstance(when, datetime):
            moment = when if when.tzinfo else when.replace(tzinfo=UTC)
            return (self.now - moment).total_seconds() / 86400
        return float((self.now.date() - when).days)


def is_exposed(address: str) -> bool:
    """Whether a listening address can be reached from another machine."""
    try:
        return not ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return address not in ("localhost",)


CheckFn = Callable[[Ctx], Outcome]
REGISTRY: dict[str, CheckFn] = {}


def check(check_id: str) -> Callable[[CheckFn], CheckFn]:
    def register(fn: CheckFn) -> CheckFn:
        if check_id in REGISTRY:
            raise ValueError(f"check {check_id} registered twice")
        REGISTRY[check_id] = fn
        return fn

    return register


def flag_check(check_id: str, kind: type[Family], field: str, want: bool,
               good: tuple[str, str], bad: tuple[str, str]) -> None:
    """Declare a check that compares one yes/no fact with the value the guide wants;
    ``good`` and ``bad`` are the (French, English) messages."""
    def evaluate(ctx: Ctx) -> Outcome:
        fam = ctx.family(kind)
        value = need(fam, field, getattr(fam, field))
        if not isinstance(value, bool):  # pragma: no cover - a catalog mistake
            raise TypeError(f"{family_name(kind)}.{field} is not a yes/no fact")
        ev = [f"{family_name(kind)}.{field} = {value}"]
        return passed(*good, ev) if value == want else failed(*bad, ev)

    check(check_id)(evaluate)


def names(items: Iterable[str], limit: int = 8) -> str:
    """A short comma-separated list for a message."""
    seq = list(items)
    text = ", ".join(seq[:limit])
    return text + (f" (+{len(seq) - limit})" if len(seq) > limit else "")
