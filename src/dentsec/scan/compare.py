"""What changed between two scans of the same network (``dentsec.scan/1`` documents): new
devices and newly open ports are what an attacker, or a forgotten installation, adds.
Pure; used by ``dentsec scan --compare`` and by the console."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dentsec.i18n import tr


@dataclass(frozen=True)
class Changes:
    new_hosts: tuple[str, ...]
    """Addresses seen now and not in the previous scan."""
    new_ports: tuple[tuple[str, str], ...]
    """(address, "proto/port service") open now and not before, on devices seen both times."""
    gone_hosts: tuple[str, ...]
    closed_ports: tuple[tuple[str, str], ...]

    @property
    def alarming(self) -> bool:
        return bool(self.new_hosts or self.new_ports)


def open_ports(report: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """address -> {"tcp/445": "microsoft-ds", …} for the ports seen open."""
    out: dict[str, dict[str, str]] = {}
    for host in report.get("hosts", []):
        ports = {f"{p['proto']}/{p['port']}": str(p.get("service") or "")
                 for p in host.get("ports", []) if p.get("state") == "open"}
        out[str(host["address"])] = ports
    return out


def changes(previous: Mapping[str, Any] | None, current: Mapping[str, Any]) -> Changes:
    """What changed between two scan reports (none for the first scan)."""
    return between(open_ports(previous) if previous is not None else None, open_ports(current))


def between(before: Mapping[str, Mapping[str, str]] | None,
            now: Mapping[str, Mapping[str, str]]) -> Changes:
    """The same, from the open ports of each scan (``open_ports``), as the console keeps."""
    if before is None:
        return Changes((), (), (), ())
    shared = [a for a in now if a in before]

    def label(ports: Mapping[str, str], key: str) -> str:
        return f"{key} {ports[key]}".strip()

    return Changes(
        new_hosts=tuple(a for a in now if a not in before),
        new_ports=tuple((a, label(now[a], k)) for a in shared for k in now[a]
                        if k not in before[a]),
        gone_hosts=tuple(a for a in before if a not in now),
        closed_ports=tuple((a, label(before[a], k)) for a in shared for k in before[a]
                           if k not in now[a]),
    )


def describe(found: Changes, since: str) -> list[str]:
    """One sentence per change, in the user's language, alarming ones first."""
    lines = [tr(f"Nouvel appareil depuis le scan du {since} : {a}.",
                f"New device since the scan of {since}: {a}.") for a in found.new_hosts]
    lines += [tr(f"Nouveau port ouvert depuis le scan du {since} : {p} sur {a}.",
                 f"New open port since the scan of {since}: {p} on {a}.")
              for a, p in found.new_ports]
    lines += [tr(f"Appareil absent depuis le scan du {since} : {a}.",
                 f"Device missing since the scan of {since}: {a}.") for a in found.gone_hosts]
    lines += [tr(f"Port fermé depuis le scan du {since} : {p} sur {a}.",
                 f"Port closed since the scan of {since}: {p} on {a}.")
              for a, p in found.closed_ports]
    return lines
