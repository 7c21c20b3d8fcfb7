"""The guide's password rule (length and character classes, from the shared policy) and
the equivalent cases of the CNIL's 2022 recommendation (délibération n° 2022-100)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dentsec.checks.policy import Policy

CLASSES = ("lower", "upper", "digit", "symbol")
# CNIL 2022, password used alone: about 80 bits of entropy, given three examples.
CNIL_CASES = {
    "12_chars_4_classes": (12, {"lower", "upper", "digit", "symbol"}),
    "14_chars_upper_lower_digit": (14, {"lower", "upper", "digit"}),
}
CNIL_PASSPHRASE_WORDS = 7
_WORD = re.compile(r"[^\W\d_]{2,}")  # a run of at least two letters
_CAMEL = re.compile(r"(?<=[^\W\d_])(?=[A-ZÀ-Ý])")  # "ChevalBleu" -> "Cheval", "Bleu"


def char_class(c: str) -> str:
    if c.isalpha():
        return "upper" if c.isupper() else "lower" if c.islower() else "symbol"
    return "digit" if c.isdecimal() else "symbol"


def classes_of(password: str) -> set[str]:
    return {char_class(c) for c in password}


def passphrase_words(password: str) -> int:
    return len(_WORD.findall(_CAMEL.sub(" ", password)))


@dataclass(frozen=True)
class PolicyResult:
    ok: bool
    failures: tuple[str, ...]  # "min_length", "min_classes"
    length: int
    missing_classes: tuple[str, ...]  # in CLASSES order, when min_classes fails
    cnil_cases: tuple[str, ...]  # CNIL_CASES names met, and "passphrase_7_words"


def check_policy(password: str, policy: Policy) -> PolicyResult:
    present = classes_of(password)
    length = len(password)
    failures = []
    if length < policy.password_min_length:
        failures.append("min_length")
    missing: tuple[str, ...] = ()
    if len(present) < policy.password_min_classes:
        failures.append("min_classes")
        missing = tuple(c for c in CLASSES if c not in present)
    cnil = [name for name, (min_len, needed) in CNIL_CASES.items()
            if length >= min_len and needed <= present]
    if passphrase_words(password) >= CNIL_PASSPHRASE_WORDS:
        cnil.append("passphrase_7_words")
    return PolicyResult(not failures, tuple(failures), length, missing, tuple(cnil))
