"""The JSON scan report, schema ``dentsec.scan/1`` (what the console stores and compares)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from dentsec import __version__
from dentsec.i18n import language, pick
from dentsec.scan.model import Finding, ScanReport

SCAN_SCHEMA = "dentsec.scan/1"
SCHEMA_PATH = Path(__file__).parent / "schema" / "scan-1.schema.json"


@lru_cache(maxsize=1)
def scan_schema() -> dict[str, Any]:
    with open(SCHEMA_PATH, encoding="utf-8") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema


def _finding(f: Finding, lang: str) -> dict[str, Any]:
    return {
        "id": f.kind.id, "status": f.status, "severity": f.kind.severity,
        "proto": f.proto, "port": f.port,
        "title": pick(f.kind.title, lang), "message": pick(f.message, lang),
        "why": pick(f.kind.why, lang),
        "remediation": {"practice": pick(f.kind.practice, lang), "it": pick(f.kind.it, lang)},
        "evidence": list(f.evidence),
    }


def to_dict(report: ScanReport, lang: str | None = None,
            changes: list[str] | None = None) -> dict[str, Any]:
    """``changes``: sentences saying what is new since a previous scan, when compared."""
    lang = lang or language()
    out = {
        "schema": SCAN_SCHEMA,
        "lang": lang,
        "tool": {"name": "dentsec", "version": __version__},
        "started_at": report.started_at.isoformat(timespec="seconds"),
        "finished_at": report.finished_at.isoformat(timespec="seconds"),
        "targets": list(report.targets),
        "addresses": report.addresses,
        "ports": {"choice": report.ports_label, "count": report.ports_count},
        "privileged": report.privileged,
        "engine": {"name": "nmap", "version": report.nmap_version,
                   "argv": [list(a) for a in report.nmap_argv]},
        "hosts": [{
            "address": h.address, "names": list(h.names), "mac": h.mac, "vendor": h.vendor,
            "timed_out": h.timed_out, "scanner": h.scanner, "worst": h.worst,
            "ports": [{"proto": p.proto, "port": p.port, "state": p.state,
                       "service": p.service, "product": p.product, "tls": p.tls,
                       "title": p.title} for p in h.ports],
            "findings": [_finding(f, lang) for f in h.findings],
        } for h in report.hosts],
        "notes": [_finding(f, lang) for f in report.notes],
        "counts": report.counts(),
    }
    if changes is not None:
        out["changes"] = changes
    return out


def render(report: ScanReport, lang: str | None = None,
           changes: list[str] | None = None) -> str:
    return json.dumps(to_dict(report, lang, changes), indent=2, ensure_ascii=False) + "\n"
