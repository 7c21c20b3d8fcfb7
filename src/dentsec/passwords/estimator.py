"""Strength estimation: zxcvbn taught French.

zxcvbn keeps its dictionaries and keyboard graphs in module-level dicts that every call
reads; the French lists and the AZERTY graph are added to them once, when this module is
imported, and never changed afterwards. zxcvbn refuses passwords longer than 72
characters: longer ones are estimated on their first 72 (and the caller says so).

zxcvbn's dictionary matcher tries every substring against every dictionary, again for
each leetspeak reading: with twelve dictionaries that is most of the time spent. It is
replaced (once, here) by one giving the same matches that tests each substring against
the union of all words first; and the search for the cheapest sequence runs in floats
(sequence.py). Tests compare both with zxcvbn's own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from zxcvbn import matching  # type: ignore[import-untyped]
from zxcvbn.time_estimates import guesses_to_score  # type: ignore[import-untyped]

from dentsec.passwords.azerty import AZERTY
from dentsec.passwords.sequence import BRUTEFORCE, cheapest_sequence
from dentsec.passwords.wordlists import SOURCES, ranked

MAX_LENGTH = 72
MIN_WORD = 3

# One- and two-letter entries ("a", "de") only multiply matches (and time) without
# changing estimates: zxcvbn counts any short piece as cheap already.
matching.add_frequency_lists({f"fr_{kind}": [w for w in ranked(kind) if len(w) >= MIN_WORD]
                              for kind in SOURCES})
# Spatial matching reads this dict. zxcvbn scores graphs it does not know by name with
# its keypad constants, which undercounts AZERTY walks: the cautious side.
matching.GRAPHS["azerty"] = AZERTY

_zxcvbn_dictionary_match = matching.dictionary_match


class _Vocabulary:
    """Every word of a set of dictionaries, to test a substring once rather than once per
    dictionary; rebuilt when the dictionaries change."""

    def __init__(self) -> None:
        self.key: tuple[int, ...] = ()
        self.words: set[str] = set()
        self.longest = 0

    def of(self, dictionaries: dict[str, dict[str, int]]) -> _Vocabulary:
        key = tuple(id(d) for d in dictionaries.values() if d)
        if key != self.key:
            self.words = set().union(*dictionaries.values())
            self.longest = max(map(len, self.words), default=0)
            self.key = key
        return self


_vocabulary = _Vocabulary()


def _dictionary_match(password: str, _ranked_dictionaries: dict[str, dict[str, int]] = (
        matching.RANKED_DICTIONARIES)) -> list[dict[str, object]]:
    """zxcvbn's dictionary_match, same matches in the same order."""
    vocabulary = _vocabulary.of(_ranked_dictionaries)
    matches: list[dict[str, object]] = []
    lower = password.lower()
    length = len(password)
    for i in range(length):
        for j in range(i, min(length, i + vocabulary.longest)):
            word = lower[i:j + 1]
            if word not in vocabulary.words:
                continue
            for name, ranks in _ranked_dictionaries.items():
                rank = ranks.get(word)
                if rank is not None:
                    matches.append({"pattern": "dictionary", "i": i, "j": j,
                                    "token": password[i:j + 1], "matched_word": word,
                                    "rank": rank, "dictionary_name": name,
                                    "reversed": False, "l33t": False})
    return matches  # (i, j) order, then dictionary order, as zxcvbn's sort gives


matching.dictionary_match = _dictionary_match


@dataclass(frozen=True)
class Pattern:
    """One piece of the cheapest way zxcvbn found to guess the password (no text of it)."""

    kind: str  # dictionary | spatial | repeat | sequence | regex | date | bruteforce
    detail: str  # dictionary name, keyboard graph, regex name, or ""
    length: int


@dataclass(frozen=True)
class Estimate:
    score: int
    guesses_log10: float
    truncated: bool
    patterns: tuple[Pattern, ...]


def estimate(password: str) -> Estimate:
    """zxcvbn's matchers and scoring (see sequence.py), on the first 72 characters."""
    if not password:
        return Estimate(0, 0.0, False, ())
    head = password[:MAX_LENGTH]
    guesses, pieces = cheapest_sequence(head, matching.omnimatch(head))
    patterns = tuple(
        Pattern("bruteforce", "", j - i + 1) if m is BRUTEFORCE else
        Pattern(str(m["pattern"]),
                str(m.get("dictionary_name") or m.get("graph") or m.get("regex_name") or ""),
                j - i + 1)
        for i, j, m in pieces
    )
    return Estimate(int(guesses_to_score(guesses)), round(math.log10(max(guesses, 1.0)), 2),
                    len(password) > MAX_LENGTH, patterns)
