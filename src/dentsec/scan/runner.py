"""One scan from start to end: targets judged, nmap run (once per address family), findings
per host. The only module of the toolkit that sends packets (through nmap)."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from dentsec.checks.policy import JustifiedPort
from dentsec.scan import nmap
from dentsec.scan.findings import host_report
from dentsec.scan.model import Finding, HostReport, ScanReport, kind
from dentsec.scan.targets import Target

DEFAULT_TIME_LIMIT_MIN = 30.0


@dataclass(frozen=True)
class ScanRequest:
    targets: Sequence[Target]
    ports: str = "top"
    """``top``, ``all`` or a port list."""
    time_limit_s: float = DEFAULT_TIME_LIMIT_MIN * 60
    justified: tuple[JustifiedPort, ...] = ()
    """Ports justified on every device (the practice policy)."""
    justified_by_host: Mapping[str, tuple[JustifiedPort, ...]] = field(default_factory=dict)
    """Ports justified on one device, by address (that device's policy)."""


def host_timeout_s(time_limit_s: float) -> int:
    """Each device gets three quarters of the whole limit: a device that hangs is reported
    as incomplete while the others still finish."""
    return max(10, int(time_limit_s * 0.75))


def plan_argvs(request: ScanRequest, nmap_path: str, raw: bool) -> tuple[nmap.PortPlan,
                                                                          list[list[str]]]:
    plan = nmap.port_plan(request.ports, nmap_path)
    argvs = []
    for family in (4, 6):
        group = [t for t in request.targets if t.network.version == family]
        if group:
            argvs.append(nmap.build_argv(nmap_path, group, plan, raw,
                                         host_timeout_s(request.time_limit_s)))
    return plan, argvs


def _names(targets: Sequence[Target], address: str) -> tuple[str, ...]:
    ip = ipaddress.ip_address(address)
    return tuple(dict.fromkeys(t.name for t in targets if t.name and ip in t.network))


def scan(request: ScanRequest) -> ScanReport:
    started = datetime.now(UTC)
    nmap_path = nmap.locate()
    raw = nmap.privileged()
    plan, argvs = plan_argvs(request, nmap_path, raw)
    hosts: list[HostReport] = []
    version = ""
    for argv in argvs:
        remaining = request.time_limit_s - (datetime.now(UTC) - started).total_seconds()
        run = nmap.run(argv, max(1.0, remaining))
        version = run.version
        for h in run.hosts:
            if h.state != "up":
                continue
            justified = request.justified + tuple(request.justified_by_host.get(h.address, ()))
            hosts.append(host_report(h, _names(request.targets, h.address), justified,
                                     plan.count(raw)))
    notes: list[Finding] = []
    if not raw and plan.udp:
        udp = ", ".join(str(p) for p in sorted(plan.udp))
        notes.append(Finding(kind("SCAN-INCOMPLETE"), "unknown", {
            "fr": f"Ports UDP ({udp}, dont UPnP/SSDP) non examinés : il faut lancer le scan en "
                  "administrateur (sudo, ou « Exécuter en tant qu'administrateur »).",
            "en": f"UDP ports ({udp}, including UPnP/SSDP) not examined: the scan must run as "
                  "administrator (sudo, or 'Run as administrator')."}, evidence=("unprivileged",)))
    hosts.sort(key=lambda h: (ipaddress.ip_address(h.address).version,
                              ipaddress.ip_address(h.address)))
    return ScanReport(
        started_at=started, finished_at=datetime.now(UTC),
        targets=tuple(dict.fromkeys(t.text for t in request.targets)),
        addresses=sum(t.network.num_addresses for t in request.targets),
        ports_label=plan.label, ports_count=plan.count(raw), privileged=raw,
        nmap_version=version, nmap_argv=tuple(tuple(a) for a in argvs),
        hosts=tuple(hosts), notes=tuple(notes))
