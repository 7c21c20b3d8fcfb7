"""``dentsec fix``: show, confirm, apply, verify, undo; ``--list`` and ``--history``."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dentsec.checks.policy import Policy, load_policy
from dentsec.console import handle_errors, lang_option
from dentsec.errors import DentsecError
from dentsec.fix.model import Fix
from dentsec.fix.scripts.model import ScriptFix
from dentsec.i18n import pick, tr

if TYPE_CHECKING:
    from dentsec.fix.flow import Outcome, Verdict

EXIT_NOT_FIXED = 1


def _confirm(yes: bool, question_fr: str, question_en: str) -> None:
    """Ask the person at the workstation; without a terminal only --yes may answer."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise DentsecError("Pas de terminal pour confirmer : relancez avec --yes pour "
                           "accepter ces changements. Rien n'a été modifié.",
                           "No terminal to confirm: run again with --yes to accept these "
                           "changes. Nothing was changed.")
    answer = click.prompt(tr(question_fr, question_en) + tr(" [o/N]", " [y/N]"), default="",
                          show_default=False, err=True)
    if answer.strip().lower() not in ("o", "oui", "y", "yes"):
        raise DentsecError("Annulé : rien n'a été modifié.", "Cancelled: nothing was changed.")


def _user() -> str | None:
    import getpass
    import os

    return os.environ.get("SUDO_USER") or getpass.getuser()


def _list(root: str, policy_file: Path | None, evidence: Path | None) -> None:
    from dentsec.fix.catalog import fixes_for, scripts_for
    from dentsec.fix.flow import verdict_word, verdicts
    from dentsec.fix.model import FIXABLE

    os_family, found = verdicts(root, load_policy(policy_file), evidence)
    rows: list[tuple[str, Fix | ScriptFix]] = []
    for check, v in sorted(found.items()):
        candidates: list[Fix | ScriptFix] = [*fixes_for(check, os_family),
                                             *scripts_for(check, os_family)]
        if v.status in FIXABLE and candidates:
            rows.append((check, candidates[0]))
    if not rows:
        click.echo(tr("Aucun correctif automatique pour les contrôles en échec de ce poste.",
                      "No automatic fix for this workstation's failing checks."))
        return
    click.echo(tr("Correctifs disponibles (dentsec fix CONTRÔLE) :",
                  "Available fixes (dentsec fix CHECK):"))
    for check, fix in rows:
        click.echo(f"  {check:<18} {verdict_word(found[check].status):<11} {fix.name:<28} "
                   f"{pick(fix.title)}")
    if any(isinstance(fix, ScriptFix) for _, fix in rows):
        click.echo(tr("Scripts à faire lancer par un administrateur : dentsec fix CONTRÔLE "
                      f"--script --os {os_family} --output DOSSIER",
                      "Scripts for an administrator to run: dentsec fix CHECK --script "
                      f"--os {os_family} --output FOLDER"))


def _run_script(check: str, os_family: str, policy: Policy, dry_run: bool, yes: bool) -> None:
    """Windows and macOS: the fix's script, run here after confirmation, then verified."""
    from dentsec.fix.scripts import runner

    prepared = runner.prepare(check, os_family, policy)
    _preview_then_apply(runner.preview(prepared), lambda: runner.apply(prepared, policy),
                        dry_run, yes)


def _preview_then_apply(preview: str, apply: Callable[[], Outcome], dry_run: bool,
                        yes: bool) -> None:
    """Show what will change, ask, apply under the fix lock, say the verdict."""
    from dentsec.fix import store

    click.echo(preview)
    if dry_run:
        click.echo(tr("\nAperçu seulement (--dry-run) : rien n'a été modifié.",
                      "\nPreview only (--dry-run): nothing was changed."))
        return
    _confirm(yes, "Appliquer ce correctif ?", "Apply this fix?")
    with store.locked():
        outcome = apply()
    click.echo(("" if outcome.ok else tr("Non corrigé : ", "Not fixed: ")) + outcome.message,
               err=not outcome.ok)
    if not outcome.ok:
        sys.exit(EXIT_NOT_FIXED)


