"""The whole audit in one place: host -> evidence -> facts -> findings -> report."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from dentsec.checks.catalog import (
    EFFORT_RANK,
    RULE_NAMES,
    SEVERITY_WEIGHT,
    CheckDef,
    Remediation,
    Text,
    load_catalog,
)
from dentsec.checks.policy import Policy, load_policy
from dentsec.checks.registry import REGISTRY, Ctx, NotApplicable, Status, Unknown
from dentsec.collect import collect_facts
from dentsec.facts import Facts
from dentsec.host import Host
from dentsec.host.bundle import EvidenceLog, load_bundle, write_bundle
from dentsec.host.live import LiveHost
from dentsec.host.replay import ReplayHost

CHECK_MODULES = ("rule1_passwords", "rule2_updates", "rule3_accounts", "rule4_backups",
                 "rule5_downloads", "rule6_firewall", "beyond_encryption")
CRITICAL_CAP = 49
"""A practice with a critical failure (open RDP, no backup) must never see a green score."""
STATUS_CREDIT: dict[str, float] = {"pass": 1.0, "warn": 0.5, "fail": 0.0}
SCORE_METHOD: Text = {
    "fr": "Score = points obtenus / points possibles × 100. Points d'un contrôle selon sa gravité : "
          "critique 10, élevée 5, moyenne 3, faible 1. Réussi = tous ses points, avertissement = "
          "la moitié, échec = 0. Les contrôles inconnus ou sans objet ne comptent pas : leur "
          "nombre est affiché à part. Un contrôle critique en échec plafonne le score à "
          f"{CRITICAL_CAP}.",
    "en": "Score = points earned / points possible × 100. A check's points by severity: "
          "critical 10, high 5, medium 3, low 1. Pass = all its points, warning = half, "
          "fail = 0. Unknown and not-applicable checks do not count: their number is shown apart. "
          f"A failed critical check caps the score at {CRITICAL_CAP}.",
}


def _load_checks() -> None:
    for name in CHECK_MODULES:
        importlib.import_module(f"dentsec.checks.{name}")


@dataclass(frozen=True)
class Finding:
    check: CheckDef
    status: Status
    message: Text
    evidence: tuple[str, ...] = ()

    def remediation(self, os_family: str) -> Remediation | None:
        return self.check.remediation.get(os_family)


def evaluate(facts: Facts, policy: Policy) -> list[Finding]:
    """Run every check of the catalog; a check never crashes the audit."""
    _load_checks()
    ctx = Ctx(facts, policy)
    findings = []
    for check_id, definition in load_catalog().items():
        fn = REGISTRY[check_id]
        if check_id in policy.disabled_checks:
            findings.append(Finding(definition, "na", {
                "fr": "Contrôle désactivé par la politique du cabinet.",
                "en": "Check disabled by the practice policy."}))
            continue
        try:
            out = fn(ctx)
            findings.append(Finding(definition, out.status, out.message, out.evidence))
        except Unknown as exc:
            findings.append(Finding(definition, "unknown", {
                "fr": "Impossible de vérifier : information non disponible.",
                "en": "Cannot check: information not available."}, (exc.reason,)))
        except NotApplicable as exc:
            findings.append(Finding(definition, "na", {
                "fr": "Sans objet sur ce poste.", "en": "Not applicable on this workstation."},
                (exc.reason,)))
    return findings


@dataclass
class Score:
    overall: int | None
    by_rule: dict[int, int | None]
    counts: dict[str, int]


def _score(findings: list[Finding]) -> int | None:
    earned = possible = 0.0
    for f in findings:
        if f.status in STATUS_CREDIT:
            weight = SEVERITY_WEIGHT[f.check.severity]
            possible += weight
            earned += weight * STATUS_CREDIT[f.status]
    if not possible:
        return None
    score = round(100 * earned / possible)
    if any(f.status == "fail" and f.check.severity == "critical" for f in findings):
        score = min(score, CRITICAL_CAP)
    return score


@dataclass
class Report:
    facts: Facts
    findings: list[Finding]
    policy: Policy
    score: Score = field(init=False)

    def __post_init__(self) -> None:
        counts = {s: 0 for s in ("pass", "fail", "warn", "unknown", "na")}
        for f in self.findings:
            counts[f.status] += 1
        by_rule = {rule: _score([f for f in self.findings if f.check.rule == rule])
                   for rule in RULE_NAMES}
        self.score = Score(_score(self.findings), by_rule, counts)

    @property
    def os_family(self) -> str:
        return self.facts.os.family

    def top_fixes(self, n: int = 5) -> list[Finding]:
        """Failed first, then warnings; by severity, then by effort (quick wins first)."""
        failing = {f.check.id for f in self.findings if f.status == "fail"}
        # A consequence of a failing check (no backup -> no recent backup) is not a fix of its own.
        todo = [f for f in self.findings if f.status in ("fail", "warn")
                and not failing.intersection(f.check.depends_on)]
        todo.sort(key=lambda f: (f.status != "fail", -SEVERITY_WEIGHT[f.check.severity],
                                 EFFORT_RANK[f.check.effort], f.check.id))
        return todo[:n]

    @property
    def has_failures(self) -> bool:
        return self.score.counts["fail"] > 0


def audit_host(host: Host, policy: Policy | None = None) -> Report:
    facts = collect_facts(host)
    return Report(facts, evaluate(facts, policy or load_policy()), policy or load_policy())


def audit_live(root: str | None = None, policy: Policy | None = None) -> Report:
    """Audit this machine (or an offline Linux tree mounted at ``root``)."""
    return audit_host(LiveHost(root=root), policy)


def audit_evidence(path: Path, policy: Policy | None = None) -> Report:
    """Audit a recorded evidence bundle (zip or folder)."""
    return audit_host(ReplayHost(load_bundle(Path(path))), policy)


def collect_bundle(output: Path, root: str | None = None) -> Report:
    """Collect this machine into an evidence bundle; returns the audit of what was read."""
    log = EvidenceLog()
    host = LiveHost(root=root, log=log)
    report = audit_host(host)
    write_bundle(Path(output), host.info, log.items)
    return report
