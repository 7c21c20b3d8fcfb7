"""A helper for the phonetic method: write what you hear, with letters and digits whose
French names sound like the syllables ("j'ai" -> G, "acheté" -> HT, "cent" -> %).

Each word is cut into sounds the table knows and what is left between them; a left-over
run is written as its first letter (the first-letters method), as the guide's own example
mixes both. The cut never splits a French digraph ("oi", "ou", "an", "eau", "ch"…): "croissant"
is "croi" + "ssant" (% for "cent"), never "cr" + "o" + "i". Silent endings (-s, -x, -e, -t
and -d after a vowel or n, -ent) are dropped first.
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
    "ho": "O", "ai": "E", "ku": "Q", "cu": "Q", "qu": "Q", "ji": "J", "gi": "J",
    "zed": "Z", "ze": "Z", "ke": "Q", "cai": "K", "kat": "4", "sin": "5",
    "vin": "20", "tre": "3", "troa": "3", "sai": "C", "dai": "D",
    "vai": "V", "jai": "G", "gai": "G", "elles": "L", "err": "R",
}
VOWELS = frozenset("aeiouy")
# Spellings of one sound: a cut may not fall inside them.
DIGRAPHS = ("eau", "oeu", "ain", "ein", "ou", "oi", "au", "eu", "ai", "ei", "an", "am", "en",
            "em", "on", "om", "in", "im", "un", "ch", "ph", "gn", "qu", "gu", "th")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d+|\S")


@dataclass(frozen=True)
class Step:
    source: str
    written: str
    why: str


def _cuts_allowed(word: str) -> list[bool]:
    """allowed[k]: a sound may start or end before word[k]."""
    allowed = [True] * (len(word) + 1)
    for digraph in DIGRAPHS:
        start = word.find(digraph)
        while start >= 0:
            for k in range(start + 1, start + len(digraph)):
                allowed[k] = False
            start = word.find(digraph, start + 1)
    return allowed


@functools.cache
def _cut(word: str) -> tuple[tuple[str, bool], ...]:
    """The word as (part, is_a_sound) pairs: as many letters as possible spelled by known
    sounds; on a tie, fewest cuts between a consonant and its vowel (French syllables
    begin with the consonant: "vé-lo", not "v-él-o"), then fewest parts."""
    n = len(word)
    allowed = _cuts_allowed(word)
    # best[k] = (letters left over, consonant-vowel cuts, parts) for word[:k]
    best: list[tuple[int, int, int]] = [(0, 0, 0)] + [(n + 1, 0, 0)] * n
    last: list[tuple[int, bool]] = [(0, False)] * (n + 1)
    for k in range(1, n + 1):
        if not allowed[k]:
            continue
        for i in range(max(0, k - 6), k):
            if not allowed[i] or best[i][0] > n:
                continue
            part = word[i:k]
            left, splits, count = best[i]
            splits += 0 < k < n and word[k - 1] not in VOWELS and word[k] in VOWELS
            if part in SOUNDS:
                cost = (left, splits, count + 1)
                sound = True
            elif last[i][1] or i == 0:  # a left-over run, after a sound or at the start
                cost = (left + len(part), splits, count + 1)
                sound = False
            else:
                continue
            if cost < best[k]:
                best[k], last[k] = cost, (i, sound)
    parts: list[tuple[str, bool]] = []
    k = n
    while k > 0:
        i, sound = last[k]
        parts.append((word[i:k], sound))
        k = i
    return tuple(reversed(parts))


def _spoken(word: str) -> str:
    """The word without its silent ending, folded ("acheté" keeps its é sound)."""
    lower = word.lower()
    for ending in ("ent", "es", "s", "x"):
        if lower.endswith(ending) and len(lower) > len(ending) + 2:
            lower = lower[: -len(ending)]
            break
    if lower.endswith("e") and len(lower) > 3:
        lower = lower[:-1]
    if lower[-1:] in ("t", "d") and lower[-2:-1] in tuple("aeiouyn") and len(lower) > 3:
        lower = lower[:-1]
    return fold(lower).replace("'", "").replace("’", "")


def derive(phrase: str) -> list[Step]:
    steps: list[Step] = []
    for m in _WORD.finditer(phrase):
        text = m.group(0)
        key = fold(text).replace("’", "'")
        if key in WORDS:
            steps.append(Step(text, WORDS[key], tr(f"se prononce comme « {WORDS[key]} »",
                                                   f"sounds like \"{WORDS[key]}\"")))
            continue
        if not key[:1].isalpha():
            steps.append(Step(text, text, tr("gardé tel quel", "kept as is")))
            continue
        parts = _cut(_spoken(text))
        if any(sound for _, sound in parts):
            written = "".join(SOUNDS[p] if sound else p[0] for p, sound in parts)
            heard = ", ".join(f"{p}→{SOUNDS[p]}" for p, sound in parts if sound)
            rest = ", ".join(f"{p}→{p[0]}" for p, sound in parts if not sound)
            steps.append(Step(text, written, tr("sons : ", "sounds: ") + heard + (
                tr(" ; reste, première lettre : ", "; the rest, first letter: ") + rest
                if rest else "")))
        else:
            steps.append(Step(text, text[0], tr("pas de son-lettre : première lettre",
                                                "no letter sound: first letter")))
    return steps


def password_of(steps: list[Step]) -> str:
    return "".join(s.written for s in steps)
