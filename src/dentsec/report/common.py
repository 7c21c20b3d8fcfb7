"""What the human-readable reports share: labels, ordering, grouping."""

from __future__ import annotations

from dentsec.checks.catalog import RULE_NAMES
from dentsec.findings import SEVERITY_WEIGHT, Finding, Report
from dentsec.i18n import pick, tr
from dentsec.vocab import STATUS_ORDER, Effort, Severity, Status


def status_label(status: str) -> str:
    return pick(Status(status).text)


def severity_label(severity: str) -> str:
    return pick(Severity(severity).text)


def effort_label(effort: str) -> str:
    return pick(Effort(effort).text)


def rule_title(rule: int) -> str:
    name = pick(RULE_NAMES[rule])
    return f"{tr('Règle', 'Rule')} {rule} — {name}" if rule else name


def mode_label(report: Report) -> str:
    return {
        "live": tr("ce poste, en direct", "this workstation, live"),
        "root": tr("arborescence hors ligne", "offline tree"),
        "evidence": tr("paquet de preuves enregistré", "recorded evidence bundle"),
    }[report.facts.collection_mode]


def sorted_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (STATUS_ORDER.index(f.status),
                                           -SEVERITY_WEIGHT[f.check.severity], f.check.id))


def by_rule(report: Report) -> list[tuple[int, list[Finding]]]:
    """Rules 1..6 then the checks beyond them, each worst first."""
    rules = [r for r in sorted(RULE_NAMES) if r] + [0]
    return [(r, sorted_findings([f for f in report.findings if f.check.rule == r])) for r in rules]
