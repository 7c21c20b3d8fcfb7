"""The practice's latest network scan as the practice PDF prints it (issue 18): when, from
which workstation, what to fix, what to check, and what is new since the previous scan."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dentsec.server.console.models import Practice
from dentsec.server.netscan.models import NetworkScan


@dataclass(frozen=True)
class Point:
    """One finding of the scan, in the language the agent scanned in."""

    where: str
    title: str
    message: str
    practice: str


def _point(where: str, finding: dict[str, Any]) -> Point:
    return Point(where, str(finding["title"]), str(finding["message"]),
                 str(finding["remediation"]["practice"]))


def latest(practice: Practice) -> dict[str, Any]:
    """``network_scan`` (None before any), ``scan_to_fix`` (fail), ``scan_to_check`` (warn
    and unknown, the scan's own notes included) and ``scan_first`` (nothing to compare)."""
    scans = NetworkScan.objects.filter(practice=practice).select_related("device")
    scan = scans.first()
    if scan is None:
        return {"network_scan": None}
    data = scan.data
    found = [(h["address"] + (f" ({', '.join(h['names'])})" if h["names"] else ""), f)
             for h in data["hosts"] for f in h["findings"]]
    found += [("", f) for f in data["notes"]]
    return {"network_scan": scan,
            "scan_to_fix": [_point(w, f) for w, f in found if f["status"] == "fail"],
            "scan_to_check": [_point(w, f) for w, f in found
                              if f["status"] in ("warn", "unknown")],
            "scan_first": scans.count() == 1}