def _script(check: str, os_family: str, output: Path | None) -> None:
    from dentsec.fileio import atomic_write_text
    from dentsec.fix.catalog import scripts_for
    from dentsec.fix.scripts.model import APPLY, UNDO
    from dentsec.fix.scripts.render import render

    found = scripts_for(check.upper(), os_family)
    if not found:
        raise DentsecError(f"Aucun script de correction pour {check.upper()} sur {os_family}.",
                           f"No fix script for {check.upper()} on {os_family}.")
    if output is None:
        raise DentsecError("Indiquez où écrire les scripts : --output DOSSIER.",
                           "Say where to write the scripts: --output FOLDER.")
    fix = found[0]
    click.echo(f"{fix.name} ({', '.join(fix.checks)}) : {pick(fix.title)}\n\n{pick(fix.changes)}\n")
    click.echo(tr("Ce que cela peut gêner :", "What it could break:") + f"\n  {pick(fix.risks)}\n")
    paths = {}
    for action in (APPLY, UNDO):
        paths[action] = output / f"{fix.name}-{action}{fix.extension}"
        atomic_write_text(paths[action], render(fix, action), 0o644)
        click.echo(tr(f"Écrit : {paths[action]}", f"Written: {paths[action]}"))
    if fix.os == "windows":
        run = ("powershell.exe -NoProfile -ExecutionPolicy Bypass -File {script} "
               f"-StateFile C:\\ProgramData\\dentsec\\{fix.name}.json")
        how_fr, how_en = "Dans PowerShell lancé en administrateur :", "In PowerShell run as administrator:"
    else:
        run = f"sudo sh {{script}} /var/db/dentsec-{fix.name}.state"
        how_fr, how_en = "Dans le Terminal :", "In Terminal:"
    click.echo("\n" + tr(how_fr, how_en))
    click.echo("  " + run.format(script=paths[APPLY].name))
    click.echo(tr("Annulation (même fichier d'état) :", "Undo (same state file):"))
    click.echo("  " + run.format(script=paths[UNDO].name))
    click.echo(tr("Puis vérifiez : dentsec audit", "Then check: dentsec audit"))


def _history(fmt: str) -> None:
    from dentsec.fix import store

    records = store.history()
    if fmt == "json":
        keys = ("id", "fix", "check", "os", "root", "who", "started_at", "finished_at",
                "status", "verdict_before", "verdict_after", "message", "undone_at",
                "request")
        click.echo(json.dumps({"schema": "dentsec.fix-history/1",
                               "fixes": [{k: r.get(k) for k in keys} for r in records]},
                              ensure_ascii=False, indent=2))
        return
    if not records:
        click.echo(tr("Aucun correctif dans l'historique.", "No fix in the history."))
        return
    from dentsec.fix.flow import run_word, verdict_word

    for r in records:
        before, after = verdict_word(r.get("verdict_before")), verdict_word(r.get("verdict_after"))
        where = "" if r.get("root") in (None, "/") else tr(f"  (arborescence {r['root']})",
                                                            f"  (tree {r['root']})")
        click.echo(f"{r['id']}  {r['check']:<16} {run_word(str(r['status'])):<24} "
                   f"{before} → {after}  {r['who']}{where}")
        if r.get("message"):
            click.echo(f"    {pick(r['message'])}")
        if isinstance(r.get("request"), int):
            click.echo(tr(f"    (demandé depuis la console : demande n° {r['request']})",
                          f"    (asked from the console: request #{r['request']})"))


NO_TERMINAL_FR = ("Les corrections demandées depuis la console ne s'appliquent qu'avec l'accord "
                  "d'une personne au poste : lancez « dentsec fix --requests » dans un "
                  "terminal, sur ce poste (--yes ne vaut pas pour elles). Rien n'a été modifié.")
NO_TERMINAL_EN = ("Fixes asked from the console are applied only with the agreement of a person "
                  "at the workstation: run `dentsec fix --requests` in a terminal, on this "
                  "workstation (--yes does not apply to them). Nothing was changed.")


def _prepare_request(check: str, request: int, root: str, policy: Policy, device_wide: bool,
                     script_os: str | None) -> tuple[Verdict, str, str, Callable[[], Outcome]]:
    """As `dentsec fix CHECK` prepares it: (verdict now, preview, fix name, apply)."""
    from dataclasses import replace
    from functools import partial

    from dentsec.fix import flow

    if script_os is not None:
        from dentsec.fix.scripts import runner

        script = replace(runner.prepare(check, script_os, policy), request=request)
        return script.before, runner.preview(script), script.fix.name, partial(
            runner.apply, script, policy)
    prepared = flow.prepare(check, root, policy, device_wide, _user())
    prepared.request = request
    return prepared.before, flow.preview(prepared), prepared.fix.name, partial(
        flow.apply, prepared)


