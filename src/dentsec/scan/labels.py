"""Words the scan reports share (terminal, HTML)."""

from __future__ import annotations

from dentsec.i18n import tr
from dentsec.scan.model import HostReport, ScanReport


def status_label(status: str) -> str:
    return {"fail": tr("À corriger", "Fix"), "warn": tr("À vérifier", "Check"),
            "unknown": tr("Inconnu", "Unknown"), "pass": tr("Conforme", "Pass")}[status]


def severity_label(severity: str) -> str:
    return {"critical": tr("critique", "critical"), "high": tr("élevée", "high"),
            "medium": tr("moyenne", "medium"), "low": tr("faible", "low")}[severity]


def host_title(host: HostReport) -> str:
    parts = [host.address]
    if host.names:
        parts.append("(" + ", ".join(host.names) + ")")
    if host.scanner:
        parts.append(tr("— ce poste (celui qui scanne)",
                        "— this workstation (the one scanning)"))
    if host.vendor:
        parts.append(f"— {host.vendor}")
    return " ".join(parts)


def ports_phrase(report: ScanReport) -> str:
    label = {"top": tr("ports courants et ports du cabinet", "common and practice ports"),
             "all": tr("tous les ports TCP", "all TCP ports")}.get(
                 report.ports_label, report.ports_label)
    return tr(f"{report.ports_count} ports ({label})", f"{report.ports_count} ports ({label})")


def summary(report: ScanReport) -> str:
    c = report.counts()
    return tr(
        f"{len(report.hosts)} appareil(s) trouvé(s) sur {report.addresses} adresse(s) ; "
        f"{c['fail']} à corriger, {c['warn']} à vérifier, {c['unknown']} inconnu(s), "
        f"{c['pass']} conforme(s).",
        f"{len(report.hosts)} device(s) found on {report.addresses} address(es); "
        f"{c['fail']} to fix, {c['warn']} to check, {c['unknown']} unknown, "
        f"{c['pass']} passed.")
