"""``dentsec backup …``: the backup toolkit's commands (French first, --lang en).

Each command imports what it needs when it runs: a scheduled ``backup run`` should not pay
for the recovery-sheet templates, the schedulers' XML or rich's progress bar on a
non-terminal (measured by benchmarks/backup_speed.py)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from dentsec.backup import clock
from dentsec.backup.config import BackupConfig, load_config
from dentsec.backup.runner import RunOutcome, run_backup, settle_interrupted
from dentsec.console import handle_errors, lang_option
from dentsec.errors import DentsecError
from dentsec.i18n import tr
from dentsec.vocab import OS_FAMILIES

MAX_LISTED = 20


def say(text: str) -> None:
    click.echo(text)


def warn(text: str) -> None:
    click.echo(tr("Attention : ", "Warning: ") + text, err=True)


def human_bytes(count: int | None) -> str:
    if count is None:
        return "?"
    units = tr("o Ko Mo Go To", "B KB MB GB TB").split()
    value = float(count)
    for unit in units:
        if value < 1024 or unit == units[-1]:
            return f"{value:.0f} {unit}" if unit == units[0] else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} {units[-1]}"


@click.group()
@lang_option
def backup() -> None:
    """Sauvegardes chiffrées sur disque externe, avec restic (règle 4).

    Encrypted backups to an external disk, with restic (rule 4).
    """


@backup.command()
@lang_option
@click.option("--to", "target", required=True, type=click.Path(path_type=Path),
              help="Dossier du dépôt, sur le disque externe dédié / repository folder.")
@click.option("--force", is_flag=True,
              help="Accepter un disque interne ou le même disque que les données.")
@click.option("--sheet", type=click.Path(path_type=Path), default=None,
              help="Où écrire la feuille de récupération / where to write the recovery sheet.")
@handle_errors
def init(target: Path, force: bool, sheet: Path | None) -> None:
    """Préparer le dépôt de sauvegarde / prepare the backup repository."""
    from dentsec.backup.setup import init_repository

    config = load_config()
    outcome = init_repository(config, target, force, sheet)
    for concern in outcome.warnings:
        warn(tr(concern.fr, concern.en))
    say(tr(f"Dépôt de sauvegarde créé : {outcome.repository}",
           f"Backup repository created: {outcome.repository}"))
    if outcome.store == "keyring":
        say(tr("Mot de passe du dépôt enregistré dans le trousseau du système.",
               "Repository password stored in the system keyring."))
    else:
        say(tr("Aucun trousseau utilisable ici : le mot de passe est gardé dans un fichier "
               "lisible par ce seul compte (droits 0600) dans le dossier de dentsec.",
               "No usable keyring here: the password is kept in a file readable by this "
               "account only (mode 0600) in dentsec's folder."))
    say(tr(f"\nFeuille de récupération (seul endroit où figure le mot de passe) :\n  "
           f"{outcome.sheet}\nImprimez-la, rangez le papier sous clé hors du cabinet, puis "
           "SUPPRIMEZ ce fichier.",
           f"\nRecovery sheet (the only place showing the password):\n  {outcome.sheet}\n"
           "Print it, lock the paper away outside the practice, then DELETE this file."))


@backup.command()
@lang_option
@click.option("--output", type=click.Path(path_type=Path), default=None)
@handle_errors
def sheet(output: Path | None) -> None:
    """Réécrire la feuille de récupération / write the recovery sheet again."""
    from dentsec.backup.access import checked_password
    from dentsec.backup.setup import default_sheet_path
    from dentsec.backup.sheet import write_sheet

    config = load_config()
    repository = config.require_repository()
    password = checked_password(config)  # a sheet with the wrong key is worse than none
    path = write_sheet(output or default_sheet_path(), config.host, repository, password,
                       config.password_store or "file")
    say(tr(f"Feuille écrite : {path}\nImprimez-la puis supprimez ce fichier.",
           f"Sheet written: {path}\nPrint it, then delete this file."))


@backup.command()
@lang_option
@click.option("--from-sheet", "from_sheet", is_flag=True, required=True,
              help="Taper le mot de passe de la feuille imprimée / type it from the sheet.")
@click.option("--repository", type=click.Path(path_type=Path), default=None,
              help="Dossier du dépôt (sur un nouveau poste) / repository folder (new computer).")
@click.option("--host", default=None,
              help="Nom du poste d'origine, imprimé sur la feuille / original computer name.")
@handle_errors
def password(from_sheet: bool, repository: Path | None, host: str | None) -> None:
    """Retrouver l'accès au dépôt avec la feuille de récupération (nouveau poste).

    Regain access to the repository with the recovery sheet (new computer).
    """
    from dentsec.backup.access import adopt_password

    config = load_config()
    target = str(repository.expanduser().absolute()) if repository else config.repository
    if not target:
        raise DentsecError("Indiquez le dépôt : --repository DOSSIER (imprimé sur la feuille).",
                           "Give the repository: --repository FOLDER (printed on the sheet).")
    typed = click.prompt(tr("Mot de passe de la feuille de récupération",
                            "Password from the recovery sheet"), hide_input=True)
    store = adopt_password(config, target, typed, host)
    say(tr(f"Mot de passe accepté par le dépôt {target} et enregistré "
           f"({'trousseau du système' if store == 'keyring' else 'fichier protégé'}).",
           f"Password accepted by the repository {target} and stored ({store})."))


@backup.command()
@lang_option
@click.argument("paths", nargs=-1, required=True)
@handle_errors
def add(paths: tuple[str, ...]) -> None:
    """Ajouter des dossiers à sauvegarder / add folders to back up."""
    from dentsec.backup.config import add_paths, save_config
    from dentsec.backup.disks import target_concerns

    config = load_config()
    added = add_paths(config, list(paths))
    save_config(config)
    for path in added:
        say(tr(f"Ajouté : {path}", f"Added: {path}"))
    if config.repository:
        for concern in target_concerns(Path(config.repository), added):
            if concern.code == "same-disk":
                warn(tr(concern.fr, concern.en))


@backup.command()
@lang_option
@click.argument("patterns", nargs=-1, required=True)
@handle_errors
def exclude(patterns: tuple[str, ...]) -> None:
    """Exclure des fichiers (motifs restic) / exclude files (restic patterns)."""
    from dentsec.backup.config import add_excludes, save_config

    config = load_config()
    added = add_excludes(config, list(patterns))
    save_config(config)
    for pattern in added:
        say(tr(f"Exclu : {pattern}", f"Excluded: {pattern}"))


@backup.command()
@lang_option
@click.option("--verify", "verify_part", is_flag=True,
              help="Puis relire la part suivante du dépôt (la tâche quotidienne le fait) / "
                   "then read the next part of the repository (the daily job does).")
@handle_errors
def run(verify_part: bool) -> None:
    """Sauvegarder maintenant puis appliquer la rétention / back up now, then retention."""
    config = load_config()
    _backup_with_progress(config)
    if verify_part:
        from dentsec.backup.proof import verify as verify_backup

        chosen = verify_backup(config, None)
        say(tr(f"Dépôt vérifié ({chosen} des données relues) : aucune erreur.",
               f"Repository checked ({chosen} of the data read): no errors."))


def _backup_with_progress(config: BackupConfig) -> None:
    if not sys.stderr.isatty():
        _report_run(run_backup(config))
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                  DownloadColumn(), TimeRemainingColumn(), console=Console(stderr=True),
                  transient=True) as progress:
        task = progress.add_task(tr("Sauvegarde", "Backup"), total=None)

        def on_progress(message: dict[str, Any]) -> None:
            total, done = message.get("total_bytes"), message.get("bytes_done", 0)
            progress.update(task, total=total if isinstance(total, int) else None,
                            completed=done if isinstance(done, int) else 0)

        outcome = run_backup(config, on_progress)
    _report_run(outcome)


def _report_run(outcome: RunOutcome) -> None:
    if outcome.damage is not None:
        warn(tr(f"le dépôt est endommagé depuis le {_date(outcome.damage.since)} "
                f"({outcome.damage.error}) : cette sauvegarde peut réutiliser des données "
                "abîmées. Réparez-le : « dentsec backup repair ».",
                f"the repository has been damaged since {_date(outcome.damage.since)}: this "
                "backup may reuse damaged data. Repair it: \"dentsec backup repair\"."))
    if outcome.retention_seconds is not None:
        say(tr(f"Anciennes sauvegardes nettoyées (rétention hebdomadaire) en "
               f"{outcome.retention_seconds:.0f} s.",
               f"Old backups removed (weekly retention) in {outcome.retention_seconds:.0f} s."))
    if outcome.cleared_locks:
        say(tr(f"Verrou abandonné par une sauvegarde interrompue : retiré ({outcome.cleared_locks}).",
               f"Lock left by an interrupted backup: removed ({outcome.cleared_locks})."))
    if outcome.snapshot:
        say(tr(f"Instantané {outcome.snapshot} : {outcome.files} fichiers, "
               f"{human_bytes(outcome.bytes)} ({human_bytes(outcome.data_added)} nouveaux).",
               f"Snapshot {outcome.snapshot}: {outcome.files} files, "
               f"{human_bytes(outcome.bytes)} ({human_bytes(outcome.data_added)} new)."))
    for title, paths in ((tr("Fichiers illisibles :", "Unreadable files:"), outcome.unreadable),
                         (tr("Fichiers modifiés pendant la sauvegarde :",
                             "Files changed during the backup:"), outcome.changed)):
        if paths:
            click.echo(title, err=True)
            for path in paths[:MAX_LISTED]:
                click.echo(f"  {path}", err=True)
            if len(paths) > MAX_LISTED:
                click.echo(f"  … (+{len(paths) - MAX_LISTED})", err=True)
    if outcome.problem is not None:
        raise outcome.problem
    say(tr("Sauvegarde terminée.", "Backup finished."))


def _error_text(error: str | None, code: str | None) -> str:
    """The recorded French sentence; in English, the reason its code stands for."""
    from dentsec.backup.restic import REASONS

    if tr("fr", "en") == "en" and code in REASONS:
        text = REASONS[code][1]
        return text[0].upper() + text[1:] + ("" if text.endswith("?") else ".")
    return error or code or "?"


def _date(when: datetime | None) -> str:
    return when.astimezone().strftime("%d/%m/%Y %H:%M") if when else "?"


def _age_text(when: datetime | None) -> str:
    if when is None:
        return tr("jamais", "never")
    hours = (clock.now() - when).total_seconds() / 3600
    local = when.astimezone().strftime("%d/%m/%Y %H:%M")
    if hours < 48:
        return tr(f"{local} (il y a {hours:.0f} h)", f"{local} ({hours:.0f} h ago)")
    return tr(f"{local} (il y a {hours / 24:.0f} jours)", f"{local} ({hours / 24:.0f} days ago)")


@backup.command()
@lang_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@handle_errors
def status(fmt: str) -> None:
    """État des sauvegardes / backup status."""
    from dentsec.backup.identity import record_look
    from dentsec.backup.status import hours_since, load_status, save_status, to_json

    config = load_config()
    connected = bool(record_look())
    state = load_status()
    if settle_interrupted(state):
        save_status(state)
    if fmt == "json":
        out = {**to_json(state), "current": {
            "connected": connected, "last_success_age_hours": hours_since(state.last_success)}}
        click.echo(json.dumps(out, indent=1, ensure_ascii=False))
        return
    if not config.repository:
        say(tr("Dépôt : aucun (lancez « dentsec backup init --to DOSSIER »)",
               "Repository: none (run \"dentsec backup init --to FOLDER\")"))
    else:
        say(tr("Dépôt : ", "Repository: ") + config.repository + "  "
            + (tr("(disque branché)", "(disk connected)") if connected
               else tr("(disque NON branché)", "(disk NOT connected)")))
    say(tr("Dernière sauvegarde réussie : ", "Last successful backup: ")
        + _age_text(state.last_success))
    success = state.last_success_run
    if success is not None:
        say(tr(f"  instantané {success.snapshot}, {success.files} fichiers, "
               f"{human_bytes(success.bytes)}",
               f"  snapshot {success.snapshot}, {success.files} files, "
               f"{human_bytes(success.bytes)}"))
    last = state.last_run
    if last is not None and not last.ok:
        say(tr("Dernière tentative en échec : ", "Last attempt failed: ")
            + _age_text(last.started) + " — " + _error_text(last.error, last.error_code))
    if state.incomplete is not None and state.incomplete.runs >= 2:
        say(tr(f"{state.incomplete.runs} sauvegardes de suite incomplètes pour les mêmes "
               "fichiers : fermez le logiciel qui les tient ouverts pendant la sauvegarde, ou "
               "sauvegardez son propre export.",
               f"{state.incomplete.runs} backups in a row incomplete for the same files: "
               "close the software holding them open during the backup, or back up its own "
               "export."))
    if state.damage is not None:
        say(tr(f"DÉPÔT ENDOMMAGÉ depuis le {_date(state.damage.since)} : {state.damage.error} "
               "(« dentsec backup repair »)",
               f"REPOSITORY DAMAGED since {_date(state.damage.since)}: {state.damage.error} "
               "(\"dentsec backup repair\")"))
    for label, record in ((tr("Dernière vérification", "Last check"), state.last_verify),
                          (tr("Dernier test de restauration", "Last restore drill"),
                           state.last_drill)):
        text = _age_text(record.at if record else None)
        if record is not None:
            text += " — " + (tr("réussi", "passed") if record.ok
                             else tr("ÉCHEC", "FAILED")
                             + f" ({_error_text(record.error, record.error_code)})")
        say(f"{label}{tr(' : ', ': ')}{text}")
    say(tr("Dépôt relu en entier : ", "Whole repository last read: ")
        + _age_text(state.last_full_read))
    if state.leftovers is not None:
        say(tr(f"Données écrites sur le disque interne à la place du disque de sauvegarde : "
               f"{human_bytes(state.leftovers.bytes)} sous {state.leftovers.path} "
               "(« dentsec backup leftovers »)",
               f"Data written to the internal disk instead of the backup disk: "
               f"{human_bytes(state.leftovers.bytes)} under {state.leftovers.path} "
               "(\"dentsec backup leftovers\")"))
    for entry in state.providers:
        say(tr("Prestataire évalué : ", "Provider assessed: ")
            + f"{entry.name} ({entry.verdict}, " + _age_text(entry.assessed_at) + ")")


@backup.command()
@lang_option
@click.option("--subset", default=None,
              help="Part des données relue (restic --read-data-subset, ex. 100%) ; par défaut "
                   "la part suivante d'une rotation qui relit tout en 30 fois / share of data "
                   "read; by default the next part of a 30-part rotation.")
@handle_errors
def verify(subset: str | None) -> None:
    """Vérifier l'intégrité du dépôt / check the repository."""
    from dentsec.backup.proof import verify as verify_backup

    chosen = verify_backup(load_config(), subset)
    say(tr(f"Dépôt vérifié ({chosen} des données relues) : aucune erreur.",
           f"Repository checked ({chosen} of the data read): no errors."))


