"""The findings layer: what an audit concluded, its score and the five fixes.

Renderers (terminal, JSON, HTML, PDF) and the agent read only this module and the catalog;
``dentsec.engine`` produces it. The score method shown to the practice is written from the
same weights that compute the score, so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dentsec.checks.catalog import RULE_NAMES, CheckDef, Remediation, Text
from dentsec.checks.policy import AcceptedRisk, Policy
from dentsec.facts import Facts
from dentsec.vocab import Effort, OSFamily, Severity, Status

SEVERITY_WEIGHT: dict[Severity, int] = {Severity.CRITICAL: 10, Severity.HIGH: 5,
                                        Severity.MEDIUM: 3, Severity.LOW: 1}
EFFORT_RANK: dict[Effort, int] = {Effort.LOW: 0, Effort.MEDIUM: 1, Effort.HIGH: 2}
STATUS_CREDIT: dict[Status, float] = {Status.PASS: 1.0, Status.WARN: 0.5, Status.FAIL: 0.0}
"""The statuses that count in the score, and the share of a check's points each earns."""
CRITICAL_CAP = 49
"""A practice with a critical failure (open RDP, no backup) must never see a green score."""

_CREDIT_TEXT: dict[float, Text] = {1.0: {"fr": "tous ses points", "en": "all its points"},
                                   0.5: {"fr": "la moitié", "en": "half"},
                                   0.0: {"fr": "0", "en": "0"}}
_STATUS_NOUN: dict[Status, Text] = {Status.PASS: {"fr": "réussi", "en": "pass"},
                                    Status.WARN: {"fr": "avertissement", "en": "warning"},
                                    Status.FAIL: {"fr": "échec", "en": "fail"}}


def _score_method() -> Text:
    def weights(lang: str) -> str:
        return ", ".join(f"{sev.text[lang]} {w}" for sev, w in
                         sorted(SEVERITY_WEIGHT.items(), key=lambda kv: -kv[1]))

    def credits(lang: str) -> str:
        parts = [f"{_STATUS_NOUN[s][lang]} = {_CREDIT_TEXT[c][lang]}" for s, c in STATUS_CREDIT.items()]
        return ", ".join(parts)

    return {
        "fr": "Score = points obtenus / points possibles × 100. Points d'un contrôle selon sa "
              f"gravité : {weights('fr')}. {credits('fr').capitalize()}. Les contrôles inconnus "
              "ou sans objet ne comptent pas : leur nombre est affiché à part. Un contrôle "
              f"critique en échec plafonne le score à {CRITICAL_CAP}.",
        "en": "Score = points earned / points possible × 100. A check's points by severity: "
              f"{weights('en')}. {credits('en').capitalize()}. Unknown and not-applicable checks "
              "do not count: their number is shown apart. A failed critical check caps the "
              f"score at {CRITICAL_CAP}.",
    }


SCORE_METHOD: Text = _score_method()


@dataclass(frozen=True)
class Finding:
    check: CheckDef
    status: Status
    message: Text
    """What the practice reads: for unknown and na, why, in a sentence."""
    evidence: tuple[str, ...] = ()
    """What was seen; for unknown and na, the technical detail (not translated)."""
    accepted: AcceptedRisk | None = None
    """The practice's running acceptance of this failure (the status stays as seen)."""

    def remediation(self, os_family: str) -> Remediation | None:
        return self.check.remediation.get(OSFamily(os_family))


@dataclass
class Score:
    overall: int | None
    by_rule: dict[int, int | None]
    counts: dict[str, int]


def score(findings: list[Finding]) -> int | None:
    """Points earned over points possible, capped when a critical check fails."""
    earned = possible = 0.0
    for f in findings:
        if f.status in STATUS_CREDIT:
            weight = SEVERITY_WEIGHT[f.check.severity]
            possible += weight
            earned += weight * STATUS_CREDIT[f.status]
    if not possible:
        return None
    result = round(100 * earned / possible)
    if any(f.status == Status.FAIL and f.check.severity == Severity.CRITICAL for f in findings):
        result = min(result, CRITICAL_CAP)
    return result


@dataclass
class Report:
    facts: Facts
    findings: list[Finding]
    policy: Policy
    score: Score = field(init=False)

    def __post_init__(self) -> None:
        counts = {str(s): 0 for s in Status}
        for f in self.findings:
            counts[f.status] += 1
        by_rule = {rule: score([f for f in self.findings if f.check.rule == rule])
                   for rule in RULE_NAMES}
        self.score = Score(score(self.findings), by_rule, counts)

    @property
    def os_family(self) -> OSFamily:
        return OSFamily(self.facts.os.family)

    def top_fixes(self, n: int = 5) -> list[Finding]:
        """Failed first, then warnings; by severity, then by effort (quick wins first)."""
        failing = {f.check.id for f in self.findings if f.status == Status.FAIL}
        # A consequence of a failing check (no backup -> no recent backup) is not a fix of its own.
        todo = [f for f in self.findings if f.status in (Status.FAIL, Status.WARN)
                and not failing.intersection(f.check.depends_on)]
        todo.sort(key=lambda f: (f.status != Status.FAIL, -SEVERITY_WEIGHT[f.check.severity],
                                 EFFORT_RANK[f.check.effort], f.check.id))
        return todo[:n]

    @property
    def has_failures(self) -> bool:
        return self.score.counts[Status.FAIL] > 0