def _answer_requests(root: str, policy: Policy, device_wide: bool, yes: bool,
                     dry_run: bool) -> None:
    """Each fix asked from the console: who asked, the same preview as `dentsec fix CHECK`,
    then apply (the usual flow, recorded with the request id), refuse, or later. With
    --dry-run: the previews only (no question, nothing answered or dropped)."""
    from dentsec.fix import console_requests, store
    from dentsec.fix.model import Refused
    from dentsec.host.live import current_os_family

    waiting = console_requests.pending()
    if not waiting:
        click.echo(tr("Aucune correction demandée depuis la console.",
                      "No fix asked from the console."))
        return
    # The whole point is that a person at the workstation agrees: never unattended.
    if not dry_run and (yes or not (sys.stdin.isatty() and sys.stdout.isatty())):
        raise DentsecError(NO_TERMINAL_FR, NO_TERMINAL_EN)
    not_fixed = False
    script_os = current_os_family() if root == "/" and current_os_family() != "linux" else None
    for req in waiting:
        asked = req.requested_at.astimezone().strftime("%d/%m/%Y %H:%M")
        if req.expired():
            if not dry_run:
                console_requests.drop(req.id)
            until = req.expires_at.astimezone().strftime("%d/%m/%Y %H:%M")
            click.echo(tr(f"La demande n° {req.id} ({req.check}, par {req.requested_by}) a "
                          f"expiré le {until} : elle est retirée, rien n'a été modifié.",
                          f"Request #{req.id} ({req.check}, by {req.requested_by}) expired on "
                          f"{until}: it is dropped, nothing was changed."))
            continue
        click.echo("\n" + tr(f"Demande n° {req.id} de {req.requested_by}, le {asked} : "
                              f"corriger {req.check}",
                              f"Request #{req.id} from {req.requested_by}, on {asked}: fix "
                              f"{req.check}"))
        try:
            before, text, fix_name, apply = _prepare_request(req.check, req.id, root, policy,
                                                             device_wide, script_os)
        except Refused as exc:
            # Cannot be done safely here: the console is told why, nothing changed.
            click.echo(tr(f"Impossible ici : {exc.fr}", f"Not possible here: {exc.en}"),
                       err=True)
            if dry_run:
                continue
            console_requests.record_answer(req, "not-started", script_os or "linux", root,
                                           None, exc.fr + " Rien n'a été modifié.",
                                           exc.en + " Nothing was changed.")
            continue
        click.echo(text)
        if dry_run:
            click.echo(tr("Aperçu seulement (--dry-run) : rien n'a été modifié.",
                          "Preview only (--dry-run): nothing was changed."))
            continue
        answer = click.prompt(tr("Appliquer ce correctif (o), le refuser (n), ou décider plus "
                                 "tard (Entrée) ?", "Apply this fix (y), refuse it (n), or "
                                 "decide later (Enter)?"), default="", show_default=False,
                              prompt_suffix=" ")
        choice = answer.strip().lower()
        if choice in ("o", "oui", "y", "yes"):
            with store.locked():
                outcome = apply()
            console_requests.drop(req.id)
            click.echo(("" if outcome.ok else tr("Non corrigé : ", "Not fixed: "))
                       + outcome.message, err=not outcome.ok)
            not_fixed = not_fixed or not outcome.ok
        elif choice in ("n", "non", "no"):
            who = store.who()
            console_requests.record_answer(
                req, "refused", script_os or "linux", root, before,
                f"Refusé au poste par {who} : rien n'a été modifié.",
                f"Refused at the workstation by {who}: nothing was changed.")
            click.echo(tr(f"Correctif {fix_name} refusé : rien n'a été modifié.",
                          f"Fix {fix_name} refused: nothing was changed."))
        else:
            click.echo(tr("Gardée pour plus tard : rien n'a été modifié.",
                          "Kept for later: nothing was changed."))
    if dry_run:
        return
    click.echo("\n" + tr("La réponse part vers la console avec le prochain rapport (ou dès "
                          "maintenant : dentsec agent run).",
                          "The answer goes to the console with the next report (or now: "
                          "dentsec agent run)."))
    if not_fixed:
        sys.exit(EXIT_NOT_FIXED)


