"""The audit wired in one place: host -> evidence -> facts -> findings.

Only wiring lives here. Findings, Report and the score are in :mod:`dentsec.findings`
(what renderers read); the check runner is :mod:`dentsec.checks.runner`.
"""

from __future__ import annotations

from pathlib import Path

from dentsec.checks.policy import Policy, load_policy
from dentsec.checks.runner import evaluate, load_checks
from dentsec.collect import collect_facts
from dentsec.findings import SCORE_METHOD, Finding, Report, Score
from dentsec.host import Host
from dentsec.host.bundle import EvidenceLog, load_bundle, write_bundle
from dentsec.host.live import LiveHost
from dentsec.host.replay import ReplayHost

__all__ = ["SCORE_METHOD", "Finding", "Report", "Score", "audit_evidence", "audit_host",
           "audit_live", "collect_bundle", "evaluate", "load_checks"]

def audit_host(host: Host, policy: Policy | None = None) -> Report:
    policy = policy or load_policy()
    facts = collect_facts(host)
    return Report(facts, evaluate(facts, policy), policy)


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
