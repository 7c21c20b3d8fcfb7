"""Rule 4: backups.

A backup tool that is installed but not set up (restic without a job) is *seen* absent:
every rule-4 check then fails with "aucune sauvegarde configurée", never unknown."""

from __future__ import annotations

from datetime import datetime

from dentsec.checks.registry import (
    Ctx,
    NotApplicable,
    Outcome,
    Unknown,
    check,
    failed,
    names,
    need,
    passed,
    unknown,
    warned,
)
from dentsec.checks.words import BACKUP_TOOLS, day, listed
from dentsec.facts import Backup

NONE_FR, NONE_EN = "Aucune sauvegarde configurée sur ce poste.", "No backup configured on this workstation."
INCOMPLETE_FIX_FR = (
    "fermez le logiciel qui tient ces fichiers ouverts pendant la sauvegarde, ou sauvegardez "
    "l'export qu'il produit lui-même, ou faites faire par votre prestataire une copie à "
    "partir d'un instantané (VSS sous Windows, instantané APFS/LVM)")
INCOMPLETE_FIX_EN = (
    "close the software keeping these files open during the backup, or back up the export "
    "it makes itself, or have your IT provider copy from a snapshot (VSS on Windows, "
    "APFS/LVM snapshot)")


def _tools_ev(fam: Backup) -> list[str]:
    return [f"{t.tool}: {t.destination or '?'}, last {t.last_backup}" for t in fam.tools]


def _configured(fam: Backup) -> bool:
    return fam.dentsec_configured or any(t.configured for t in fam.tools)


def _nothing_configured(ctx: Ctx, fam: Backup) -> bool:
    """No backup set up, and the collector saw everything it looked for."""
    return not _configured(fam) and not ctx.reason(Backup, "tools")


def _ago(days: float) -> tuple[str, str]:
    """"il y a 5 h" under a day, else "il y a 3,5 jours" (French decimal comma)."""
    if days < 1:
        hours = max(0, round(days * 24))
        return f"il y a {hours} h", f"{hours} h ago"
    return f"il y a {days:.1f} jours".replace(".", ","), f"{days:.1f} days ago"


@check("BAK-CONFIGURED")
def configured(ctx: Ctx) -> Outcome:
    fam = ctx.family(Backup)
    tools = [t.tool for t in fam.tools if t.configured] or (["dentsec"] if fam.dentsec_configured
                                                            else [])
    if tools:
        shown = listed(BACKUP_TOOLS, tools)
        if fam.repository_same_disk:
            return warned(
                f"Sauvegarde en place ({shown['fr']}), mais sur le même disque que les "
                "données : une panne ou un rançongiciel emporterait les deux.",
                f"Backup in place ({shown['en']}), but on the same disk as the data: a "
                "failure or ransomware would take both.", _tools_ev(fam))
        return passed(f"Sauvegarde en place : {shown['fr']}.",
                      f"Backup in place: {shown['en']}.", _tools_ev(fam))
    blind = ctx.reason(Backup, "tools")
    if blind:
        raise Unknown("backup.tools", blind)
    installed = listed(BACKUP_TOOLS, [t.tool for t in fam.tools])
    if fam.tools:
        return failed(f"Aucune sauvegarde configurée : {installed['fr']} est installé mais "
                      "aucune sauvegarde n'est programmée.",
                      f"No backup configured: {installed['en']} is installed but no backup "
                      "is scheduled.", _tools_ev(fam))
    return failed(NONE_FR, NONE_EN)


def _last_run_note(fam: Backup) -> tuple[str, str]:
    """Why the last run failed (the last run is the newest: it came after any success).
    A run that saved an incomplete snapshot is told by the incomplete note instead."""
    if fam.last_run_error is None or fam.last_run_at is None:
        return "", ""
    if fam.last_partial_backup is not None and fam.last_partial_backup == fam.last_run_at:
        return "", ""
    when = day(fam.last_run_at.date())
    return (f" La dernière tentative ({when['fr']}) a échoué : {fam.last_run_error}",
            f" The last attempt ({when['en']}) failed: {fam.last_run_error}")


