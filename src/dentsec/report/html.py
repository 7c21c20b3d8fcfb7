"""The self-contained HTML report: inline CSS and SVG, no network resource."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from dentsec import __version__
from dentsec.findings import SCORE_METHOD, Report
from dentsec.i18n import language, pick, tr
from dentsec.report.common import (
    by_rule,
    effort_label,
    mode_label,
    rule_title,
    severity_label,
    status_label,
)

_env = Environment(
    loader=PackageLoader("dentsec.report", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _color(score: int | None) -> str:
    if score is None:
        return "#9aa0a6"
    return "#1e8e3e" if score >= 80 else "#e37400" if score >= 50 else "#d93025"


def render(report: Report) -> str:
    rules: list[dict[str, Any]] = []
    for rule, findings in by_rule(report):
        score = report.score.by_rule[rule]
        rules.append({"title": rule_title(rule), "score": score, "color": _color(score),
                      "findings": findings,
                      "fails": sum(1 for f in findings if f.status == "fail")})
    return _env.get_template("report.html.j2").render(
        r=report,
        facts=report.facts,
        lang=language(),
        version=__version__,
        rules=rules,
        fixes=report.top_fixes(),
        overall=report.score.overall,
        overall_color=_color(report.score.overall),
        counts=report.score.counts,
        method=pick(SCORE_METHOD),
        mode=mode_label(report),
        tr=tr,
        pick=pick,
        status_label=status_label,
        severity_label=severity_label,
        effort_label=effort_label,
    )
