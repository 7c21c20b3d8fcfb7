"""Rule 4: backups."""

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
    warned,
)
from dentsec.checks.words import BACKUP_TOOLS, listed
from dentsec.facts import Backup


def _tools_ev(ctx: Ctx) -> list[str]:
    return [f"{t.tool}: {t.destination or '?'}, last {t.last_backup}"
            for t in ctx.family(Backup).tools]


@check("BAK-CONFIGURED")
def configured(ctx: Ctx) -> Outcome:
    fam = ctx.family(Backup)
    tools = [t.tool for t in fam.tools if t.configured] or (["dentsec"] if fam.dentsec_configured
                                                            else [])
    if tools:
        shown = listed(BACKUP_TOOLS, tools)
        return passed(f"Sauvegarde en place : {shown['fr']}.",
                      f"Backup in place: {shown['en']}.", _tools_ev(ctx))
    blind = ctx.reason(Backup, "tools")
    if blind:
        raise Unknown("backup.tools", blind)
    return failed("Aucune sauvegarde trouvée sur ce poste.", "No backup found on this workstation.")


@check("BAK-RECENT")
def recent(ctx: Ctx) -> Outcome:
    fam = ctx.family(Backup)
    if fam.last_backup is None:
        if not fam.tools and not fam.dentsec_configured and not ctx.reason(Backup, "tools"):
            return failed("Aucune sauvegarde n'a jamais été faite.", "No backup was ever made.")
        raise Unknown("backup.last_backup", fam.unknown.get("last_backup", ""))
    age = ctx.age_days(fam.last_backup)
    ev = [f"backup.last_backup = {fam.last_backup.isoformat()}", *_tools_ev(ctx)]
    shown = f"{age:.1f}".replace(".", ",")
    if age > ctx.policy.backup_fail_days:
        return failed(f"Dernière sauvegarde réussie il y a {shown} jours.",
                      f"Last successful backup {age:.1f} days ago.", ev)
    if age > ctx.policy.backup_warn_days:
        return warned(f"Dernière sauvegarde réussie il y a {shown} jours (attendu : chaque jour).",
                      f"Last successful backup {age:.1f} days ago (expected: daily).", ev)
    return passed(f"Dernière sauvegarde réussie il y a {shown} jour(s).",
                  f"Last successful backup {age:.1f} day(s) ago.", ev)


def _proof(ctx: Ctx, field: str, when: datetime | None, ok: bool | None, max_days: int,
           what_fr: str, what_en: str) -> Outcome:
    fam = ctx.family(Backup)
    if not fam.dentsec_configured:
        if not fam.tools:
            return failed(f"Pas de sauvegarde, donc pas de {what_fr}.", f"No backup, so no {what_en}.")
        raise Unknown(f"backup.{field}", f"not recorded by {names(t.tool for t in fam.tools)}")
    ev = [f"{what_en}: {when.isoformat() if when else 'never'} ok={ok}"]
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
    return _proof(ctx, "last_verify", fam.last_verify, fam.last_verify_ok, ctx.policy.verify_max_days,
                  "vérification", "verification")


@check("BAK-RESTORE-TESTED")
def restore_tested(ctx: Ctx) -> Outcome:
    fam = ctx.family(Backup)
    return _proof(ctx, "last_drill", fam.last_drill, fam.last_drill_ok, ctx.policy.drill_max_days,
                  "restauration d'essai", "restore drill")


@check("BAK-OFFLINE-COPY")
def offline_copy(ctx: Ctx) -> Outcome:
    fam = ctx.family(Backup)
    if not fam.dentsec_configured and not fam.tools:
        raise NotApplicable("backup.tools", {
            "fr": "Aucune sauvegarde sur ce poste : pas de disque de sauvegarde à débrancher.",
            "en": "No backup on this workstation: no backup disk to unplug."})
    always = need(fam, "disk_always_connected", fam.disk_always_connected)
    if always:
        return warned("Le disque de sauvegarde est resté branché en permanence.",
                      "The backup disk stayed connected all the time.")
    return passed("Le disque de sauvegarde est débranché entre les sauvegardes.",
                  "The backup disk is unplugged between backups.")


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