@click.command()
@click.argument("check", required=False, metavar="CONTRÔLE")
@click.option("--list", "list_", is_flag=True,
              help="Correctifs possibles pour les contrôles en échec / fixes for failing checks.")
@click.option("--undo", "undo_id", metavar="FIX-ID|last",
              help="Annuler un correctif / undo a fix.")
@click.option("--history", is_flag=True, help="Historique des correctifs / fix history.")
@click.option("--requests", "requests", is_flag=True,
              help="Corrections demandées depuis la console : appliquer ou refuser / fixes "
                   "asked from the console: apply or refuse.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="Format de --history / format of --history.")
@click.option("--dry-run", is_flag=True,
              help="Montrer les changements sans rien modifier / show changes, change nothing.")
@click.option("--yes", is_flag=True, help="Confirmer sans question / confirm without asking.")
@click.option("--device-wide", is_flag=True,
              help="Réglages de toutes les personnes du poste / every person's settings.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path),
              help="Corriger une arborescence Linux hors ligne / fix an offline Linux tree.")
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Politique du cabinet (TOML) / practice policy (TOML).")
@click.option("--evidence", type=click.Path(exists=True, path_type=Path),
              help="Avec --list : d'après un paquet de preuves / with --list: from a bundle.")
@click.option("--script", "script", is_flag=True,
              help="Écrire les scripts Windows/macOS du correctif / write the fix scripts.")
@click.option("--os", "os_family", type=click.Choice(["windows", "macos"]),
              help="Avec --script : système visé / with --script: target system.")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path),
              help="Avec --script : dossier des scripts / with --script: scripts folder.")
@lang_option
@handle_errors
def fix(check: str | None, list_: bool, undo_id: str | None, history: bool, requests: bool,
        fmt: str,
        dry_run: bool, yes: bool, device_wide: bool, root: Path | None,
        policy_file: Path | None, evidence: Path | None, script: bool,
        os_family: str | None, output: Path | None) -> None:
    """Corriger un contrôle en échec, avec aperçu, confirmation et annulation.

    Fix a failing check, with preview, confirmation and undo. Exit status: 0 fixed (or
    nothing to do), 1 not fixed (previous state restored), 2 error.
    """
    from dentsec.fix import flow, store

    if root is not None and not root.is_dir():
        raise DentsecError(f"Dossier introuvable : {root}", f"Folder not found: {root}")
    chosen = [name for name, on in (("CHECK", bool(check)), ("--list", list_),
                                    ("--undo", bool(undo_id)), ("--history", history),
                                    ("--requests", requests)) if on]
    if len(chosen) != 1:
        raise DentsecError("Indiquez un contrôle (dentsec fix PWD-MIN-LENGTH), ou --list, "
                           "--undo ID, --history ou --requests (une seule de ces demandes).",
                           "Name a check (dentsec fix PWD-MIN-LENGTH), or --list, --undo ID, "
                           "--history or --requests (only one of them).")
    target_root = str(root.resolve()) if root else "/"
    if history:
        _history(fmt)
        return
    if list_:
        _list(target_root, policy_file, evidence)
        return
    if script:
        from dentsec.host.live import current_os_family

        assert check is not None
        _script(check, os_family or current_os_family(), output)
        return
    policy = load_policy(policy_file)
    if requests:
        _answer_requests(target_root, policy, device_wide, yes, dry_run)
        return
    if undo_id:
        folder, record, text = flow.undo_preview(undo_id, policy)
        click.echo(text)
        if dry_run:
            click.echo(tr("\nAperçu seulement (--dry-run) : rien n'a été modifié.",
                          "\nPreview only (--dry-run): nothing was changed."))
            return
        _confirm(yes, "Annuler ce correctif ?", "Undo this fix?")
        with store.locked():
            if "script" in record:
                from dentsec.fix.scripts import runner

                click.echo(runner.undo(folder, record, policy).message)
            else:
                click.echo(flow.undo(undo_id, str(root.resolve()) if root else None,
                                     policy).message)
        return
    assert check is not None
    from dentsec.host.live import current_os_family

    if root is None and current_os_family() != "linux":
        _run_script(check, current_os_family(), policy, dry_run, yes)
        return
    prepared = flow.prepare(check, target_root, policy, device_wide, _user())
    _preview_then_apply(flow.preview(prepared), lambda: flow.apply(prepared), dry_run, yes)
