"""End-of-support lookups in the shipped endoflife.date extract."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from dentsec.paths import data_path


@dataclass(frozen=True)
class Release:
    product: str
    cycle: str
    label: str
    eol: date | None
    """End of security support; None when the data has no date (not announced)."""
    latest: str | None


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
                _date(r.get("eol")), r.get("latest"))
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
