"""Undo the usual ways people dress up a common word: capitals, leetspeak, digits, a year
or a symbol before or after ("Marseille2024!" is the city Marseille, a year, a symbol).

Attackers' cracking rules apply exactly these changes to word lists first, so a password
that comes back to a listed word once undone is as weak as the word.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from dentsec.passwords.wordlists import SOURCES, fold, lookup

# Every reading of each substituted character; ambiguous ones give several candidates.
LEET: dict[str, tuple[str, ...]] = {
    "4": ("a",), "@": ("a",), "8": ("b",), "(": ("c",), "3": ("e",), "€": ("e",),
    "6": ("g",), "9": ("g",), "1": ("i", "l"), "!": ("i", "l"), "|": ("i", "l"),
    "0": ("o",), "$": ("s",), "5": ("s",), "7": ("t", "l"), "+": ("t",), "2": ("z",),
}
MAX_AMBIGUOUS = 4  # 2**4 readings at most; beyond, the first reading of each
LEET_EDGE = 2  # digits/symbols next to the word that may be letters in disguise
MIN_BASE = 3  # shorter bases ("de", "la") are not a finding by themselves

_AFFIX = re.compile(r"^(?P<pre>[\W\d_]*)(?P<core>.*?)(?P<post>[\W\d_]*)$", re.DOTALL)
_YEAR = re.compile(r"(19|20)\d\d")
_INNER_SEPARATORS = re.compile(r"[\s\-'’._]+")


@dataclass(frozen=True)
class CommonHit:
    kinds: tuple[str, ...]  # which lists: passwords, first_names, cities, ...
    mangling: tuple[str, ...]  # what was undone: case, leet, digits, year, symbol, accents


def _affix_tags(affix: str) -> list[str]:
    tags = []
    if _YEAR.search(affix):
        tags.append("year")
    elif any(c.isdigit() for c in affix):
        tags.append("digits")
    if any(not c.isalnum() for c in affix):
        tags.append("symbol")
    return tags


def unleet(text: str) -> list[str]:
    """All readings of ``text`` with substituted characters put back (first is the most
    likely one)."""
    slots = [LEET.get(c, (c,)) for c in text]
    ambiguous = sum(1 for s in slots if len(s) > 1)
    if ambiguous > MAX_AMBIGUOUS:
        slots = [s[:1] for s in slots]
    return ["".join(p) for p in itertools.product(*slots)]


def _cuts(affix: str, at_start: bool) -> list[int]:
    """Where a run of digits and symbols may end: all of it, none of it, or short of its
    last few characters, which can be leetspeak letters ("2024@ix" is "2024" + "aix")."""
    n = len(affix)
    return sorted({n, 0, *range(max(0, n - LEET_EDGE), n)}, reverse=at_start)


def candidates(password: str) -> list[tuple[str, tuple[str, ...]]]:
    """(base, what was undone) pairs, most direct first."""
    lower = password.lower()
    base_tags = ["case"] if lower != password else []
    folded = fold(lower)
    if folded != lower:
        base_tags.append("accents")
    out: dict[str, tuple[str, ...]] = {folded: tuple(base_tags)}

    def add(base: str, tags: list[str]) -> None:
        if base and base not in out:
            out[base] = tuple(dict.fromkeys(base_tags + tags))

    parts = _AFFIX.fullmatch(folded)
    assert parts is not None  # the pattern matches any string
    pre, post = parts["pre"], parts["post"]
    for i in _cuts(pre, True):
        for j in _cuts(post, False):
            middle = folded[i:len(folded) - j]
            tags = _affix_tags(pre[:i]) + _affix_tags(post[len(post) - j:] if j else "")
            add(middle, tags)
            add(_INNER_SEPARATORS.sub("", middle), tags)  # "saint-etienne" as listed
            for reading in unleet(middle):
                add(reading, tags + ["leet"])
    return list(out.items())


def find_common(password: str) -> CommonHit | None:
    """The lists the password comes from, once its mangling is undone; None if none.
    Of all readings, the one found in the most lists explains it best."""
    best: CommonHit | None = None
    for base, tags in candidates(password):
        if not base:
            continue
        kinds = tuple(
            kind for kind in SOURCES
            if base in lookup(kind) and (kind == "passwords" or len(base) >= MIN_BASE)
        )
        if kinds and (best is None or len(kinds) > len(best.kinds)):
            best = CommonHit(kinds, tags)
    return best
