"""Rule 2: updates and end of support."""

from __future__ import annotations

import re

from dentsec.checks.registry import (
    Ctx,
    Outcome,
    Unknown,
    check,
    failed,
    names,
    need,
    passed,
    warned,
)
from dentsec.checks.words import day
from dentsec.facts import Software, Updates

ROLLING_RELEASES = frozenset({"chrome", "firefox", "edge"})
EXTENDED_WARN_DAYS = 365
"""During extended support the practice is told to plan the migration a year ahead."""


@check("UPD-OS-SUPPORTED")
def os_supported(ctx: Ctx) -> Outcome:
    os_ = ctx.facts.os
    release = os_.display_version or os_.version
    # "Debian GNU/Linux 12 (bookworm)" already says 12; "macOS" and "Windows 11 Pro" do not.
    shown = release and not re.search(rf"(?<![\w.]){re.escape(release)}(?!\w)", os_.name)
    label = f"{os_.name} {release}".strip() if shown else os_.name
    ev = [f"os = {label}", f"eol = {os_.eol_product}/{os_.eol_cycle}: {os_.eol_date}"]
    if os_.extended_support:
        why = os_.unknown.get("extended_support_active")
        ev.append(f"extended support = {os_.extended_support} until "
                  f"{os_.extended_support_until}, active = {os_.extended_support_active}"
                  + (f" ({why})" if why else ""))
    if os_.eol_date is None:
        if os_.eol_announced is False:
            return passed(f"{label} : aucune fin de support annoncée.",
                          f"{label}: no end of support announced.", ev)
        raise Unknown("os.eol_date",
                      os_.unknown.get("eol_date", f"{label}: release not in end-of-life data"))
    today = ctx.now.date()
    days = (os_.eol_date - today).days
    ext, until = os_.extended_support, os_.extended_support_until
    if ext and until and os_.extended_support_active:
        left = (until - today).days
        if left < 0:
            return failed(f"{label} ne reçoit plus de correctifs de sécurité depuis le "
                          f"{until:%d/%m/%Y} (fin de {ext}) : migrez ce poste.",
                          f"{label} stopped receiving security fixes on {until:%Y-%m-%d} "
                          f"(end of {ext}): migrate this workstation.", ev)
        if days >= 0:
            return passed(f"{label} est maintenu jusqu'au {os_.eol_date:%d/%m/%Y}, puis par "
                          f"{ext} jusqu'au {until:%d/%m/%Y}.",
                          f"{label} is supported until {os_.eol_date:%Y-%m-%d}, then by {ext} "
                          f"until {until:%Y-%m-%d}.", ev)
        if left <= EXTENDED_WARN_DAYS:
            return warned(f"{label} reçoit encore les correctifs de sécurité de {ext} jusqu'au "
                          f"{until:%d/%m/%Y} (dans {left} jours) : préparez la migration.",
                          f"{label} still gets security fixes from {ext} until "
                          f"{until:%Y-%m-%d} ({left} days): plan the migration.", ev)
        return passed(f"{label} est maintenu par {ext} jusqu'au {until:%d/%m/%Y} : prévoyez "
                      "la migration avant cette date.",
                      f"{label} is supported by {ext} until {until:%Y-%m-%d}: plan the "
                      "migration before that date.", ev)
    if days < 0:
        fr = (f"{label} ne reçoit plus de correctifs de sécurité depuis le "
              f"{os_.eol_date:%d/%m/%Y} : migrez ce poste.")
        en = (f"{label} stopped receiving security fixes on {os_.eol_date:%Y-%m-%d}: "
              "migrate this workstation.")
        if ext and until and until >= today:
            seen = os_.extended_support_active is False
            fr += (f" L'offre payante {ext} prolonge les correctifs jusqu'au {until:%d/%m/%Y}, "
                   + ("mais ce poste n'y est pas inscrit." if seen else
                      "mais l'inscription de ce poste n'a pas pu être vérifiée."))
            en += (f" The paid {ext} offer extends fixes until {until:%Y-%m-%d}, "
                   + ("but this workstation is not enrolled." if seen else
                      "but this workstation's enrolment could not be verified."))
        return failed(fr, en, ev)
    if days <= ctx.policy.eol_warn_days:
        return warned(f"{label} ne sera plus maintenu après le {os_.eol_date:%d/%m/%Y} "
                      f"(dans {days} jours) : préparez la migration.",
                      f"{label} is supported until {os_.eol_date:%Y-%m-%d} ({days} days): "
                      "plan the migration.", ev)
    return passed(f"{label} est maintenu jusqu'au {os_.eol_date:%d/%m/%Y}.",
                  f"{label} is supported until {os_.eol_date:%Y-%m-%d}.", ev)