@backup.command()
@lang_option
@click.option("--files", "sample", default=20, show_default=True, type=click.IntRange(1))
@handle_errors
def drill(sample: int) -> None:
    """Exercice de restauration : restaurer des fichiers au hasard et les comparer.

    Restore drill: restore random files and compare them with the originals.
    """
    from dentsec.backup.proof import drill as drill_backup

    outcome = drill_backup(load_config(), sample)
    bad = [*outcome.mismatched, *(outcome.unrestorable or [])]
    if bad:
        for path in bad[:MAX_LISTED]:
            click.echo(f"  {path}", err=True)
        raise DentsecError(
            f"Exercice échoué : {len(bad)} fichier(s) sur {outcome.compared} différent(s) de "
            "l'original ou non restaurable(s) : la sauvegarde est endommagée "
            "(« dentsec backup repair »).",
            f"Drill failed: {len(bad)} of {outcome.compared} file(s) differ from the original "
            "or cannot be restored: the backup is damaged (\"dentsec backup repair\").")
    say(tr(f"Exercice réussi : {outcome.compared} fichier(s) restauré(s) depuis "
           f"{outcome.snapshots} instantané(s), identiques aux originaux (SHA-256).",
           f"Drill passed: {outcome.compared} file(s) restored from {outcome.snapshots} "
           "snapshot(s), identical to the originals (SHA-256)."))


