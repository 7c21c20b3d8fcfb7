"""Password rules: pwquality length and classes with its PAM line, faillock, login.defs.

PAM lines follow pam_pwquality(8) and pam_faillock(8) (EXAMPLES) and Debian's own
pam-configs layout; options follow pwquality.conf(5), faillock.conf(5), login.defs(5).
"""

from __future__ import annotations

import re

from dentsec.collect.linux.password_policy import parse_pam, quality_length_classes
from dentsec.collect.linux.textconf import parse_spaced, to_int
from dentsec.fix.linux.common import MARK, need_pam_module, set_option
from dentsec.fix.model import Edit, Fix, Plan, Refused, Setting, Target

PWQUALITY = "/etc/security/pwquality.conf"
COMMON_PASSWORD = "/etc/pam.d/common-password"
COMMON_AUTH = "/etc/pam.d/common-auth"
COMMON_ACCOUNT = "/etc/pam.d/common-account"
FAILLOCK = "/etc/security/faillock.conf"
LOGIN_DEFS = "/etc/login.defs"
LOCK_AFTER = 5
UNLOCK_SECONDS = 900


def _module_words(line: str) -> tuple[str, str, list[str]] | None:
    """(type, module, args) of a PAM line, or None for comments, includes and blanks."""
    parsed = parse_pam(line)
    if not parsed:
        return None
    words = line.split("#", 1)[0].split()
    module_at = next(i for i, w in enumerate(words) if w.rsplit("/", 1)[-1] == parsed[0].module)
    return parsed[0].kind, parsed[0].module, words[module_at + 1:]


def _drop_args(line: str, names: tuple[str, ...]) -> str:
    """The PAM line without ``name=…`` arguments (so the .conf file decides); its own
    spacing (tabs between columns, spaces between arguments) is kept."""
    head, sep, comment = line.partition("#")
    parts = re.split(r"(\s+)", head)
    kept: list[str] = []
    for part in parts:
        if "=" in part and part.split("=", 1)[0] in names:
            if kept and not kept[-1].strip():
                kept.pop()  # the space before the dropped argument
            continue
        kept.append(part)
    return "".join(kept).rstrip() + (sep + comment if sep else "")


def _pwquality_plan(target: Target) -> Plan:
    stack = target.text(COMMON_PASSWORD)
    if stack is None:
        raise Refused(f"{COMMON_PASSWORD} absent : pile PAM non Debian, correctif non prévu.",
                      f"{COMMON_PASSWORD} missing: not a Debian PAM stack, no fix planned.")
    need_pam_module(target, "pam_pwquality.so", "libpam-pwquality")
    want_len = target.policy.password_min_length
    want_classes = target.policy.password_min_classes
    conf = target.text(PWQUALITY) or ""
    options = parse_spaced(conf, "=")
    # A positive credit lets a character count twice: lengthen minlen by the credits.
    credits = sum(max(to_int(options.get(k)) or 0, 0)
                  for k in ("dcredit", "ucredit", "lcredit", "ocredit"))
    conf, s_len = set_option(conf, "minlen", str(want_len + credits),
                             comment="longueur minimale (politique du cabinet)")
    conf, s_cls = set_option(conf, "minclass", str(want_classes),
                             comment="types de caractères exigés")
    lines = stack.splitlines()
    out: list[str] = []
    has_quality = False
    pam_settings: list[Setting] = []
    for line in lines:
        words = _module_words(line)
        if words and words[0] == "password" and words[1] == "pam_pwquality.so":
            has_quality = True
            cleaned = _drop_args(line, ("minlen", "minclass", "dcredit", "ucredit", "lcredit",
                                        "ocredit"))
            if cleaned != line:
                pam_settings.append(Setting("pam_pwquality.so", line.strip(), cleaned.strip()))
            out.append(cleaned)
            continue
        if words and words[0] == "password" and words[1] == "pam_unix.so" and not has_quality:
            new = "password\trequisite\t\t\tpam_pwquality.so retry=3"
            out.append(f"# {MARK}: pam_pwquality")
            out.append(new)
            pam_settings.append(Setting("pam_pwquality.so", None, new.replace("\t", " ")))
            has_quality = True
            if "use_authtok" not in words[2]:
                # pam_unix takes the password pwquality accepted instead of asking again.
                line = line.rstrip() + " use_authtok try_first_pass"
                pam_settings.append(Setting("pam_unix.so", None, "use_authtok try_first_pass"))
        out.append(line)
    if not has_quality:
        raise Refused(f"Pas de ligne pam_unix dans {COMMON_PASSWORD} : pile PAM non standard.",
                      f"No pam_unix line in {COMMON_PASSWORD}: non-standard PAM stack.")
    new_stack = "\n".join(out) + "\n"
    shortest, classes = quality_length_classes("pam_pwquality.so", parse_spaced(conf, "="), 0)
    assert shortest >= want_len and classes >= want_classes  # noqa: S101 - the plan's own proof
    defs = target.text(LOGIN_DEFS)
    edits = [Edit(PWQUALITY, conf.encode(), settings=(s_len, s_cls)),
             Edit(COMMON_PASSWORD, new_stack.encode(), settings=tuple(pam_settings))]
    if defs is not None:
        days = str(target.policy.renewal_days)
        new_defs, s_days = set_option(defs, "PASS_MAX_DAYS", days, sep="\t")
        edits.append(Edit(LOGIN_DEFS, new_defs.encode(), settings=(s_days,)))
    return Plan(tuple(edits), notes=({
        "fr": "PASS_MAX_DAYS vaut pour les comptes créés ensuite ; les mots de passe actuels "
              "restent valables jusqu'à leur prochain changement.",
        "en": "PASS_MAX_DAYS applies to accounts created afterwards; current passwords stay "
              "valid until their next change."},))


