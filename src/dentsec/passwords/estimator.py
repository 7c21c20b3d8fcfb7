"""Strength estimation: zxcvbn taught French.

zxcvbn keeps its dictionaries and keyboard graphs in module-level dicts that every call
reads; the French lists and the AZERTY graph are added to them once, when this module is
imported, and never changed afterwards. zxcvbn refuses passwords longer than 72
characters: longer ones are estimated on their first 72 (and the caller says so).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from zxcvbn import matching  # type: ignore[import-untyped]
from zxcvbn import zxcvbn as _zxcvbn

from dentsec.passwords.azerty import AZERTY
from dentsec.passwords.wordlists import SOURCES, ranked

MAX_LENGTH = 72

matching.add_frequency_lists({f"fr_{kind}": ranked(kind) for kind in SOURCES})
# Spatial matching reads this dict. zxcvbn scores graphs it does not know by name with
# its keypad constants, which undercounts AZERTY walks: the cautious side.
matching.GRAPHS["azerty"] = AZERTY


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
    if not password:  # zxcvbn fails on the empty string
        return Estimate(0, 0.0, False, ())
    head = password[:MAX_LENGTH]
    result = _zxcvbn(head)
    patterns = tuple(
        Pattern(str(m["pattern"]),
                str(m.get("dictionary_name") or m.get("graph") or m.get("regex_name") or ""),
                len(m["token"]))
        for m in result["sequence"]
    )
    guesses = float(result["guesses"])
    return Estimate(int(result["score"]), round(math.log10(max(guesses, 1.0)), 2),
                    len(password) > MAX_LENGTH, patterns)
