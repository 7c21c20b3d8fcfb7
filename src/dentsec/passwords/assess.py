"""One verdict per password: the guide's rule, the strength estimate with French
dictionaries, common-password and breach lookups, and advice in the user's language.

Nothing here keeps or returns the password or any piece of it: an Assessment holds
counts, flags and sentences only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dentsec.checks.policy import Policy
from dentsec.i18n import tr
from dentsec.passwords.estimator import MAX_LENGTH, Estimate, estimate
from dentsec.passwords.mangling import CommonHit, find_common
from dentsec.passwords.rules import PolicyResult, check_policy
from dentsec.passwords.wordlists import lookup

MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable" for an online attack (>= 10^8 guesses)
COMMON_MAX_SCORE = 1  # mangling rules try these first: never more than "very guessable"

KIND_NAMES = {
    "passwords": ("un mot de passe courant", "a common password"),
    "first_names": ("un prénom", "a first name"),
    "surnames": ("un nom de famille", "a surname"),
    "cities": ("un nom de ville ou de région", "a city or region name"),
    "clubs": ("un club de football", "a football club"),
    "words": ("un mot courant", "a common word"),
}
MANGLING_NAMES = {
    "case": ("des majuscules", "capitals"),
    "accents": ("des accents retirés", "accents dropped"),
    "leet": ("des lettres remplacées par des chiffres ou symboles (@ pour a…)",
             "letters swapped for look-alike digits or symbols (@ for a…)"),
    "digits": ("des chiffres ajoutés", "digits added"),
    "year": ("une année ajoutée", "a year added"),
    "symbol": ("un symbole ajouté", "a symbol added"),
}
CLASS_NAMES = {
    "lower": ("une minuscule", "a lower-case letter"),
    "upper": ("une majuscule", "a capital letter"),
    "digit": ("un chiffre", "a digit"),
    "symbol": ("un caractère spécial (! ? % & …)", "a special character (! ? % & …)"),
}
CNIL_NAMES = {
    "12_chars_4_classes": ("12 caractères et plus avec les 4 types",
                           "12+ characters with all 4 kinds"),
    "14_chars_upper_lower_digit": ("14 caractères et plus avec majuscules, minuscules et "
                                   "chiffres", "14+ characters with capitals, lower case "
                                   "and digits"),
    "passphrase_7_words": ("phrase de passe de 7 mots ou plus", "passphrase of 7+ words"),
}


def _t(pair: tuple[str, str]) -> str:
    return tr(*pair)


@dataclass(frozen=True)
class Assessment:
    policy: PolicyResult
    estimate: Estimate
    common: CommonHit | None
    breached: bool | None
    breach_count: int | None
    breach_source: str | None  # "list" (shipped breach list) | "hibp" | None
    score: int
    acceptable: bool
    feedback: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "policy_ok": self.policy.ok,
            "policy_failures": list(self.policy.failures),
            "missing_classes": list(self.policy.missing_classes),
            "length": self.policy.length,
            "cnil_ok": bool(self.policy.cnil_cases),
            "cnil_cases": list(self.policy.cnil_cases),
            "score": self.score,
            "guesses_log10": self.estimate.guesses_log10,
            "estimated_on_first": MAX_LENGTH if self.estimate.truncated else None,
            "common": self.common is not None,
            "common_kinds": list(self.common.kinds) if self.common else [],
            "mangling": list(self.common.mangling) if self.common else [],
            "breached": self.breached,
            "breach_count": self.breach_count,
            "breach_source": self.breach_source,
            "acceptable": self.acceptable,
            "feedback": list(self.feedback),
        }


def assess(password: str, policy: Policy, breach_count: int | None = None) -> Assessment:
    """``breach_count`` comes from the online check when it ran (None otherwise)."""
    rule = check_policy(password, policy)
    est = estimate(password)
    common = find_common(password)
    breached: bool | None
    source: str | None
    if breach_count:
        breached, source = True, "hibp"
    elif password in lookup("passwords"):
        breached, source = True, "list"  # the shipped list is made of breached passwords
    elif breach_count == 0:
        breached, source = False, "hibp"
    else:
        breached, source = None, None  # absence from 20,000 entries proves nothing
    score = min(est.score, COMMON_MAX_SCORE) if common else est.score
    acceptable = rule.ok and common is None and breached is not True and score >= MIN_SCORE
    return Assessment(rule, est, common, breached, breach_count, source, score, acceptable,
                      tuple(_feedback(policy, rule, est, common, breached, breach_count,
                                      score, acceptable)))


def _feedback(policy: Policy, rule: PolicyResult, est: Estimate, common: CommonHit | None,
              breached: bool | None, breach_count: int | None, score: int,
              acceptable: bool) -> list[str]:
    out: list[str] = []
    if breached:
        times = f" ({breach_count} fois)" if breach_count else ""
        times_en = f" ({breach_count} times)" if breach_count else ""
        out.append(tr(f"Ce mot de passe figure dans des fuites de données connues{times} : "
                      "ne l'utilisez plus nulle part.",
                      f"This password appears in known data breaches{times_en}: stop using "
                      "it everywhere."))
    if common:
        what = " / ".join(_t(KIND_NAMES[k]) for k in common.kinds if k != "words"
                          ) or _t(KIND_NAMES["words"])
        how = ", ".join(_t(MANGLING_NAMES[m]) for m in common.mangling if m in MANGLING_NAMES)
        out.append(tr(f"Il se ramène à {what}"
                      + (f", à peine déguisé ({how})" if how else "")
                      + " : les pirates essaient ces variantes en premier.",
                      f"It comes down to {what}"
                      + (f", barely disguised ({how})" if how else "")
                      + ": attackers try such variants first."))
    if "min_length" in rule.failures:
        out.append(tr(f"Trop court : {rule.length} caractères, il en faut au moins "
                      f"{policy.password_min_length}.",
                      f"Too short: {rule.length} characters, at least "
                      f"{policy.password_min_length} are needed."))
    if "min_classes" in rule.failures:
        missing = ", ".join(_t(CLASS_NAMES[c]) for c in rule.missing_classes)
        out.append(tr(f"Il manque {missing} (la règle demande {policy.password_min_classes} "
                      "types de caractères sur 4).",
                      f"Missing: {missing} (the rule asks for {policy.password_min_classes} "
                      "kinds of characters out of 4)."))
    if not rule.ok and rule.cnil_cases:
        cases = "; ".join(_t(CNIL_NAMES[c]) for c in rule.cnil_cases)
        out.append(tr(f"Il correspond toutefois à un cas admis par la CNIL ({cases}), mais "
                      "pas à la règle du guide suivie par le cabinet.",
                      f"It does meet a case accepted by the CNIL ({cases}), but not the "
                      "guide's rule the practice follows."))
    if score < MIN_SCORE and not common:
        out.extend(_pattern_advice(est))
    if est.truncated:
        out.append(tr(f"La force a été estimée sur les {MAX_LENGTH} premiers caractères "
                      "seulement (limite de l'estimateur).",
                      f"Strength was estimated on the first {MAX_LENGTH} characters only "
                      "(the estimator's limit)."))
    if acceptable:
        out.append(tr("Mot de passe acceptable. Réservez-le à un seul service et rangez-le "
                      "dans le coffre-fort de mots de passe (KeePass).",
                      "Acceptable password. Use it for one service only and keep it in the "
                      "password vault (KeePass)."))
    elif not out:
        out.append(tr("Trop facile à deviner : allongez-le, par exemple avec la méthode des "
                      "premières lettres d'une phrase (dentsec password generate --method "
                      "sentence).",
                      "Too easy to guess: make it longer, for instance with the first "
                      "letters of a sentence (dentsec password generate --method sentence)."))
    return out


def _pattern_advice(est: Estimate) -> list[str]:
    """Say what made it guessable, from the longest piece zxcvbn recognised."""
    known = [p for p in est.patterns if p.kind != "bruteforce"]
    advice = [tr("Il est trop facile à deviner (estimation : environ 10^"
                 f"{est.guesses_log10:.0f} essais).",
                 f"It is too easy to guess (estimate: about 10^{est.guesses_log10:.0f} "
                 "guesses).")]
    if not known:
        advice.append(tr("Allongez-le : la longueur compte plus que la complexité.",
                         "Make it longer: length matters more than complexity."))
        return advice
    main = max(known, key=lambda p: p.length)
    if main.kind == "spatial":
        advice.append(tr("Il contient une suite de touches voisines du clavier (azerty…).",
                         "It contains a walk along neighbouring keys (azerty…)."))
    elif main.kind in ("repeat", "sequence"):
        advice.append(tr("Il contient une répétition ou une suite (aaa, 1234, abcd).",
                         "It contains a repetition or a sequence (aaa, 1234, abcd)."))
    elif main.kind in ("date", "regex"):
        advice.append(tr("Il contient une date ou une année : évitez les dates "
                         "personnelles.", "It contains a date or a year: avoid personal "
                         "dates."))
    else:
        kind = main.detail.removeprefix("fr_")
        what = _t(KIND_NAMES[kind]) if kind in KIND_NAMES else tr("un mot du dictionnaire",
                                                                  "a dictionary word")
        advice.append(tr(f"Il contient {what} : ajoutez d'autres mots peu courants.",
                         f"It contains {what}: add more uncommon words."))
    return advice
