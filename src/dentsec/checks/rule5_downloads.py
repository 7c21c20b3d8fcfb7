"""Rule 5: downloads."""

from __future__ import annotations

from dentsec.checks.registry import (
    Ctx,
    Outcome,
    Unknown,
    check,
    failed,
    flag_check,
    names,
    passed,
)
from dentsec.checks.words import BROWSERS, word
from dentsec.facts import Downloads, Software


@check("DL-AUTO-OPEN")
def auto_open(ctx: Ctx) -> Outcome:
    entries = [a for a in ctx.family(Downloads).auto_open if a.extensions]
    ev = [f"{a.browser} {a.user}/{a.profile}: {', '.join(a.extensions)}" for a in entries]
    if entries:
        shown = {lang: "; ".join(
            word(BROWSERS, a.browser)[lang] + (f" ({a.user})" if a.user else "") + " : "
            + ", ".join(a.extensions[:6]) for a in entries[:4]) for lang in ("fr", "en")}
        return failed(f"Des types de fichiers s'ouvrent automatiquement après téléchargement : "
                      f"{shown['fr']}.",
                      f"Some file types open automatically after download: "
                      f"{shown['en'].replace(' : ', ': ')}.", ev)
    blind = ctx.reason(Downloads, "auto_open")
    if blind:
        raise Unknown("downloads.auto_open", blind)
    return passed("Aucun téléchargement ne s'ouvre tout seul.", "No download opens by itself.")


flag_check("DL-REPUTATION", Downloads, "reputation_check", True,
           ("Le filtre de réputation est actif.", "The reputation filter is on."),
           ("Le filtre de réputation des programmes téléchargés est désactivé.",
            "The reputation filter for downloaded programs is off."))
flag_check("DL-AUTORUN", Downloads, "autorun_disabled", True,
           ("L'exécution automatique est désactivée.", "AutoRun is disabled."),
           ("L'exécution automatique des supports amovibles est active.",
            "AutoRun of removable media is on."))
flag_check("DL-SCAN", Downloads, "scan_downloads", True,
           ("Les fichiers téléchargés sont analysés automatiquement.",
            "Downloaded files are scanned automatically."),
           ("Les fichiers téléchargés ne sont pas analysés automatiquement par un antivirus.",
            "Downloaded files are not scanned automatically by an antivirus."))


@check("DL-UNWANTED-SOFTWARE")
def unwanted(ctx: Ctx) -> Outcome:
    found = ctx.family(Software).unwanted
    if found:
        return failed(f"Logiciel(s) indésirable(s) installé(s) : {names(found)}.",
                      f"Unwanted software installed: {names(found)}.", found)
    blind = ctx.reason(Software, "unwanted") or ctx.reason(Software, "items")
    if blind:
        raise Unknown("software.unwanted", blind)
    return passed("Aucun logiciel indésirable connu n'est installé.",
                  "No known unwanted software is installed.")
