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
MAX_AMBIGUOUS = 6  # 2**6 readings at most; beyond, the first reading of each
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

    stripped = _AFFIX.fullmatch(folded)
    assert stripped is not None  # the pattern matches any string
    core = stripped["core"]
    affix_tags = _affix_tags(stripped["pre"]) + _affix_tags(stripped["post"])
    add(core, affix_tags)
    add(_INNER_SEPARATORS.sub("", core), affix_tags)  # "saint-etienne" as listed
    for reading in unleet(core)[1:] if core == folded else unleet(core):
        add(reading, affix_tags + ["leet"])
    # Leet characters at the ends were taken for affixes above; read them as letters too.
    for reading in unleet(folded):
        add(reading, ["leet"])
        inner = _AFFIX.fullmatch(reading)
        assert inner is not None
        add(inner["core"], ["leet"] + _affix_tags(inner["pre"]) + _affix_tags(inner["post"]))
    return list(out.items())


def find_common(password: str) -> CommonHit | None:
    """The lists the password comes from, once its mangling is undone; None if none."""
    for base, tags in candidates(password):
        if not base:
            continue
        kinds = tuple(
            kind for kind in SOURCES
            if base in lookup(kind) and (kind == "passwords" or len(base) >= MIN_BASE)
        )
        if kinds:
            return CommonHit(kinds, tags)
    return None
