"""The JSON report (schema dentsec.report/1, documented in schema/report-1.schema.json)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from dentsec import __version__
from dentsec.findings import SCORE_METHOD, Report
from dentsec.i18n import language, pick

SCHEMA_PATH = Path(__file__).parent / "schema" / "report-1.schema.json"
REPORT_SCHEMA = "dentsec.report/1"


@lru_cache(maxsize=1)
def report_schema() -> dict[str, Any]:
    with open(SCHEMA_PATH, encoding="utf-8") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema


def to_dict(report: Report, lang: str | None = None) -> dict[str, Any]:
    lang = lang or language()
    facts = report.facts
    findings = []
    for f in report.findings:
        rem = f.remediation(report.os_family)
        findings.append({
            "id": f.check.id,
            "rule": f.check.rule_or_none,
            "severity": f.check.severity,
            "status": f.status,
            "effort": f.check.effort,
            "title": pick(f.check.title, lang),
            "message": pick(f.message, lang),
            "rationale": pick(f.check.rationale, lang),
            "evidence": list(f.evidence),
            "remediation": {
                "practice": pick(rem.practice, lang) if rem else "",
                "it": pick(rem.it, lang) if rem else "",
            },
            "measures": list(f.check.measures),
            **({"accepted_risk": {"reason": f.accepted.reason,
                                  "until": f.accepted.until.isoformat()}} if f.accepted else {}),
        })
    by_rule = {str(rule or "other"): value for rule, value in report.score.by_rule.items()}
    return {
        "schema": REPORT_SCHEMA,
        "generated_at": facts.collected_at.isoformat(timespec="seconds"),
        "lang": lang,
        "tool": {"name": "dentsec", "version": __version__},
        "host": {
            "hostname": facts.os.hostname,
            "os_family": facts.os.family,
            "os_name": facts.os.name,
            "os_version": facts.os.display_version or facts.os.version,
            "os_eol": facts.os.eol_date.isoformat() if facts.os.eol_date else None,
            "collection_mode": facts.collection_mode,
            "is_admin": facts.is_admin,
        },
        "policy": report.policy.to_json(),
        "facts": facts.model_dump(mode="json", by_alias=True),
        "findings": findings,
        "score": {
            "overall": report.score.overall,
            "by_rule": by_rule,
            "counts": report.score.counts,
            "method": pick(SCORE_METHOD, lang),
        },
        "top_fixes": [f.check.id for f in report.top_fixes()],
    }


def render(report: Report, lang: str | None = None) -> str:
    return json.dumps(to_dict(report, lang), indent=2, ensure_ascii=False) + "\n"