@backup.command()
@lang_option
@click.option("--snapshot", required=True, help="Identifiant ou « latest » / ID or latest.")
@click.option("--target", required=True, type=click.Path(path_type=Path))
@click.option("--overwrite", is_flag=True, help="Remplacer les fichiers existants.")
@click.argument("paths", nargs=-1)
@handle_errors
def restore(snapshot: str, target: Path, overwrite: bool, paths: tuple[str, ...]) -> None:
    """Restaurer une sauvegarde dans un dossier / restore a backup into a folder."""
    from dentsec.backup.restore import restore as restore_backup

    outcome = restore_backup(load_config(), snapshot, target, list(paths), overwrite)
    if outcome.unrestorable:
        click.echo(tr("Fichiers NON restaurés (données endommagées dans la sauvegarde) :",
                      "Files NOT restored (damaged data in the backup):"), err=True)
        for path in outcome.unrestorable:
            click.echo(f"  {path}", err=True)
        raise DentsecError(
            f"{outcome.files} fichier(s) restauré(s) dans {outcome.target}, mais "
            f"{len(outcome.unrestorable)} n'ont pas pu l'être (liste ci-dessus) : cherchez-les "
            "dans une sauvegarde plus ancienne (--snapshot) et réparez le dépôt "
            "(« dentsec backup repair »).",
            f"{outcome.files} file(s) restored into {outcome.target}, but "
            f"{len(outcome.unrestorable)} could not be (listed above): look for them in an "
            "older backup (--snapshot) and repair the repository (\"dentsec backup repair\").")
    say(tr(f"{outcome.files} fichier(s) restauré(s) depuis {outcome.snapshot} dans "
           f"{outcome.target}.",
           f"{outcome.files} file(s) restored from {outcome.snapshot} into {outcome.target}."))


