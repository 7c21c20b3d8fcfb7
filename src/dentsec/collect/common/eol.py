"""End-of-support lookups in the shipped endoflife.date extract."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from dentsec.facts import OSInfo
from dentsec.paths import data_path

FREE_EXTENDED = {"debian": "Debian LTS"}
"""Extended security support every machine gets: Debian LTS keeps the same security suite."""
PAID_EXTENDED = {"ubuntu": "Ubuntu Pro (ESM)", "windows": "Windows ESU",
                 "windows-server": "Windows ESU", "rhel": "Red Hat ELS"}
"""Extensions a machine gets only once enrolled: counted when the machine shows it."""


@dataclass(frozen=True)
class Release:
    product: str
    cycle: str
    label: str
    eol: date | None
    """End of security support; None when the data has no date (not announced)."""
    latest: str | None
    extended: date | None = None
    """End of extended security support (``eoes``), free or paid depending on the product."""


@lru_cache(maxsize=1)
def _products() -> dict[str, Any]:
    with open(data_path("endoflife-releases.json"), encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    products: dict[str, Any] = data["products"]
    return products


def _date(value: Any) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def releases(product: str) -> list[Release]:
    entry = _products().get(product)
    if not entry:
        return []
    return [
        Release(product, str(r["releaseCycle"]), str(r.get("releaseLabel") or r["releaseCycle"]),
                _date(r.get("eol")), r.get("latest"), _date(r.get("eoes")))
        for r in entry["releases"]
    ]


def find(product: str, cycle: str) -> Release | None:
    """The release whose cycle equals ``cycle`` (case-insensitive)."""
    want = cycle.lower()
    for rel in releases(product):
        if rel.cycle.lower() == want:
            return rel
    return None


def find_by_version(product: str, version: str) -> Release | None:
    """The release whose cycle is the longest dotted prefix of ``version`` (e.g. 15.6.1 -> 15)."""
    parts = version.split(".")
    for n in range(len(parts), 0, -1):
        rel = find(product, ".".join(parts[:n]))
        if rel:
            return rel
    return None


def apply_release(info: OSInfo, rel: Release, enrolled: bool | None = None,
                  why_not: str = "") -> None:
    """Set the end of support of ``info`` from ``rel`` and the extended support offered
    after it: free ones are active, paid ones only when ``enrolled`` is True."""
    info.eol_cycle = rel.cycle
    info.eol_date = rel.eol
    info.eol_announced = rel.eol is not None
    if rel.extended is None or rel.eol is None or rel.extended <= rel.eol:
        return
    free = FREE_EXTENDED.get(rel.product)
    name = free or PAID_EXTENDED.get(rel.product)
    if name is None:
        return
    info.extended_support, info.extended_support_until = name, rel.extended
    info.extended_support_active = True if free else enrolled
    if not info.extended_support_active:
        info.unknown["extended_support_active"] = why_not or "enrolment not seen on this machine"
