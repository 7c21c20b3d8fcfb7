"""Random passwords and passphrases, drawn with ``secrets`` and built to pass the policy."""

from __future__ import annotations

import math
import secrets
import string
from dataclasses import dataclass

from dentsec.checks.policy import Policy
from dentsec.i18n import tr
from dentsec.passwords.rules import classes_of
from dentsec.passwords.wordlists import passphrase_words

RANDOM_MIN_LENGTH = 16
# Symbols found on every AZERTY and QWERTY keyboard without AltGr.
SYMBOLS = "!#$%&*+-=?@_:;,.()"
SEPARATORS = "-_.!+=*#"
PASSPHRASE_MIN_BITS = 60.0  # 5 words of the 4096-word list, with the extras


@dataclass(frozen=True)
class Generated:
    password: str
    entropy_bits: float  # from the way it was drawn, not estimated afterwards
    why: str  # how the bits add up, in the user's language


def _fr(bits: float) -> str:
    return f"{bits:.1f}".replace(".", ",")  # the French decimal comma


def random_password(policy: Policy, length: int | None = None) -> Generated:
    length = max(length or 0, RANDOM_MIN_LENGTH, policy.password_min_length)
    alphabet = string.ascii_letters + string.digits + SYMBOLS
    while True:  # redraw until every class is there (rarely more than once at 16+)
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if len(classes_of(password)) >= max(policy.password_min_classes, 4):
            each = math.log2(len(alphabet))
            return Generated(password, length * each, tr(
                f"{length} caractères tirés au hasard parmi {len(alphabet)} ({_fr(each)} bits "
                "chacun).",
                f"{length} characters drawn at random among {len(alphabet)} ({each:.1f} bits "
                "each)."))


def passphrase(policy: Policy, words: int | None = None) -> Generated:
    """Capitalised French words joined by one random separator, one random digit put at
    the end of a random word: four kinds of characters, long enough for the policy."""
    vocabulary = passphrase_words()
    separator = secrets.choice(SEPARATORS)
    digit = secrets.choice(string.digits)
    bits_per_word = math.log2(len(vocabulary))
    extra_bits = math.log2(len(SEPARATORS)) + math.log2(10)
    # Two words at least, so that the separator (a symbol) is there.
    count = max(2, words or math.ceil((PASSPHRASE_MIN_BITS - extra_bits) / bits_per_word))
    chosen = [secrets.choice(vocabulary).capitalize() for _ in range(count)]
    while len(separator.join(chosen)) + 1 < policy.password_min_length:
        chosen.append(secrets.choice(vocabulary).capitalize())
    where = secrets.randbelow(len(chosen))
    chosen[where] += digit
    place_bits = math.log2(len(chosen))
    bits = len(chosen) * bits_per_word + extra_bits + place_bits
    return Generated(separator.join(chosen), bits, tr(
        f"{len(chosen)} mots tirés au hasard parmi {len(vocabulary)} ({bits_per_word:.0f} bits "
        f"chacun), un séparateur parmi {len(SEPARATORS)} ({math.log2(len(SEPARATORS)):.0f} "
        f"bits), un chiffre ({_fr(math.log2(10))} bits) placé après l'un des mots "
        f"({_fr(place_bits)} bits).",
        f"{len(chosen)} words drawn at random among {len(vocabulary)} ({bits_per_word:.0f} "
        f"bits each), one separator among {len(SEPARATORS)} "
        f"({math.log2(len(SEPARATORS)):.0f} bits), one digit ({math.log2(10):.1f} bits) after "
        f"one of the words ({place_bits:.1f} bits)."))
