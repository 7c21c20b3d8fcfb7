"""Every known piece of a password: listed words (with capitals, leetspeak or a separator
inside), years and dates in French formats, postcodes, keyboard walks on AZERTY and
QWERTY, alphabet and digit sequences, common symbols.

Each piece carries its guess count: how many tries an attacker spends before reaching it
with the usual cracking rules (hashcat's case toggles and leetspeak substitutions, PCFG's
word, digit and symbol segments). decompose.py picks the cheapest cover of the whole
password; repeats are found there, as they need the cost of the repeated part.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from math import comb

from dentsec.passwords.keyboards import layouts
from dentsec.passwords.wordlists import PREFIX, communes, postcodes, vocabulary, word_starts

# Leetspeak readings; the characters with a second reading ("1" is i or l) get a second pass.
LEET = str.maketrans({"4": "a", "@": "a", "8": "b", "(": "c", "3": "e", "€": "e", "6": "g",
                      "9": "g", "1": "i", "!": "i", "|": "i", "0": "o", "$": "s", "5": "s",
                      "7": "t", "+": "t", "2": "z"})
LEET_SECOND = str.maketrans({"1": "l", "!": "l", "|": "l", "7": "l"})
LEET_CHARS = frozenset("4@8(3€6910!|$57+2")
SEPARATORS = frozenset(" -_.'’,")
# The symbols people add, most used first (Richelieu and every public password study
# put "!" and "." far ahead); any other symbol costs as much as brute force.
COMMON_SYMBOLS = "!.*?@#$-_&+/%=,;:"
SEPARATOR_FACTOR = 10  # hashcat "insert at position": a few positions, a few separators
ONE_START = frozenset({0})
MIN_WALK = 3
MIN_REVERSED = 4  # shorter words read backwards are mostly chance ("el", "sel")
MIN_SEQUENCE = 3
YEAR_SPACE = 20  # years near today are tried first: at least 20 of them (zxcvbn's rule)
DAY_MONTH = 366
ASCII_DIGITS = frozenset("0123456789")
TWO_DIGITS = frozenset(f"{n:02d}" for n in range(100))

_DATE_SEP = re.compile(r"([0-9]{1,2})([./\-_ ])([0-9]{1,2})(?:\2([0-9]{4}|[0-9]{2}))?")


@dataclass(frozen=True, slots=True)
class Piece:
    i: int  # first character
    j: int  # one past the last
    kind: str  # a word list's kind, or year, date, postcode, keyboard, sequence, symbol,
    #            repeat, bruteforce
    guesses: float
    tags: tuple[str, ...] = ()  # case, leet, separator
    parts: tuple[str, ...] = ()  # a repeat: the kinds of the repeated part


def fold_chars(text: str) -> str:
    """Lower case, accents removed, one character for one (indices stay valid)."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) for c in text)


@cache
def _fold_char(c: str) -> str:
    base = [x for x in unicodedata.normalize("NFKD", c.lower()) if not unicodedata.combining(x)]
    return base[0] if base else c


def case_factor(token: str) -> float:
    upper = sum(1 for c in token if c.isupper())
    if not upper:
        return 1.0
    letters = sum(1 for c in token if c.isalpha())
    if upper == letters or (upper == 1 and token[:1].isupper()):
        return 2.0
    return float(sum(comb(letters, k) for k in range(1, min(upper, letters - upper) + 1)))


def bruteforce_cardinality(c: str) -> int:
    """The size of hashcat's mask charset the character belongs to (?d ?l ?u ?s)."""
    if c.isdecimal():
        return 10
    return 26 if c.isalpha() else 33


def _year_guesses(year: int) -> float:
    return float(max(abs(year - datetime.now(UTC).year), YEAR_SPACE))


def dictionary(password: str, folded: str) -> list[Piece]:
    """Listed words, read as typed, with leetspeak put back, or with separators inside
    removed ("Bor-deaux")."""
    vocab, reach = vocabulary()
    readings = [folded]
    if LEET_CHARS.intersection(folded):
        readings.append(folded.translate(LEET))
        second = folded.translate(LEET_SECOND).translate(LEET)
        if second != readings[1]:
            readings.append(second)
    out: list[Piece] = []
    for number, reading in enumerate(readings):
        spans = list(range(len(reading) + 1))
        _scan(password, folded, reading, spans, number > 0, vocab, reach, out)
        if SEPARATORS.intersection(reading):
            kept = [k for k, c in enumerate(reading) if c not in SEPARATORS]
            squashed = "".join(reading[k] for k in kept)
            _scan(password, folded, squashed, [*kept, len(reading)], number > 0, vocab,
                  reach, out)
    out.extend(_reversed(password, folded, vocab, reach))
    return out


