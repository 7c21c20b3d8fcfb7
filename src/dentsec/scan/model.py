"""The scan's result model: kinds of finding (catalog.toml), findings, hosts, the report.
Renderers import this module only."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal

from dentsec.vocab import SEVERITY_RANK

Status = Literal["fail", "warn", "unknown", "pass"]
Severity = Literal["critical", "high", "medium", "low"]
Text = dict[str, str]
"""{"fr": …, "en": …}"""

STATUS_ORDER: dict[str, int] = {"fail": 0, "warn": 1, "unknown": 2, "pass": 3}
SEVERITY_ORDER: dict[str, int] = SEVERITY_RANK
CATALOG_PATH = Path(__file__).parent / "catalog.toml"


@dataclass(frozen=True)
class Kind:
    id: str
    severity: Severity
    status: Status
    title: Text
    why: Text
    practice: Text
    it: Text


@lru_cache(maxsize=1)
def kinds() -> dict[str, Kind]:
    with open(CATALOG_PATH, "rb") as fh:
        data = tomllib.load(fh)
    out: dict[str, Kind] = {}
    for kid, entry in data.items():
        if entry["severity"] not in SEVERITY_ORDER or entry["status"] not in STATUS_ORDER:
            raise ValueError(f"{kid}: bad severity or status in {CATALOG_PATH}")
        for key in ("title", "why", "practice", "it"):
            if not entry[key].get("fr") or not entry[key].get("en"):
                raise ValueError(f"{kid}.{key}: French and English texts are both required")
        out[kid] = Kind(kid, entry["severity"], entry["status"], entry["title"], entry["why"],
                        entry["practice"], entry["it"])
    return out


def kind(kid: str) -> Kind:
    return kinds()[kid]


@dataclass(frozen=True)
class OpenPort:
    proto: str
    port: int
    state: str
    service: str
    """nmap's service name (``ms-wbt-server``, ``http``…)."""
    product: str = ""
    """Product and version when nmap recognised them."""
    tls: bool = False
    title: str = ""
    """The web page's title (http-title)."""


@dataclass(frozen=True)
class Finding:
    kind: Kind
    status: Status
    message: Text
    """What was seen, on this device, in both languages."""
    proto: str | None = None
    port: int | None = None
    evidence: tuple[str, ...] = ()

    @property
    def sort_key(self) -> tuple[int, int, str, int]:
        return (STATUS_ORDER[self.status], SEVERITY_ORDER[self.kind.severity], self.kind.id,
                self.port or 0)


@dataclass(frozen=True)
class HostReport:
    address: str
    names: tuple[str, ...]
    """Names the user typed that resolved to this address."""
    mac: str | None
    vendor: str | None
    ports: tuple[OpenPort, ...]
    findings: tuple[Finding, ...]
    timed_out: bool = False
    scanner: bool = False
    """The workstation that ran the scan."""

    @property
    def worst(self) -> Status:
        return min((f.status for f in self.findings), key=STATUS_ORDER.__getitem__,
                   default="pass")


@dataclass(frozen=True)
class ScanReport:
    started_at: datetime
    finished_at: datetime
    targets: tuple[str, ...]
    """As the user typed them."""
    addresses: int
    """How many addresses the targets cover."""
    ports_label: str
    ports_count: int
    privileged: bool
    nmap_version: str
    nmap_argv: tuple[tuple[str, ...], ...]
    hosts: tuple[HostReport, ...]
    notes: tuple[Finding, ...]
    """Findings about the scan as a whole (what it could not see)."""

    @property
    def findings(self) -> list[Finding]:
        return [f for h in self.hosts for f in h.findings] + list(self.notes)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUS_ORDER, 0)
        for f in self.findings:
            counts[f.status] += 1
        return counts

    @property
    def has_failures(self) -> bool:
        return any(f.status == "fail" for f in self.findings)