def _incomplete_note(ctx: Ctx, fam: Backup) -> tuple[str, str, bool]:
    """A note on incomplete snapshots since the last complete one; True when the same
    files keep being missed (a warn naming the fix)."""
    runs = fam.incomplete_runs or 0
    if fam.last_partial_backup is None or runs == 0:
        return "", "", False
    what_fr = ("illisibles" if fam.incomplete_kind == "unreadable-files"
               else "modifiés pendant la sauvegarde")
    what_en = ("unreadable" if fam.incomplete_kind == "unreadable-files"
               else "changed during the backup")
    age_fr, age_en = _ago(ctx.age_days(fam.last_partial_backup))
    if runs >= 2:
        return (f" {runs} sauvegardes de suite sont incomplètes (dernière {age_fr}) : "
                f"les mêmes fichiers sont {what_fr} à chaque fois ; {INCOMPLETE_FIX_FR}.",
                f" {runs} backups in a row are incomplete (last {age_en}): the same "
                f"files are {what_en} every time; {INCOMPLETE_FIX_EN}.", True)
    return (f" Une sauvegarde plus récente ({age_fr}) est incomplète : des "
            f"fichiers étaient {what_fr}.",
            f" A newer backup ({age_en}) is incomplete: files were {what_en}.", False)


@check("BAK-RECENT")
def recent(ctx: Ctx) -> Outcome:
    fam = ctx.family(Backup)
    run_fr, run_en = _last_run_note(fam)
    if fam.last_backup is None:
        if _nothing_configured(ctx, fam):
            return failed(NONE_FR, NONE_EN)
        if fam.dentsec_configured:
            # the status file was read: no complete snapshot was ever recorded
            inc_fr, inc_en, _ = _incomplete_note(ctx, fam)
            return failed("Aucune sauvegarde complète n'a jamais réussi." + run_fr + inc_fr,
                          "No complete backup ever succeeded." + run_en + inc_en,
                          _tools_ev(fam))
        raise Unknown("backup.last_backup", fam.unknown.get("last_backup", ""))
    age = ctx.age_days(fam.last_backup)
    inc_fr, inc_en, repeated = _incomplete_note(ctx, fam)
    ev = [f"backup.last_backup = {fam.last_backup.isoformat()}", *_tools_ev(fam)]
    if fam.last_run_error:
        ev.append(f"last run failed: {fam.last_run_error}")
    ago_fr, ago_en = _ago(age)
    head_fr = f"Dernière sauvegarde complète réussie {ago_fr}."
    head_en = f"Last complete successful backup {ago_en}."
    tail_fr, tail_en = run_fr + inc_fr, run_en + inc_en
    if age > ctx.policy.backup_fail_days:
        return failed(head_fr + tail_fr, head_en + tail_en, ev)
    if age > ctx.policy.backup_warn_days:
        return warned(head_fr[:-1] + " (attendu : chaque jour)." + tail_fr,
                      head_en[:-1] + " (expected: daily)." + tail_en, ev)
    if run_fr or repeated:
        # the last run failed, or the same files keep being missed: not a clean pass
        return warned(head_fr + tail_fr, head_en + tail_en, ev)
    return passed(head_fr + tail_fr, head_en + tail_en, ev)


def _proof(ctx: Ctx, field: str, when: datetime | None, ok: bool | None, max_days: int,
           what_fr: str, what_en: str, damage_counts: bool = False) -> Outcome:
    fam = ctx.family(Backup)
    if not fam.dentsec_configured:
        if _nothing_configured(ctx, fam):
            return failed(f"{NONE_FR[:-1]}, donc pas de {what_fr}.",
                          f"{NONE_EN[:-1]}, so no {what_en}.")
        raise Unknown(f"backup.{field}", f"not recorded by {names(t.tool for t in fam.tools)}")
    ev = [f"{what_en}: {when.isoformat() if when else 'never'} ok={ok}"]
    if damage_counts and fam.damaged_since is not None:
        ev.append(f"damaged since {fam.damaged_since.isoformat()}: {fam.damage_reason}")
        since = day(fam.damaged_since.date())
        return failed(f"Le dépôt de sauvegarde est endommagé depuis le {since['fr']} "
                      f"({fam.damage_reason}) et n'a pas été réparé : une vérification "
                      "complète n'a pas réussi depuis.",
                      f"The backup repository has been damaged since {since['en']} and was "
                      "not repaired: no full verification succeeded since.", ev)
    if when is None:
        return failed(f"Aucune {what_fr} n'a jamais été faite.", f"No {what_en} was ever done.", ev)
    if ok is False:
        return failed(f"La dernière {what_fr} a échoué.", f"The last {what_en} failed.", ev)
    age = int(ctx.age_days(when))
    if age > max_days:
        return warned(f"Dernière {what_fr} il y a {age} jours (attendu : tous les {max_days} jours).",
                      f"Last {what_en} {age} days ago (expected: every {max_days} days).", ev)
    return passed(f"Dernière {what_fr} réussie il y a {age} jour(s).",
                  f"Last {what_en} succeeded {age} day(s) ago.", ev)


