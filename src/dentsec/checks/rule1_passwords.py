"""Rule 1: passwords."""

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
    unknown,
    warned,
)
from dentsec.checks.words import BROWSERS, word
from dentsec.facts import Accounts, PasswordPolicy, Passwords


@check("PWD-MIN-LENGTH")
def min_length(ctx: Ctx) -> Outcome:
    fam = ctx.family(PasswordPolicy)
    got = need(fam, "min_length", fam.min_length)
    want = ctx.policy.password_min_length
    ev = [f"password_policy.min_length = {got} ({fam.source})"]
    if got >= want:
        return passed(f"Longueur minimale imposée : {got} caractères.",
                      f"Minimum length enforced: {got} characters.", ev)
    return failed(f"Le système accepte des mots de passe de {got} caractères (attendu : {want}).",
                  f"The system accepts {got}-character passwords (expected: {want}).", ev)


@check("PWD-COMPLEXITY")
def complexity(ctx: Ctx) -> Outcome:
    fam = ctx.family(PasswordPolicy)
    got = need(fam, "min_classes", fam.min_classes)
    want = ctx.policy.password_min_classes
    ev = [f"password_policy.min_classes = {got}"]
    if got >= want:
        return passed(f"{got} types de caractères exigés.", f"{got} character classes required.", ev)
    ceiling = fam.max_enforceable_classes
    if ceiling is not None and got >= ceiling:
        return warned(f"Le système impose {got} types de caractères sur {want}, le maximum qu'il "
                      "sait imposer : demandez aussi les 4 types à l'équipe et vérifiez les mots "
                      "de passe avec « dentsec password check ».",
                      f"The system requires {got} of {want} character classes, the most it can "
                      "enforce: ask the team for all 4 too and check passwords with "
                      "'dentsec password check'.", [*ev, f"max_enforceable_classes = {ceiling}"])
    return failed(f"Seulement {got} type(s) de caractères exigé(s) sur {want}.",
                  f"Only {got} of {want} character classes required.", ev)


@check("PWD-LOCKOUT")
def lockout(ctx: Ctx) -> Outcome:
    fam = ctx.family(PasswordPolicy)
    got = need(fam, "lockout_threshold", fam.lockout_threshold)
    limit = ctx.policy.lockout_max_attempts
    ev = [f"password_policy.lockout_threshold = {got}"]
    if got == 0:
        return failed("Les comptes ne se bloquent jamais, quel que soit le nombre d'essais.",
                      "Accounts never lock, whatever the number of attempts.", ev)
    if got <= limit:
        return passed(f"Blocage après {got} essais ratés.", f"Lockout after {got} failed attempts.", ev)
    return warned(f"Blocage seulement après {got} essais (conseillé : {limit} au plus).",
                  f"Lockout only after {got} attempts (advised: {limit} at most).", ev)


@check("PWD-RENEWAL")
def renewal(ctx: Ctx) -> Outcome:
    accounts = ctx.family(Accounts).accounts
    scope_admins = ctx.policy.renewal_scope == "admins"
    people = [a for a in accounts if (a.human or a.builtin_admin) and a.enabled is not False
              and (a.is_admin or not scope_admins)]
    limit = ctx.policy.renewal_days
    old: list[str] = []
    unseen: list[str] = []
    for acc in people:
        if acc.password_last_set is None:
            unseen.append(acc.name)
        elif ctx.age_days(acc.password_last_set) > limit:
            old.append(f"{acc.name} ({int(ctx.age_days(acc.password_last_set))} j)")
    ev = [f"renewal_days = {limit}, scope = {ctx.policy.renewal_scope}"] + old
    note_fr = (" C'est un rappel : changez aussi tout mot de passe dès qu'une fuite est soupçonnée"
               " (CNIL 2022).")
    note_en = " This is a reminder: also change any password as soon as a leak is suspected (CNIL 2022)."
    if old:
        return warned(f"Mot de passe inchangé depuis plus de {limit} jours : {names(old)}." + note_fr,
                      f"Password unchanged for more than {limit} days: {names(old)}." + note_en, ev)
    if unseen and len(unseen) == len(people):
        why = ctx.reason(Accounts, "password_last_set") or ""
        raise Unknown("accounts.password_last_set", f"{why} ({names(unseen)})".strip())
    if unseen:
        return unknown(f"Date de changement inconnue pour : {names(unseen)}.",
                       f"Last change date unknown for: {names(unseen)}.", ev)
    return passed(f"Tous les mots de passe concernés ont moins de {limit} jours.",
                  f"Every password in scope is less than {limit} days old.", ev)


@check("PWD-PLAINTEXT-FILES")
def plaintext_files(ctx: Ctx) -> Outcome:
    fam = ctx.family(Passwords)
    found = [f.path for f in fam.files]
    if found:
        return failed(f"{len(found)} fichier(s) semblent contenir des mots de passe : {names(found, 5)}.",
                      f"{len(found)} file(s) seem to hold passwords: {names(found, 5)}.", found)
    blind = ctx.reason(Passwords, "files")
    if blind:
        raise Unknown("passwords.files", blind)
    return passed("Aucun fichier de mots de passe trouvé dans les dossiers des utilisateurs.",
                  "No password file found in the users' folders.")


@check("PWD-BROWSER-SAVED")
def browser_saved(ctx: Ctx) -> Outcome:
    fam = ctx.family(Passwords)
    saved = [b for b in fam.browsers if b.saved_count]
    ev = [f"{b.browser} {b.user}/{b.profile}: {b.saved_count if b.saved_count is not None else '?'}"
          for b in fam.browsers]
    if saved:
        total = sum(b.saved_count or 0 for b in saved)
        where = {lang: names(word(BROWSERS, b.browser)[lang] + (f" ({b.user})" if b.user else "")
                             for b in saved) for lang in ("fr", "en")}
        return failed(f"{total} mot(s) de passe enregistré(s) dans : {where['fr']}.",
                      f"{total} password(s) saved in: {where['en']}.", ev)
    # A browser whose password manager is disabled by policy neither saves nor fills passwords.
    if any(b.saved_count is None and not b.manager_disabled_by_policy for b in fam.browsers) \
            or ctx.reason(Passwords, "browsers"):
        raise Unknown("passwords.browsers", ctx.reason(Passwords, "browsers") or names(ev))
    return passed("Aucun mot de passe enregistré dans les navigateurs trouvés.",
                  "No password saved in the browsers found.", ev)
