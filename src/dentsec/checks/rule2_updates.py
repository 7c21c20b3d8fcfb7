"""Rule 2: updates and end of support."""

from __future__ import annotations

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


@check("UPD-OS-SUPPORTED")
def os_supported(ctx: Ctx) -> Outcome:
    os_ = ctx.facts.os
    label = f"{os_.name} {os_.display_version or os_.version}".strip()
    ev = [f"os = {label}", f"eol = {os_.eol_product}/{os_.eol_cycle}: {os_.eol_date}"]
    if os_.eol_date is None:
        if os_.eol_announced is False:
            return passed(f"{label} : aucune fin de support annoncée.",
                          f"{label}: no end of support announced.", ev)
        raise Unknown("os.eol_date",
                      os_.unknown.get("eol_date", f"{label}: release not in end-of-life data"))
    days = (os_.eol_date - ctx.now.date()).days
    if days < 0:
        return failed(f"{label} ne reçoit plus de correctifs de sécurité depuis le "
                      f"{os_.eol_date:%d/%m/%Y} : migrez ce poste.",
                      f"{label} stopped receiving security fixes on {os_.eol_date:%Y-%m-%d}: "
                      "migrate this workstation.", ev)
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