def _reversed(password: str, folded: str, vocab: dict[str, tuple[int, str]],
              reach: dict[str, int]) -> list[Piece]:
    """Listed words written backwards ("lielos"): hashcat's "r" rule, one of its first."""
    backwards = folded[::-1]
    n = len(backwards)
    out = []
    for i in range(n - MIN_REVERSED + 1):
        limit = min(n, i + reach.get(backwards[i:i + PREFIX], PREFIX))
        for j in range(i + MIN_REVERSED, limit + 1):
            word = backwards[i:j]
            hit = vocab.get(word)
            if hit is None or word == word[::-1]:  # a palindrome reads the same either way
                continue
            a, b = n - j, n - i
            out.append(Piece(a, b, hit[1], hit[0] * 2.0 * case_factor(password[a:b]),
                             ("reversed",)))
    return out


def _scan(password: str, folded: str, reading: str, spans: list[int], leet: bool,
          vocab: dict[str, tuple[int, str]], reach: dict[str, int], out: list[Piece]) -> None:
    """Look up every substring of ``reading``; spans[k] is where its k-th character sits
    in the password (they differ once separators are removed)."""
    starts_of = word_starts()
    n = len(reading)
    squashed = spans[-1] != n
    for i in range(n - 1):
        # Beyond three characters, only as far as the longest word with this beginning.
        limit = min(n, i + max(reach.get(reading[i:i + PREFIX], PREFIX), 3))
        for j in range(i + 2, limit + 1):
            word = reading[i:j]
            hit = vocab.get(word)
            if hit is None:
                continue
            a, b = spans[i], spans[j - 1] + 1
            inner = (b - a) - (j - i)  # separators removed from inside the word
            plain = folded[a:b]
            if (squashed and not inner) or (leet and plain == word and not inner):
                continue  # the plain reading finds this one already
            tags: tuple[str, ...] = ()
            guesses = float(hit[0])
            starts = starts_of.get(word, ONE_START)
            capitals = {k - i for k in range(i, j) if password[spans[k]].isupper()}
            # Capitals on each word's first letter ("LaVieEnRose") are one rule, as is
            # capitalising the first letter.
            case = 2.0 if capitals and capitals <= starts else case_factor(password[a:b])
            if case > 1:
                tags += ("case",)
                guesses *= case
            if leet and not (inner == 0 and plain == word):
                swapped = sum(1 for c in plain if c in LEET_CHARS)
                if swapped:
                    tags += ("leet",)
                    guesses *= 2.0 ** swapped
            if inner:
                gaps = {k - i for k in range(i + 1, j) if spans[k] != spans[k - 1] + 1}
                used = {c for c in password[a:b] if c in SEPARATORS}
                if gaps <= starts and len(used) == 1:  # one separator between the words
                    guesses *= len(SEPARATORS)
                else:
                    tags += ("separator",)
                    guesses *= SEPARATOR_FACTOR ** inner
            out.append(Piece(a, b, hit[1], guesses, tags))
            if folded[b:b + 2] in TWO_DIGITS:  # only then read the postcodes
                codes = communes().get(word)
                if codes:
                    out.extend(_postcode_after(folded, a, b, guesses, tags, codes))


def _postcode_after(folded: str, i: int, j: int, guesses: float, tags: tuple[str, ...],
                    codes: str) -> list[Piece]:
    """A commune followed by its own postcode or department: one guess among few."""
    own = codes.split()
    out = []
    if folded[j:j + 5] in own:
        out.append(Piece(i, j + 5, "city_postcode", guesses * len(own), tags))
    departments = {c[:2] for c in own}
    if folded[j:j + 2] in departments:
        out.append(Piece(i, j + 2, "city_postcode", guesses * len(departments), tags))
    return out


def numbers(folded: str) -> list[Piece]:
    """Years (19xx, 20xx), dates day first (15081990, 15/08/90, 1508), postcodes."""
    out: list[Piece] = []
    n = len(folded)
    for i in range(n):
        if folded[i] not in ASCII_DIGITS:
            continue
        four = folded[i:i + 4]
        if len(four) == 4 and _digits(four) and four[:2] in ("19", "20"):
            out.append(Piece(i, i + 4, "year", _year_guesses(int(four))))
        five = folded[i:i + 5]
        if len(five) == 5 and _digits(five) and five in postcodes():
            out.append(Piece(i, i + 5, "postcode", float(len(postcodes()))))
        for length in (4, 6, 8):
            digits = folded[i:i + length]
            if len(digits) == length and _digits(digits):
                guesses = _plain_date(digits)
                if guesses:
                    out.append(Piece(i, i + length, "date", guesses))
        m = _DATE_SEP.match(folded, i)
        if m and _valid(int(m[1]), int(m[3])):
            year = m[4]
            guesses = DAY_MONTH * 4.0
            if year:
                guesses *= _year_guesses(_full_year(year))
            out.append(Piece(i, m.end(), "date", guesses))
            if year and len(year) == 4:  # also the date with a two-digit year prefix
                out.append(Piece(i, m.end() - 2, "date", DAY_MONTH * 4.0 * 100))
    return out


