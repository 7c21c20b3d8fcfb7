"""A Windows or macOS fix run on this workstation, as the collector runs its own script
(``powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File``, or ``sh``),
with the Linux flow's record, verification and automatic undo.

The scripts and their state file live in the fix's folder (``DENTSEC_HOME/fixes/ID/``). A
script that fails after saving its state is undone at once; a check that still does not
pass after a successful script is undone too. Elevation is checked by the script itself:
dentsec asks the person to start an administrator terminal, it never assumes one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dentsec import proc
from dentsec.checks.policy import Policy
from dentsec.errors import DentsecError
from dentsec.fileio import atomic_write_text
from dentsec.fix import store
from dentsec.fix.catalog import scripts_for
from dentsec.fix.flow import (
    Outcome,
    Verdict,
    finish_record,
    new_record,
    refuse_verdict,
    verdict_word,
    verdicts,
)
from dentsec.fix.scripts.model import APPLY, UNDO, ScriptFix
from dentsec.fix.scripts.render import render
from dentsec.i18n import pick, tr

TIMEOUT = 900.0
NOT_ADMIN = 3
"""The exit status of a script started without administrator rights (nothing changed)."""


def argv(fix: ScriptFix, script: Path, state: Path) -> list[str]:
    if fix.os == "windows":
        return ["powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
                "-File", str(script), "-StateFile", str(state)]
    return ["/bin/sh", str(script), str(state)]


@dataclass(frozen=True)
class PreparedScript:
    fix: ScriptFix
    check: str
    before: Verdict
    request: int | None = None
    """The console's fix request this run answers (``dentsec fix --requests``)."""


def prepare(check: str, os_family: str, policy: Policy) -> PreparedScript:
    check = check.upper()
    _, found = verdicts("/", policy)
    if check not in found:
        raise DentsecError(f"Contrôle inconnu : {check} (voir dentsec checks).",
                           f"Unknown check: {check} (see dentsec checks).")
    fixes = scripts_for(check, os_family)
    if not fixes:
        raise DentsecError(
            f"Aucun correctif automatique pour {check} sur ce système : suivez la consigne "
            f"de « dentsec explain {check} ».",
            f"No automatic fix for {check} on this system: follow 'dentsec explain {check}'.")
    refuse_verdict(check, found[check])
    return PreparedScript(fixes[0], check, found[check])


def preview(p: PreparedScript) -> str:
    fix = p.fix
    return "\n".join([
        tr(f"Correctif {fix.name} pour {p.check} (actuellement : {verdict_word(p.before.status)})",
           f"Fix {fix.name} for {p.check} (now: {verdict_word(p.before.status)})"),
        f"  {pick(fix.title)}", "", pick(fix.changes), "",
        tr("Ce que cela peut gêner :", "What it could break:"), f"  {pick(fix.risks)}", "",
        tr("Le script enregistre les valeurs actuelles avant tout changement ; annulation : "
           "dentsec fix --undo last",
           "The script saves the current values before any change; undo: dentsec fix --undo last"),
    ])


def _files(folder: Path, fix: ScriptFix) -> tuple[Path, Path, Path]:
    state = folder / ("state.json" if fix.os == "windows" else "state")
    return folder / f"apply{fix.extension}", folder / f"undo{fix.extension}", state


def _told(res: proc.ProcResult) -> str:
    return (res.stderr or res.stdout or res.error or "").strip()[:400]


def apply(p: PreparedScript, policy: Policy) -> Outcome:
    fix = p.fix
    fix_id, folder = store.new_folder(fix.name)
    apply_script, undo_script, state = _files(folder, fix)
    for path, action in ((apply_script, APPLY), (undo_script, UNDO)):
        atomic_write_text(path, render(fix, action), 0o600)
    record = new_record(fix_id, fix.name, p.check, fix.checks, fix.os, "/", p.before,
                        p.request)
    record["script"] = {"apply": apply_script.name, "undo": undo_script.name, "state": state.name}
    store.write_record(folder, record)
    ran = proc.run(argv(fix, apply_script, state), timeout=TIMEOUT)
    if ran.error is not None or ran.exit_code != 0:
        if ran.exit_code == NOT_ADMIN:
            return finish_record(
                folder, record, "failed", None,
                "Droits administrateur nécessaires : relancez dentsec dans un terminal "
                "administrateur. Rien n'a été modifié.",
                "Administrator rights needed: run dentsec again in an administrator terminal. "
                "Nothing was changed.")
        undone = _undo(fix, undo_script, state) if state.exists() else None
        restored = (" L'état précédent a été rétabli." if undone is None or undone.exit_code == 0
                    else " ATTENTION : l'annulation a échoué : " + _told(undone))
        return finish_record(folder, record, "failed", None,
                             f"Le script a échoué : {_told(ran)}.{restored}",
                             f"The script failed: {_told(ran)}.{restored}")
    if fix.explain_only:
        return finish_record(folder, record, "explained", None, ran.stdout.strip(),
                             ran.stdout.strip())
    _, after = verdicts("/", policy)
    verdict = after.get(p.check)
    status = verdict.status if verdict else "unknown"
    if status != "pass":
        said = verdict.told() if verdict else status
        undone = _undo(fix, undo_script, state)
        restored = ("L'état précédent a été rétabli." if undone.exit_code == 0
                    else "ATTENTION : l'annulation a échoué : " + _told(undone))
        return finish_record(
            folder, record, "rolled-back", status,
            f"Après correction, {p.check} n'est toujours pas réussi ({said}). {restored}",
            f"After the fix, {p.check} still does not pass ({said}). {restored}")
    return finish_record(folder, record, "applied", status,
                         f"{p.check} est maintenant réussi. Annulation : dentsec fix --undo {fix_id}",
                         f"{p.check} now passes. Undo: dentsec fix --undo {fix_id}")


def _undo(fix: ScriptFix, undo_script: Path, state: Path) -> proc.ProcResult:
    return proc.run(argv(fix, undo_script, state), timeout=TIMEOUT)


def undo(folder: Path, record: dict[str, Any], policy: Policy,
         fix: ScriptFix | None = None) -> Outcome:
    """Run the saved undo script with the saved state, then tell the verdict again."""
    from dentsec.fix.scripts.render import all_script_fixes

    fix = fix or next((f for f in all_script_fixes() if f.name == record["fix"]), None)
    if fix is None:
        raise DentsecError(f"Correctif inconnu de cette version : {record['fix']}.",
                           f"Fix unknown to this version: {record['fix']}.")
    _, undo_script, state = _files(folder, fix)
    ran = _undo(fix, undo_script, state)
    if ran.error is not None or ran.exit_code != 0:
        raise DentsecError(f"L'annulation a échoué : {_told(ran)}",
                           f"The undo failed: {_told(ran)}")
    _, after = verdicts("/", policy)
    verdict = after.get(str(record["check"]))
    record.update(status="undone", undone_at=store.now_iso(), undone_by=store.who(),
                  verdict_after_undo=verdict.status if verdict else None)
    store.write_record(folder, record)
    status = verdict_word(verdict.status if verdict else None)
    return Outcome(str(record["id"]), True,
                   tr(f"Correctif annulé. {record['check']} : {status}.",
                      f"Fix undone. {record['check']}: {status}."), record)
