"""Rule 5: downloads."""

from __future__ import annotations

from dentsec.checks.registry import Ctx, Outcome, Unknown, check, failed, names, passed


@check("DL-AUTO-OPEN")
def auto_open(ctx: Ctx) -> Outcome:
    entries = [a for a in ctx.family("downloads").auto_open if a.extensions]
    ev = [f"{a.browser} {a.user}/{a.profile}: {', '.join(a.extensions)}" for a in entries]
    if entries:
        return failed("Des types de fichiers s'ouvrent automatiquement après téléchargement : "
                      + names(ev, 4) + ".",
                      "Some file types open automatically after download: " + names(ev, 4) + ".", ev)
    blind = ctx.reason("downloads", "auto_open")
    if blind:
        raise Unknown(f"downloads.auto_open: {blind}")
    return passed("Aucun téléchargement ne s'ouvre tout seul.", "No download opens by itself.")


@check("DL-REPUTATION")
def reputation(ctx: Ctx) -> Outcome:
    on = ctx.get("downloads", "reputation_check")
    ev = [f"downloads.reputation_check = {on}"]
    if on:
        return passed("Le filtre de réputation est actif.", "The reputation filter is on.", ev)
    return failed("Le filtre de réputation des programmes téléchargés est désactivé.",
                  "The reputation filter for downloaded programs is off.", ev)


@check("DL-AUTORUN")
def autorun(ctx: Ctx) -> Outcome:
    off = ctx.get("downloads", "autorun_disabled")
    ev = [f"downloads.autorun_disabled = {off}"]
    if off:
        return passed("L'exécution automatique est désactivée.", "AutoRun is disabled.", ev)
    return failed("L'exécution automatique des supports amovibles est active.",
                  "AutoRun of removable media is on.", ev)


@check("DL-SCAN")
def scan(ctx: Ctx) -> Outcome:
    on = ctx.get("downloads", "scan_downloads")
    ev = [f"downloads.scan_downloads = {on}"]
    if on:
        return passed("Les fichiers téléchargés sont analysés automatiquement.",
                      "Downloaded files are scanned automatically.", ev)
    return failed("Les fichiers téléchargés ne sont pas analysés automatiquement par un antivirus.",
                  "Downloaded files are not scanned automatically by an antivirus.", ev)


@check("DL-UNWANTED-SOFTWARE")
def unwanted(ctx: Ctx) -> Outcome:
    found = ctx.family("software").unwanted
    if found:
        return failed(f"Logiciel(s) indésirable(s) installé(s) : {names(found)}.",
                      f"Unwanted software installed: {names(found)}.", found)
    blind = ctx.reason("software", "unwanted") or ctx.reason("software", "items")
    if blind:
        raise Unknown(f"software.unwanted: {blind}")
    return passed("Aucun logiciel indésirable connu n'est installé.",
                  "No known unwanted software is installed.")