PWQUALITY_FIX = Fix(
    name="linux-pwquality", os="linux", checks=("PWD-MIN-LENGTH", "PWD-COMPLEXITY"),
    title={"fr": "Mots de passe d'au moins 12 caractères, 4 types (pwquality)",
           "en": "Passwords of at least 12 characters, 4 classes (pwquality)"},
    changes={"fr": "Règle la longueur et les types de caractères exigés dans pwquality.conf, "
                   "ajoute pam_pwquality à la pile PAM des mots de passe et la durée maximale "
                   "des nouveaux comptes (login.defs).",
             "en": "Sets the required length and character classes in pwquality.conf, adds "
                   "pam_pwquality to the PAM password stack and the maximum age of new "
                   "accounts (login.defs)."},
    risks={"fr": "Les mots de passe actuels restent valables ; seul le prochain changement "
                 "devra respecter la règle. Aucun accès n'est retiré.",
           "en": "Current passwords stay valid; only the next change must follow the rule. "
                 "No access is removed."},
    plan=_pwquality_plan)


def _faillock_plan(target: Target) -> Plan:
    stack = target.text(COMMON_AUTH)
    if stack is None:
        raise Refused(f"{COMMON_AUTH} absent : pile PAM non Debian, correctif non prévu.",
                      f"{COMMON_AUTH} missing: not a Debian PAM stack, no fix planned.")
    need_pam_module(target, "pam_faillock.so", "libpam-modules")
    deny = min(LOCK_AFTER, target.policy.lockout_max_attempts)
    conf = target.text(FAILLOCK) or ""
    conf, s_deny = set_option(conf, "deny", str(deny), comment="essais ratés avant blocage")
    conf, s_unlock = set_option(conf, "unlock_time", str(UNLOCK_SECONDS),
                                comment="déblocage automatique après 15 minutes")
    out: list[str] = []
    settings: list[Setting] = []
    present = any(w and w[0] == "auth" and w[1] == "pam_faillock.so"
                  for w in map(_module_words, stack.splitlines()))
    for line in stack.splitlines():
        words = _module_words(line)
        if present:
            if words and words[1] == "pam_faillock.so":
                cleaned = _drop_args(line, ("deny", "unlock_time"))
                if cleaned != line:
                    settings.append(Setting("pam_faillock.so", line.strip(), cleaned.strip()))
                line = cleaned
            out.append(line)
            continue
        if words and words[0] == "auth" and words[1] == "pam_unix.so":
            control = line.split("#", 1)[0].split(None, 2)[1]
            if control not in ("[success=1", "required", "sufficient") or \
                    ("success=" in line and "success=1 " not in line):
                raise Refused(f"Pile {COMMON_AUTH} non standard (saut « {control} ») : "
                              "ajoutez pam_faillock à la main (voir pam_faillock(8)).",
                              f"Non-standard {COMMON_AUTH} stack (jump '{control}'): add "
                              "pam_faillock by hand (see pam_faillock(8)).")
            out += [f"# {MARK}: pam_faillock (pam_faillock(8))",
                    "auth\trequisite\t\t\tpam_faillock.so preauth", line,
                    "auth\t[default=die]\t\t\tpam_faillock.so authfail",
                    "auth\tsufficient\t\t\tpam_faillock.so authsucc"]
            settings.append(Setting("pam_faillock.so", None, "preauth / authfail / authsucc"))
            present = True
            continue
        out.append(line)
    if not present:
        raise Refused(f"Pas de ligne pam_unix dans {COMMON_AUTH} : pile PAM non standard.",
                      f"No pam_unix line in {COMMON_AUTH}: non-standard PAM stack.")
    edits = [Edit(FAILLOCK, conf.encode(), settings=(s_deny, s_unlock)),
             Edit(COMMON_AUTH, ("\n".join(out) + "\n").encode(), settings=tuple(settings))]
    account = target.text(COMMON_ACCOUNT)
    if account is not None and "pam_faillock.so" not in account:
        edits.append(Edit(COMMON_ACCOUNT, (account.rstrip("\n") + f"\n# {MARK}: pam_faillock\n"
                                           "account\trequired\t\t\tpam_faillock.so\n").encode(),
                          settings=(Setting("pam_faillock.so", None, "account required"),)))
    return Plan(tuple(edits))


FAILLOCK_FIX = Fix(
    name="linux-faillock", os="linux", checks=("PWD-LOCKOUT",),
    title={"fr": f"Blocage du compte après {LOCK_AFTER} essais ratés (15 minutes)",
           "en": f"Account locked after {LOCK_AFTER} failed attempts (15 minutes)"},
    changes={"fr": "Règle faillock.conf (essais, déblocage) et ajoute pam_faillock à la pile "
                   "PAM de connexion.",
             "en": "Sets faillock.conf (attempts, unlock) and adds pam_faillock to the PAM "
                   "login stack."},
    risks={"fr": "Une personne qui se trompe 5 fois attend 15 minutes, ou un administrateur "
                 "la débloque : sudo faillock --user NOM --reset. Root n'est pas bloqué.",
           "en": "Someone who fails 5 times waits 15 minutes, or an administrator unlocks "
                 "them: sudo faillock --user NAME --reset. Root is not locked."},
    plan=_faillock_plan)