@check("BAK-VERIFIED")
def verified(ctx: Ctx) -> Outcome:
    fam = ctx.family(Backup)
    outcome = _proof(ctx, "last_verify", fam.last_verify, fam.last_verify_ok, ctx.policy.verify_max_days,
                     "vérification", "verification", damage_counts=True)
    if outcome.status != "pass" or fam.last_full_read is not None:
        return outcome
    return warned("Vérifications réussies, mais le dépôt n'a jamais été relu en entier "
                  "(« dentsec backup verify --subset 100% » ou un cycle complet de "
                  "vérifications quotidiennes).",
                  "Checks passed, but the repository was never read in full (\"dentsec "
                  "backup verify --subset 100%\" or a full round of daily checks).",
                  outcome.evidence)


@check("BAK-RESTORE-TESTED")
def restore_tested(ctx: Ctx) -> Outcome:
    fam = ctx.family(Backup)
    return _proof(ctx, "last_drill", fam.last_drill, fam.last_drill_ok, ctx.policy.drill_max_days,
                  "restauration d'essai", "restore drill")


@check("BAK-OFFLINE-COPY")
def offline_copy(ctx: Ctx) -> Outcome:
    fam = ctx.family(Backup)
    if _nothing_configured(ctx, fam):
        if fam.tools:
            return failed(f"{NONE_FR[:-1]}, donc pas de copie hors ligne.",
                          f"{NONE_EN[:-1]}, so no offline copy.")
        raise NotApplicable("backup.tools", {
            "fr": "Aucune sauvegarde sur ce poste : pas de disque de sauvegarde à débrancher.",
            "en": "No backup on this workstation: no backup disk to unplug."})
    if fam.repository_same_disk:
        return warned("La sauvegarde est sur le même disque que les données : ce n'est pas "
                      "une copie hors ligne.",
                      "The backup is on the same disk as the data: it is not an offline copy.")
    if fam.disk_always_connected is None and "disk_always_connected" in fam.unknown:
        return unknown(
            "Personne n'a regardé si le disque de sauvegarde était débranché entre deux "
            "sauvegardes ces 14 derniers jours : « dentsec backup status », l'agent du "
            "cabinet et l'audit le notent quand ils passent.",
            "Nobody looked whether the backup disk was unplugged between two backups over "
            "the last 14 days: \"dentsec backup status\", the practice agent and the audit "
            "note it when they run.", [fam.unknown["disk_always_connected"]])
    always = need(fam, "disk_always_connected", fam.disk_always_connected)
    if always:
        return warned("Le disque de sauvegarde est resté branché entre les sauvegardes des 14 "
                      "derniers jours : un rançongiciel l'atteindrait aussi.",
                      "The backup disk stayed connected between backups over the last 14 "
                      "days: ransomware would reach it too.")
    return passed("Le disque de sauvegarde a été vu débranché entre deux sauvegardes.",
                  "The backup disk was seen unplugged between two backups.")


@check("BAK-CLOUD-ASSESSED")
def cloud_assessed(ctx: Ctx) -> Outcome:
    fam = ctx.family(Backup)
    if not fam.cloud_providers:
        raise NotApplicable("backup.cloud_providers", {
            "fr": "Aucune sauvegarde en ligne utilisée : pas de prestataire à évaluer.",
            "en": "No online backup in use: no provider to assess."})
    todo = [p for p in fam.cloud_providers if p not in fam.cloud_providers_assessed]
    if todo:
        return failed(f"Prestataire(s) non évalué(s) : {names(todo)}.",
                      f"Provider(s) not assessed: {names(todo)}.", todo)
    return passed("Chaque prestataire de sauvegarde en ligne a été évalué.",
                  "Every online backup provider has been assessed.", fam.cloud_providers)
