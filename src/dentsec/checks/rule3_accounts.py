"""Rule 3: accounts, administrator rights, screen lock."""

from __future__ import annotations

import re
import unicodedata

from dentsec.checks.registry import (
    Ctx,
    NotApplicable,
    Outcome,
    Unknown,
    check,
    failed,
    flag_check,
    names,
    need,
    passed,
    unknown,
    warned,
)
from dentsec.facts import Account, Accounts, ScreenLock


def _people(ctx: Ctx) -> list[Account]:
    return [a for a in ctx.family(Accounts).accounts if a.human and a.enabled is not False]


def _base_name(name: str) -> str:
    """accueil2, Secrétariat, poste-1 -> accueil, secretariat, poste."""
    flat = unicodedata.normalize("NFKD", name.split("\\")[-1]).encode("ascii", "ignore").decode()
    return re.sub(r"[\d\s._-]+", "", flat.lower())


@check("ACC-NAMED")
def named(ctx: Ctx) -> Outcome:
    generic = set(ctx.policy.generic_account_names)
    shared = [a.name for a in _people(ctx)
              if not a.builtin_admin and not a.guest and _base_name(a.name) in generic]
    ev = [f"accounts: {names((a.name for a in _people(ctx)), 20)}"]
    if shared:
        return failed(f"Compte(s) au nom de fonction ou de lieu, donc partagé(s) : {names(shared)}.",
                      f"Account(s) named after a role or place, hence shared: {names(shared)}.", ev)
    return passed("Chaque compte porte un nom de personne.", "Every account bears a person's name.", ev)


@check("ACC-DAILY-ADMIN")
def daily_admin(ctx: Ctx) -> Outcome:
    fam = ctx.family(Accounts)
    is_admin = need(fam, "current_user_is_admin", fam.current_user_is_admin)
    user = fam.current_user
    ev = [f"accounts.current_user = {user or '?'}", f"accounts.current_user_is_admin = {is_admin}"]
    fr, en = (f"La session de travail « {user} »", f"The working session '{user}'") if user \
        else ("La session de travail", "The working session")
    if is_admin:
        return failed(f"{fr} a les droits d'administrateur.",
                      f"{en} has administrator rights.", ev)
    return passed(f"{fr} est un compte standard.", f"{en} is a standard account.", ev)


@check("ACC-ADMIN-COUNT")
def admin_count(ctx: Ctx) -> Outcome:
    accounts = ctx.family(Accounts).accounts
    admins = [a.name for a in accounts if a.is_admin and a.enabled is not False]
    undecided = [a.name for a in accounts if a.is_admin is None and a.enabled is not False and a.human]
    limit = ctx.policy.max_admin_accounts
    ev = [f"admins = {names(admins, 20)}", f"max_admin_accounts = {limit}"]
    if len(admins) > limit:
        return failed(f"{len(admins)} comptes administrateurs actifs ({names(admins)}) ; "
                      f"{limit} au plus sont conseillés.",
                      f"{len(admins)} enabled administrator accounts ({names(admins)}); "
                      f"at most {limit} advised.", ev)
    if undecided:
        raise Unknown("accounts.is_admin", names(undecided))
    return passed(f"{len(admins)} compte(s) administrateur(s) : {names(admins) or '—'}.",
                  f"{len(admins)} administrator account(s): {names(admins) or '—'}.", ev)


@check("ACC-EMPTY-PASSWORD")
def empty_password(ctx: Ctx) -> Outcome:
    accounts = [a for a in ctx.family(Accounts).accounts if a.enabled is not False]
    empty = [a.name for a in accounts if a.password_empty]
    if empty:
        return failed(f"Compte(s) sans mot de passe : {names(empty)}.",
                      f"Account(s) without a password: {names(empty)}.", empty)
    undecided = [a.name for a in accounts if a.password_empty is None and a.human]
    if undecided:
        why = ctx.reason(Accounts, "password_empty") or ""
        raise Unknown("accounts.password_empty", f"{why} ({names(undecided)})".strip())
    return passed("Tous les comptes actifs ont un mot de passe.",
                  "Every enabled account has a password.")


