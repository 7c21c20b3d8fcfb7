"""One verdict per password: the guide's rule, the guess count of its cheapest cover by
known pieces (decompose.py) against an offline bar, the breach lookups, and advice in the
user's language.

Nothing here keeps or returns the password or any piece of it: an Assessment holds
counts, kinds of pieces and sentences only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from dentsec.checks.policy import Policy
from dentsec.i18n import tr
from dentsec.passwords.decompose import BRUTEFORCE, MAX_LENGTH, Cover, decompose
from dentsec.passwords.matchers import Piece
from dentsec.passwords.rules import PolicyResult, check_policy
from dentsec.passwords.wordlists import lookup

# Score 0..4 by guesses, zxcvbn's steps; 4 = beyond the default offline bar.
SCORE_STEPS = (3.0, 6.0, 8.0, 10.0)
LISTED = frozenset({"passwords", "famous", "dental", "brands", "calendar", "first_names",
                    "surnames", "cities", "city_postcode", "clubs", "words"})

PIECE_NAMES: dict[str, tuple[str, str]] = {
    "passwords": ("mot de passe courant", "common password"),
    "famous": ("phrase, chanson ou titre connus", "famous sentence, song or title"),
    "dental": ("mot du métier (dentaire, médical)", "word of the trade (dental, medical)"),
    "brands": ("logiciel ou marque", "software or brand"),
    "calendar": ("jour, mois ou saison", "day, month or season"),
    "first_names": ("prénom", "first name"),
    "surnames": ("nom de famille", "surname"),
    "cities": ("ville", "town"),
    "city_postcode": ("ville et son code postal", "town and its postcode"),
    "clubs": ("club de football", "football club"),
    "words": ("mot courant", "common word"),
    "year": ("année", "year"),
    "date": ("date", "date"),
    "postcode": ("code postal", "postcode"),
    "keyboard": ("touches voisines du clavier", "neighbouring keys"),
    "sequence": ("suite (abc, 123)", "sequence (abc, 123)"),
    "symbol": ("symbole", "symbol"),
}
TAG_NAMES = {
    "case": ("des majuscules", "capitals"),
    "leet": ("des lettres remplacées par des chiffres ou symboles (@ pour a…)",
             "letters swapped for look-alike digits or symbols (@ for a…)"),
    "separator": ("un séparateur glissé dans un mot", "a separator inside a word"),
    "reversed": ("un mot écrit à l'envers", "a word written backwards"),
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


def piece_name(piece: Piece) -> str:
    """What a piece is, never what it says: "prénom", "3 caractères quelconques"."""
    if piece.kind == BRUTEFORCE:
        size = piece.j - piece.i
        return tr(f"{size} caractère{'s' if size > 1 else ''} quelconque{'s' if size > 1 else ''}",
                  f"{size} arbitrary character{'s' if size > 1 else ''}")
    if piece.kind == "repeat":
        inner = " + ".join(_t(PIECE_NAMES[k]) if k in PIECE_NAMES else tr("caractères",
                                                                          "characters")
                           for k in dict.fromkeys(piece.parts))
        return tr(f"répétition ({inner})", f"repetition ({inner})")
    return _t(PIECE_NAMES[piece.kind])


def bits_explained(cover: Cover) -> tuple[float, str]:
    """The strength in bits (log2 of the guesses) and where they come from, by piece."""
    bits = math.log2(cover.guesses)
    parts = " + ".join(f"{piece_name(p)} ({_bits(p.guesses)})" for p in cover.pieces)
    joins = len(cover.pieces) - 1
    return bits, tr(
        f"environ {bits:.0f} bits, les essais d'un pirate qui connaît ces méthodes : "
        f"{parts}" + (f", plus {joins} bit{'s' if joins > 1 else ''} pour l'ordre des "
                      "morceaux" if joins else "") + ".",
        f"about {bits:.0f} bits, the guesses of an attacker who knows these methods: "
        f"{parts}" + (f", plus {joins} bit{'s' if joins > 1 else ''} for the order of the "
                      "pieces" if joins else "") + ".")


def _bits(guesses: float) -> str:
    bits = math.log2(max(guesses, 1.0))
    return f"{bits:.0f} bits" if bits >= 1.5 else tr("1 bit ou moins", "1 bit or less")


def score_of(guesses_log10: float) -> int:
    return sum(1 for step in SCORE_STEPS if guesses_log10 >= step)


@dataclass(frozen=True)
class Assessment:
    policy: PolicyResult
    cover: Cover
    guesses_log10: float
    min_guesses_log10: float
    truncated: bool
    breached: bool | None
    breach_count: int | None
    breach_source: str | None  # "list" (shipped breach list) | "hibp" | None
    score: int
    acceptable: bool
    feedback: tuple[str, ...]

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(p.kind for p in self.cover.pieces)

    @property
    def common(self) -> bool:
        """Guessable, and built on listed words."""
        return self.guesses_log10 < self.min_guesses_log10 and bool(
            LISTED.intersection(self.kinds))

    def to_json(self) -> dict[str, Any]:
        return {
            "policy_ok": self.policy.ok,
            "policy_failures": list(self.policy.failures),
            "missing_classes": list(self.policy.missing_classes),
            "length": self.policy.length,
            "cnil_ok": bool(self.policy.cnil_cases),
            "cnil_cases": list(self.policy.cnil_cases),
            "score": self.score,
            "guesses_log10": self.guesses_log10,
            "min_guesses_log10": self.min_guesses_log10,
            "estimated_on_first": MAX_LENGTH if self.truncated else None,
            "pieces": list(self.kinds),
            "disguises": sorted({t for p in self.cover.pieces for t in p.tags}),
            "common": self.common,
            "common_kinds": sorted(LISTED.intersection(self.kinds)) if self.common else [],
            "breached": self.breached,
            "breach_count": self.breach_count,
            "breach_source": self.breach_source,
            "acceptable": self.acceptable,
            "feedback": list(self.feedback),
        }


def assess(password: str, policy: Policy, breach_count: int | None = None) -> Assessment:
    """``breach_count`` comes from the online check when it ran (None otherwise)."""
    rule = check_policy(password, policy)
    cover = decompose(password) if password else Cover(1.0, ())
    log10 = round(math.log10(cover.guesses), 2)
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
    bar = policy.password_min_guesses_log10
    strong = log10 >= bar
    acceptable = rule.ok and breached is not True and strong
    score = score_of(log10) if breached is not True else 0
    truncated = len(password) > MAX_LENGTH
    feedback = _feedback(policy, rule, cover, log10, breached, breach_count, truncated,
                         acceptable)
    return Assessment(rule, cover, log10, bar, truncated, breached, breach_count, source,
                      score, acceptable, tuple(feedback))


def _feedback(policy: Policy, rule: PolicyResult, cover: Cover, log10: float,
              breached: bool | None, breach_count: int | None, truncated: bool,
              acceptable: bool) -> list[str]:
    out: list[str] = []
    bar = policy.password_min_guesses_log10
    if breached:
        times = f" ({breach_count} fois)" if breach_count else ""
        times_en = f" ({breach_count} times)" if breach_count else ""
        out.append(tr(f"Ce mot de passe figure dans des fuites de données connues{times} : "
                      "ne l'utilisez plus nulle part.",
                      f"This password appears in known data breaches{times_en}: stop using "
                      "it everywhere."))
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
    if log10 < bar and cover.pieces:
        out.extend(_pieces_advice(cover, log10, bar))
    if truncated:
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


def _pieces_advice(cover: Cover, log10: float, bar: float) -> list[str]:
    """Why it is guessable, by the kinds of its pieces (never their text)."""
    names = " + ".join(piece_name(p) for p in cover.pieces)
    known = [p for p in cover.pieces if p.kind != BRUTEFORCE]
    about = tr(f"environ 10^{log10:.0f} essais", f"about 10^{log10:.0f} guesses") \
        if log10 >= 1 else tr("moins de 10 essais", "fewer than 10 guesses")
    advice = [tr(f"Il se décompose en : {names}. Avec le fichier des mots de passe volé, "
                 f"un pirate le trouve en {about} ; il en faut au moins 10^{bar:g} pour "
                 "résister à une attaque hors ligne.",
                 f"It breaks down into: {names}. With a stolen password file, an attacker "
                 f"finds it in {about}; at least 10^{bar:g} are needed to resist an offline "
                 "attack.")]
    tags = list(dict.fromkeys(t for p in known for t in p.tags))
    if tags:
        how = ", ".join(_t(TAG_NAMES[t]) for t in tags)
        advice.append(tr(f"Le déguisement ({how}) ne trompe pas : les pirates essaient ces "
                         "variantes en premier.",
                         f"The disguise ({how}) fools no one: attackers try such variants "
                         "first."))
    if known:
        advice.append(tr("Préférez les premières lettres d'une phrase personnelle, ou "
                         "plusieurs mots tirés au hasard (dentsec password generate).",
                         "Prefer the first letters of a personal sentence, or several words "
                         "drawn at random (dentsec password generate)."))
    else:
        advice.append(tr("Allongez-le : la longueur compte plus que la complexité.",
                         "Make it longer: length matters more than complexity."))
    return advice
