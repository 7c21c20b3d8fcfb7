"""A helper for the phonetic method: write what you hear, with letters and digits whose
French names sound like the syllables ("j'ai" -> G, "acheté" -> HT, "cent" -> %).

Each word is cut into the longest sounds the table knows; a word that cannot be cut
entirely keeps its first letter (the first-letters method), as the guide's own example
mixes both. Silent endings (-s, -t, -e, -x, -d) are dropped.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from dentsec.i18n import tr
from dentsec.passwords.wordlists import fold

# Whole words first (accent-free, lower case).
WORDS: dict[str, str] = {
    "j'ai": "G", "jai": "G", "geai": "G", "cd": "CD", "un": "1", "une": "1", "deux": "2",
    "de": "2", "trois": "3", "quatre": "4", "cinq": "5", "six": "6", "sept": "7",
    "cet": "7", "cette": "7", "huit": "8", "neuf": "9", "dix": "10", "cent": "%",
    "sans": "%", "sang": "%", "mille": "1000", "et": "&", "euro": "€", "euros": "€",
    "a": "@", "elle": "L", "aime": "M", "haine": "N", "air": "R", "eau": "O", "haut": "O",
    "ok": "OK", "the": "T", "t'es": "T", "tes": "T", "ces": "C", "ses": "C",
    "c'est": "C", "sait": "C", "des": "D", "paix": "P", "cas": "K", "ici": "IC",
}
# Syllables (accent-free spelling, as typed) -> what to write; the longest match wins.
SOUNDS: dict[str, str] = {
    "ache": "H", "hache": "H", "ach": "H", "te": "T", "tai": "T", "the": "T", "tez": "T",
    "ter": "T", "ce": "C", "se": "C", "sez": "C", "ser": "C", "de": "D", "dez": "D",
    "der": "D", "pe": "P", "pai": "P", "per": "P", "be": "B", "bai": "B", "ver": "V",
    "ve": "V", "ge": "G", "gez": "G", "ger": "G", "j'ai": "G", "elle": "L", "el": "L",
    "aile": "L", "aime": "M", "em": "M", "haine": "N", "enne": "N", "aine": "N", "air": "R",
    "aire": "R", "erre": "R", "ere": "R", "esse": "S", "es": "S", "eau": "O", "au": "O",
    "o": "O", "ka": "K", "ca": "K", "cas": "K", "i": "I", "hi": "I", "y": "I", "a": "A",
    "ha": "A", "eu": "E", "u": "U", "hu": "U", "effe": "F", "ef": "F", "ixe": "X",
    "ix": "X", "un": "1", "hein": "1", "deu": "2", "troi": "3", "quatre": "4", "cat": "4",
    "cinq": "5", "sis": "6", "set": "7", "sept": "7", "huit": "8", "neuf": "9", "dis": "10",
    "di": "10", "cent": "%", "san": "%", "sen": "%", "mil": "1000",
}
SILENT_ENDINGS = ("s", "t", "e", "x", "d", "es", "ent")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d+|\S")


@dataclass(frozen=True)
class Step:
    source: str
    written: str
    why: str


@functools.cache
def _cut(word: str) -> tuple[str, ...] | None:
    """The fewest known sounds that spell ``word`` exactly, or None."""
    if not word:
        return ()
    best: tuple[str, ...] | None = None
    for size in range(min(6, len(word)), 0, -1):
        head = word[:size]
        if head in SOUNDS:
            rest = _cut(word[size:])
            if rest is not None and (best is None or len(rest) + 1 < len(best)):
                best = (head, *rest)
    return best


def derive(phrase: str) -> list[Step]:
    steps: list[Step] = []
    for m in _WORD.finditer(phrase):
        text = m.group(0)
        key = fold(text).replace("’", "'")
        if key in WORDS:
            steps.append(Step(text, WORDS[key], tr(f"se prononce comme « {WORDS[key]} »",
                                                   f"sounds like \"{WORDS[key]}\"")))
            continue
        if not key[0].isalpha():
            steps.append(Step(text, text, tr("gardé tel quel", "kept as is")))
            continue
        cut = _cut(key.replace("'", ""))
        for ending in SILENT_ENDINGS:
            if cut is not None:
                break
            if key.endswith(ending):
                cut = _cut(key.replace("'", "")[: -len(ending)])
        if cut:
            written = "".join(SOUNDS[s] for s in cut)
            steps.append(Step(text, written, tr("sons : ", "sounds: ")
                              + " + ".join(f"{s}→{SOUNDS[s]}" for s in cut)))
        else:
            steps.append(Step(text, text[0], tr("pas de son-lettre : première lettre",
                                                "no letter sound: first letter")))
    return steps


def password_of(steps: list[Step]) -> str:
    return "".join(s.written for s in steps)