def _digits(text: str) -> bool:
    """ASCII digits only: other scripts' digits ("፩") are not what int() reads."""
    return text.isascii() and text.isdigit()


def _valid(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


def _full_year(year: str) -> int:
    value = int(year)
    if len(year) == 4:
        return value
    return 2000 + value if value <= datetime.now(UTC).year % 100 else 1900 + value


def _plain_date(digits: str) -> float:
    """Guesses for a date written without separators, 0 if it is none."""
    if len(digits) == 4:
        return DAY_MONTH if _valid(int(digits[:2]), int(digits[2:])) else 0.0
    if len(digits) == 6:
        return DAY_MONTH * 100.0 if _valid(int(digits[:2]), int(digits[2:4])) else 0.0
    if digits[4:6] in ("19", "20") and _valid(int(digits[:2]), int(digits[2:4])):
        return DAY_MONTH * _year_guesses(int(digits[4:]))
    if digits[:2] in ("19", "20") and _valid(int(digits[6:]), int(digits[4:6])):
        return DAY_MONTH * _year_guesses(int(digits[:4]))  # ISO order, less common here
    return 0.0


def keyboard(password: str) -> list[Piece]:
    """Walks along neighbouring keys, on either layout (zxcvbn's spatial estimate)."""
    out: list[Piece] = []
    n = len(password)
    for layout in layouts():
        moves = layout.moves
        for i in range(n - MIN_WALK + 1):
            turns, last, shifted = 0, -1, int(password[i] in layout.shifted)
            j = i + 1
            while j < n:
                direction = moves.get(password[j - 1], {}).get(password[j])
                if direction is None:
                    break
                if direction != last:
                    turns, last = turns + 1, direction
                shifted += password[j] in layout.shifted
                j += 1
                if j - i >= MIN_WALK:
                    out.append(Piece(i, j, "keyboard",
                                     _walk_guesses(layout.starts, layout.degree, j - i, turns,
                                                   shifted)))
    return out


def _walk_guesses(starts: int, degree: float, length: int, turns: int, shifted: int) -> float:
    guesses = 0.0
    for i in range(2, length + 1):
        for j in range(1, min(turns, i - 1) + 1):
            guesses += comb(i - 1, j - 1) * starts * degree ** j
    if shifted:
        unshifted = length - shifted
        guesses *= 2 if not unshifted else sum(
            comb(length, k) for k in range(1, min(shifted, unshifted) + 1))
    return guesses


def sequences(folded: str) -> list[Piece]:
    """abcd, 1234, 9753, zyx: a start, a step and a length (zxcvbn's estimate)."""
    out: list[Piece] = []
    n = len(folded)
    for i in range(n - MIN_SEQUENCE + 1):
        step = ord(folded[i + 1]) - ord(folded[i])
        if step not in (-2, -1, 1, 2) or not _same_class(folded[i], folded[i + 1]):
            continue
        j = i + 2
        while j < n and ord(folded[j]) - ord(folded[j - 1]) == step and _same_class(
                folded[j - 1], folded[j]):
            j += 1
        for end in range(i + MIN_SEQUENCE, j + 1):
            first = folded[i]
            base = 4 if first in "az019" else 10 if first.isdigit() else 26
            out.append(Piece(i, end, "sequence",
                             float(base * (end - i) * (1 if step > 0 else 2))))
    return out


def _same_class(a: str, b: str) -> bool:
    return (a.isdigit() and b.isdigit()) or (a.isascii() and b.isascii() and a.isalpha()
                                             and b.isalpha())


def symbols(password: str) -> list[Piece]:
    return [Piece(i, i + 1, "symbol", float(COMMON_SYMBOLS.index(c) + 1))
            for i, c in enumerate(password) if c in COMMON_SYMBOLS]


def all_pieces(password: str) -> list[Piece]:
    folded = fold_chars(password)
    return (dictionary(password, folded) + numbers(folded) + keyboard(password)
            + sequences(folded) + symbols(password))
