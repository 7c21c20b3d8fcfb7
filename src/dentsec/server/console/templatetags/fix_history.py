"""The device page's list of `dentsec fix` runs, uploaded by the agent with its reports
(``fix_history`` of the latest report, validated on upload by the report schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils.translation import get_language

from dentsec.fix.words import RUN_WORDS
from dentsec.server.console.templatetags.console_labels import label

register = template.Library()
SHOWN = 20


def _when(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


@register.inclusion_tag("console/_fix_history.html")
def fix_history(report: Any) -> dict[str, Any]:
    runs = list(report.data.get("fix_history") or []) if report is not None else []
    english = (get_language() or "fr").startswith("en")

    def word(fr: str, en: str) -> str:
        return en if english else fr

    rows = []
    for run in reversed(runs[-SHOWN:]):
        status = RUN_WORDS.get(str(run.get("status")), (str(run.get("status")),) * 2)
        before, after = run.get("verdict_before"), run.get("verdict_after")
        verdicts = f"{label(before)} → {label(after)}" if before and after else ""
        rows.append({"when": _when(run.get("started_at")), "check": run.get("check", ""),
                     "fix": run.get("fix", ""), "status": status[1 if english else 0],
                     "verdicts": verdicts, "who": run.get("who", ""),
                     "message": run.get("message", "")})
    return {"rows": rows, "title": word("Correctifs lancés sur ce poste",
                                        "Fixes run on this workstation"),
            "headers": [word("Quand", "When"), word("Contrôle", "Check"),
                        word("Résultat", "Result"), word("Par", "By")]}