def confirm(question: str) -> bool:
    """Yes or no in the user's language: o/oui (or y/yes) is yes, anything else is no."""
    answer = click.prompt(question + tr(" [o/N]", " [y/N]"), default="", show_default=False,
                          prompt_suffix=" ")
    return answer.strip().lower() in ("o", "oui", "y", "yes")


def can_ask() -> bool:
    """A person can answer a question (a scheduled job or a remote script cannot)."""
    return sys.stdin.isatty()


@backup.command()
@lang_option
@click.option("--at", default="12:30", show_default=True, help="Heure quotidienne HH:MM.")
@click.option("--os", "target_os", type=click.Choice(OS_FAMILIES),
              default=None, help="Système visé (par défaut celui-ci) / target OS.")
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=None,
              help="Écrire les fichiers ici sans les installer / write files here only.")
@click.option("--yes", is_flag=True, help="Installer sans demander / install without asking.")
@handle_errors
def schedule(at: str, target_os: str | None, folder: Path | None, yes: bool) -> None:
    """Programmer une sauvegarde quotidienne / schedule a daily backup."""
    from dentsec import proc
    from dentsec import schedule as schedule_mod
    from dentsec.backup.schedule import JOB
    from dentsec.host.live import current_os_family

    here = current_os_family()
    chosen = target_os or here
    files = schedule_mod.schedule_files(JOB, chosen, at)
    install = folder is None and chosen == here
    destination = folder or schedule_mod.default_folder(JOB, chosen)
    for item in files:
        say(tr(f"--- {destination / item.name}", f"--- {destination / item.name}"))
        text = item.content.decode("utf-16" if item.name.endswith(".xml") else "utf-8")
        say(text.rstrip())
    commands = schedule_mod.install_commands(JOB, chosen, destination)
    if install:
        say(tr("Commandes d'installation :", "Install commands:"))
        for argv in commands:
            say("  " + " ".join(argv))
        if not yes and not can_ask():
            # a script or a remote session cannot answer: take the default (no) and say so
            say(tr("Pas de terminal pour confirmer : rien n'a été installé (ajoutez --yes).",
                   "No terminal to confirm: nothing was installed (add --yes)."))
            return
        if not yes and not confirm(tr("Installer maintenant ?", "Install now?")):
            say(tr("Rien n'a été installé.", "Nothing was installed."))
            return
    written = schedule_mod.write_files(destination, files)
    for path in written:
        say(tr(f"Écrit : {path}", f"Written: {path}"))
    if not install:
        return
    for argv in commands:
        result = proc.run(argv, timeout=60)
        if not result.ok:
            raise DentsecError(
                f"Échec de « {' '.join(argv)} » : {result.error or result.stderr.strip()}",
                f"\"{' '.join(argv)}\" failed: {result.error or result.stderr.strip()}")
    say(tr(f"Sauvegarde quotidienne programmée à {at}.", f"Daily backup scheduled at {at}."))


