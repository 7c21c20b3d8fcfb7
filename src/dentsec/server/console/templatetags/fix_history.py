"""`dentsec fix` in the console: the device page's list of fix runs, uploaded by the agent
with its reports (``fix_history`` of the latest report, validated on upload by the report
schema), and on a fix page the command that applies the guided fix at the workstation."""

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


@register.inclusion_tag("console/_fix_command.html")
def fix_command(check_id: str, os_family: str) -> dict[str, Any]:
    """The command the person at the workstation runs; nothing when no guided fix exists."""
    from dentsec.fix.catalog import fixes_for, scripts_for

    english = (get_language() or "fr").startswith("en")
    if not (fixes_for(check_id, os_family) or scripts_for(check_id, os_family)):
        return {"command": ""}
    if os_family == "windows":
        command = f"dentsec fix {check_id}"
        where = ("In PowerShell run as administrator, at the workstation:" if english else
                 "Sur le poste, dans PowerShell lancé en administrateur :")
    else:
        command = f"sudo dentsec fix {check_id}"
        where = ("In a terminal, at the workstation:" if english else
                 "Sur le poste, dans un terminal :")
    how = ("dentsec shows what will change and what it could break, asks the person at the "
           "workstation to confirm, saves the current state, checks the result and restores "
           "it if the check does not pass. Undo: dentsec fix --undo last" if english else
           "dentsec montre ce qui va changer et ce que cela peut gêner, demande la confirmation "
           "de la personne au poste, enregistre l'état actuel, vérifie le résultat et le "
           "rétablit si le contrôle ne passe pas. Annulation : dentsec fix --undo last")
    return {"command": command, "where": where, "how": how,
            "title": "Guided fix" if english else "Correction guidée"}