@check("ACC-HIDDEN-SUPERUSER")
def hidden_superuser(ctx: Ctx) -> Outcome:
    fam = ctx.family(Accounts)
    if "uid0_accounts" in fam.not_applicable:
        raise NotApplicable("accounts.uid0_accounts")
    if fam.unknown.get("uid0_accounts"):
        raise Unknown("accounts.uid0_accounts", fam.unknown["uid0_accounts"])
    if fam.uid0_accounts:
        return failed(f"Compte(s) caché(s) avec les droits de root : {names(fam.uid0_accounts)}.",
                      f"Hidden account(s) with root's rights: {names(fam.uid0_accounts)}.",
                      fam.uid0_accounts)
    return passed("Seul root a l'identifiant 0.", "Only root has user id 0.")


@check("ACC-GUEST")
def guest(ctx: Ctx) -> Outcome:
    guests = [a for a in ctx.family(Accounts).accounts if a.guest]
    on = [a.name for a in guests if a.enabled]
    if on:
        return failed(f"Compte invité actif : {names(on)}.", f"Guest account enabled: {names(on)}.", on)
    if any(a.enabled is None for a in guests):
        raise Unknown("accounts.guest.enabled")
    return passed("Pas de compte invité actif.", "No guest account enabled.")


flag_check("ACC-UAC", Accounts, "uac_enabled", True,
           ("Le contrôle de compte d'utilisateur est actif.", "User Account Control is on."),
           ("Le contrôle de compte d'utilisateur est désactivé.", "User Account Control is off."))


@check("ACC-SCREEN-LOCK")
def screen_lock(ctx: Ctx) -> Outcome:
    fam = ctx.family(ScreenLock)
    ev = [f"{user}: {desc}" for user, desc in sorted(fam.per_user.items())]
    enabled = need(fam, "enabled", fam.enabled)
    if not enabled:
        return failed("L'écran ne se verrouille pas automatiquement.",
                      "The screen does not lock automatically.", ev)
    timeout = need(fam, "timeout_seconds", fam.timeout_seconds)
    limit = ctx.policy.screen_lock_max_minutes
    minutes = round(timeout / 60, 1)
    if timeout > limit * 60:
        return failed(f"Verrouillage après {minutes:g} minutes (attendu : {limit} au plus).",
                      f"Lock after {minutes:g} minutes (expected: {limit} at most).", ev)
    if need(fam, "require_password", fam.require_password) is False:
        return failed("L'écran se met en veille mais se rouvre sans mot de passe.",
                      "The screen blanks but reopens without a password.", ev)
    return passed(f"Verrouillage automatique après {minutes:g} minutes.",
                  f"Automatic lock after {minutes:g} minutes.", ev)


@check("ACC-DORMANT")
def dormant(ctx: Ctx) -> Outcome:
    people = _people(ctx)
    limit = ctx.policy.dormant_account_days
    seen = [a for a in people if a.last_logon is not None]
    old = [f"{a.name} ({int(ctx.age_days(a.last_logon))} j)" for a in seen
           if a.last_logon is not None and ctx.age_days(a.last_logon) > limit]
    if old:
        return warned(f"Compte(s) actif(s) inutilisé(s) depuis plus de {limit} jours : {names(old)}.",
                      f"Enabled account(s) unused for more than {limit} days: {names(old)}.", old)
    if people and not seen:
        raise Unknown("accounts.last_logon",
                      ctx.family(Accounts).unknown.get("last_logon", "not recorded"))
    if len(seen) < len(people):
        unseen = names(a.name for a in people if a.last_logon is None)
        why = ctx.family(Accounts).unknown.get("last_logon", "not recorded")
        return unknown(f"Dernière connexion inconnue pour : {unseen}.",
                       f"Last logon unknown for: {unseen}.", [f"accounts.last_logon: {why}"])
    return passed("Tous les comptes actifs ont servi récemment.",
                  "Every enabled account was used recently.")