@backup.command()
@lang_option
@click.option("--name", default=None, help="Nom du prestataire / provider name.")
@click.option("--hds", type=click.Choice(["oui", "non", "inconnu"]), default=None)
@click.option("--location", type=click.Choice(["eee", "hors-eee", "inconnu"]), default=None)
@click.option("--availability", type=click.Choice(["oui", "non", "inconnu"]), default=None)
@click.option("--reversibility", type=click.Choice(["oui", "non", "inconnu"]), default=None)
@click.option("--non-eu-law", "non_eu_law", type=click.Choice(["oui", "non", "inconnu"]),
              default=None)
@handle_errors
def provider(name: str | None, **given: str | None) -> None:
    """Évaluer un prestataire de sauvegarde en ligne / assess a cloud backup provider."""
    from dentsec.backup import provider as provider_mod

    if name is None:
        name = click.prompt(tr("Nom du prestataire", "Provider name"))
    answers: dict[str, str] = {}
    for q in provider_mod.QUESTIONS:
        value = given.get(q.key)
        if value is None:
            value = click.prompt(tr(q.fr, q.en), type=click.Choice(list(q.choices)),
                                 default="inconnu")
        answers[q.key] = value
    entry = provider_mod.record_assessment(name, answers)
    verdicts = {
        "suitable": tr("convient pour des données de santé", "suitable for health data"),
        "unsuitable": tr("NE convient PAS pour des données de patients",
                         "NOT suitable for patient data"),
        "incomplete": tr("à compléter : obtenez les réponses manquantes par écrit",
                         "incomplete: get the missing answers in writing"),
    }
    say(tr(f"Évaluation enregistrée pour {entry.name} : ",
           f"Assessment recorded for {entry.name}: ") + verdicts[entry.verdict or "incomplete"]
        + ".")