@check("UPD-AUTO")
def auto_updates(ctx: Ctx) -> Outcome:
    fam = ctx.family(Updates)
    on = need(fam, "auto_updates_enabled", fam.auto_updates_enabled)
    ev = [f"updates.auto_updates_enabled = {on} ({fam.auto_update_mechanism or '?'})"]
    how = f" ({fam.auto_update_mechanism})" if fam.auto_update_mechanism else ""
    if on:
        return passed(f"Mises à jour automatiques actives{how}.",
                      f"Automatic updates on{how}.", ev)
    return failed("Les mises à jour ne s'installent pas automatiquement.",
                  "Updates do not install automatically.", ev)


@check("UPD-PENDING")
def pending(ctx: Ctx) -> Outcome:
    fam = ctx.family(Updates)
    sec, total = fam.pending_security_updates, fam.pending_updates
    ev = [f"updates.pending_security_updates = {sec}", f"updates.pending_updates = {total}"]
    if sec:
        return failed(f"{sec} mise(s) à jour de sécurité en attente.",
                      f"{sec} security update(s) waiting.", ev)
    if total:
        if sec is None:
            return failed(f"{total} mise(s) à jour en attente (dont de sécurité peut-être).",
                          f"{total} update(s) waiting (possibly security ones).", ev)
        return warned(f"{total} mise(s) à jour en attente (aucune de sécurité).",
                      f"{total} update(s) waiting (no security one).", ev)
    if total is None and sec is None:
        raise Unknown("updates.pending_updates", fam.unknown.get("pending_updates", ""))
    return passed("Aucune mise à jour en attente.", "No update waiting.", ev)


@check("UPD-RECENT")
def recent(ctx: Ctx) -> Outcome:
    fam = ctx.family(Updates)
    last = need(fam, "last_update", fam.last_update)
    age = int(ctx.age_days(last))
    ev = [f"updates.last_update = {last.isoformat()}"]
    if age > ctx.policy.update_fail_days:
        return failed(f"Aucune mise à jour installée depuis {age} jours.",
                      f"No update installed for {age} days.", ev)
    if age > ctx.policy.update_warn_days:
        return warned(f"Dernière mise à jour il y a {age} jours.",
                      f"Last update {age} days ago.", ev)
    return passed(f"Dernière mise à jour il y a {age} jour(s).", f"Last update {age} day(s) ago.", ev)


@check("UPD-SOFTWARE-SUPPORTED")
def software_supported(ctx: Ctx) -> Outcome:
    items = ctx.family(Software).items
    today = ctx.now.date()
    dead = [i for i in items if i.eol_date and i.eol_date < today]
    # Browsers release every few weeks: only a version already past its end counts for them.
    soon = [i for i in items if i.eol_date and i.eol_product not in ROLLING_RELEASES
            and 0 <= (i.eol_date - today).days <= ctx.policy.eol_warn_days]
    ev = [f"{i.name} {i.version}: eol {i.eol_date}" for i in items if i.eol_product]
    if dead:
        return failed("Logiciel(s) qui ne sont plus maintenus : "
                      + names(f"{i.name} {i.version}" for i in dead) + ".",
                      "Software no longer supported: "
                      + names(f"{i.name} {i.version}" for i in dead) + ".", ev)
    if soon:
        shown = {lang: names(f"{i.name} ({day(i.eol_date)[lang]})" for i in soon if i.eol_date)
                 for lang in ("fr", "en")}
        return warned(f"Fin de maintenance proche pour : {shown['fr']}.",
                      f"End of support coming for: {shown['en']}.", ev)
    blind = ctx.reason(Software, "items")
    if blind and not ev:
        raise Unknown("software.items", blind)
    return passed("Navigateurs et suite bureautique trouvés encore maintenus.",
                  "Browsers and office suite found are still supported.", ev)
