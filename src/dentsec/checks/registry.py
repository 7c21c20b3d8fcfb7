"""How a check function is written: it reads facts and policy and returns an Outcome.

Check functions are pure. They never raise for missing data: ``ctx.get`` raises
:class:`Unknown` (or :class:`NotApplicable`), which the engine turns into a finding.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from dentsec.checks.catalog import Text
from dentsec.checks.policy import Policy
from dentsec.facts import Facts

Status = Literal["pass", "fail", "warn", "unknown", "na"]


class Unknown(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotApplicable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Outcome:
    status: Status
    message: Text
    evidence: tuple[str, ...] = ()


def _outcome(status: Status, fr: str, en: str, evidence: Iterable[str]) -> Outcome:
    return Outcome(status, {"fr": fr, "en": en}, tuple(evidence))


def passed(fr: str, en: str, evidence: Iterable[str] = ()) -> Outcome:
    return _outcome("pass", fr, en, evidence)


def failed(fr: str, en: str, evidence: Iterable[str] = ()) -> Outcome:
    return _outcome("fail", fr, en, evidence)


def warned(fr: str, en: str, evidence: Iterable[str] = ()) -> Outcome:
    return _outcome("warn", fr, en, evidence)


def unknown(fr: str, en: str, evidence: Iterable[str] = ()) -> Outcome:
    return _outcome("unknown", fr, en, evidence)


def not_applicable(fr: str, en: str, evidence: Iterable[str] = ()) -> Outcome:
    return _outcome("na", fr, en, evidence)


@dataclass(frozen=True)
class Ctx:
    facts: Facts
    policy: Policy

    @property
    def now(self) -> datetime:
        return self.facts.collected_at

    def family(self, name: str) -> Any:
        value = getattr(self.facts, name)
        if value is None:
            raise Unknown(f"{name}: {self.facts.unknown.get(name, 'not collected')}")
        return value

    def get(self, family_name: str, field: str) -> Any:
        """A field's value, or Unknown / NotApplicable with the collector's reason."""
        fam = self.family(family_name)
        value = getattr(fam, field)
        if value is None:
            if field in fam.not_applicable:
                raise NotApplicable(f"{family_name}.{field}")
            raise Unknown(f"{family_name}.{field}: {fam.unknown.get(field, 'unknown')}")
        return value

    def reason(self, family_name: str, field: str) -> str | None:
        """Why a list field may be incomplete (the collector could not see everything)."""
        fam = self.family(family_name)
        reason: str | None = fam.unknown.get(field)
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


def flag_check(check_id: str, family: str, field: str, want: bool,
               good: tuple[str, str], bad: tuple[str, str]) -> None:
    """Declare a check that compares one yes/no fact with the value the guide wants;
    ``good`` and ``bad`` are the (French, English) messages."""
    def evaluate(ctx: Ctx) -> Outcome:
        value = ctx.get(family, field)
        ev = [f"{family}.{field} = {value}"]
        return passed(*good, ev) if value == want else failed(*bad, ev)

    check(check_id)(evaluate)


def names(items: Iterable[str], limit: int = 8) -> str:
    """A short comma-separated list for a message."""
    seq = list(items)
    text = ", ".join(seq[:limit])
    return text + (f" (+{len(seq) - limit})" if len(seq) > limit else "")