@backup.command()
@lang_option
@click.option("--remove", is_flag=True,
              help="Effacer ces données (après confirmation) / delete them (after confirming).")
@click.option("--yes", is_flag=True, help="Sans demander / without asking.")
@handle_errors
def leftovers(remove: bool, yes: bool) -> None:
    """Données écrites sur le disque interne en l'absence du disque de sauvegarde.

    Data restic wrote to the internal disk while the backup disk was absent.
    """
    from dentsec.backup.identity import find_leftovers, remove_leftovers

    found = find_leftovers(load_config().repository)
    if found is None:
        say(tr("Aucune donnée de sauvegarde égarée sur le disque interne.",
               "No stray backup data on the internal disk."))
        return
    say(tr(f"{human_bytes(found.bytes)} de données de sauvegarde sous {found.path}, sur le "
           "disque interne (le disque de sauvegarde était absent) : elles ne sont PAS une "
           "sauvegarde utilisable.",
           f"{human_bytes(found.bytes)} of backup data under {found.path}, on the internal "
           "disk (the backup disk was absent): it is NOT a usable backup."))
    if not remove:
        say(tr("Pour les effacer : « dentsec backup leftovers --remove ».",
               "To delete it: \"dentsec backup leftovers --remove\"."))
        return
    if not yes and not confirm(tr(f"Effacer {found.path} ?", f"Delete {found.path}?")):
        say(tr("Rien n'a été effacé.", "Nothing was deleted."))
        return
    remove_leftovers(found)
    say(tr(f"Effacé : {found.path}", f"Deleted: {found.path}"))


@backup.command()
@lang_option
@handle_errors
def repair() -> None:
    """Réparer un dépôt endommagé (index reconstruit, relecture complète).

    Repair a damaged repository (index rebuilt, everything read again).
    """
    from dentsec.backup.proof import repair as repair_backup

    repair_backup(load_config())
    say(tr("Dépôt réparé et relu en entier : aucune erreur. Lancez une sauvegarde "
           "(« dentsec backup run ») pour remplacer les données perdues.",
           "Repository repaired and read in full: no errors. Run a backup (\"dentsec "
           "backup run\") to replace the lost data."))


@backup.command()
@lang_option
@handle_errors
def prune() -> None:
    """Appliquer la rétention maintenant et libérer la place (disque plein).

    Apply the retention now and free the space (full disk).
    """
    from dentsec.backup.maintenance import prune as prune_backup

    outcome = prune_backup(load_config())
    if outcome.gentle:
        say(tr("Disque presque plein : seules les données qui ne servent plus ont été "
               "supprimées, rien n'a été réécrit.",
               "Disk nearly full: only data no longer used was deleted, nothing rewritten."))
    say(tr(f"Rétention appliquée et place libérée en {outcome.seconds:.0f} s.",
           f"Retention applied and space freed in {outcome.seconds:.0f} s."))


@backup.command()
@lang_option
@click.option("--to", "target", required=True, type=click.Path(path_type=Path),
              help="Dossier du nouveau dépôt, sur le nouveau disque / new repository folder.")
@click.option("--force", is_flag=True,
              help="Accepter un disque interne ou le même disque que les données.")
@handle_errors
def move(target: Path, force: bool) -> None:
    """Passer à un nouveau disque de sauvegarde (les sauvegardes sont copiées).

    Switch to a new backup disk (the backups are copied).
    """
    from dentsec.backup.maintenance import move as move_backup

    outcome = move_backup(load_config(), target, force)
    for concern in outcome.warnings:
        warn(tr(concern.fr, concern.en))
    if outcome.copied:
        say(tr(f"Sauvegardes copiées vers {outcome.repository} ; ce poste sauvegarde "
               "désormais sur ce disque (même mot de passe, même feuille).",
               f"Backups copied to {outcome.repository}; this computer now backs up to this "
               "disk (same password, same sheet)."))
    else:
        say(tr(f"Ancien disque absent : nouveau dépôt {outcome.repository} créé et première "
               "sauvegarde faite (même mot de passe, même feuille).",
               f"Old disk absent: new repository {outcome.repository} created and first "
               "backup made (same password, same sheet)."))
