"""The first-letters method, in French: keep the first letter of each word (with its
case), write numbers and words that sound like them as digits or symbols, keep the
punctuation. "J'ai acheté 3 croissants pour cent euros et deux cafés !" gives
"J'aa3cp%€&2c!".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dentsec.i18n import tr
from dentsec.passwords.wordlists import famous_sentences, fold, words_of

# Whole words (accent-free, lower case) written as a digit or a symbol because they say
# it or sound like it.
SOUNDS_LIKE: dict[str, tuple[str, str, str]] = {
    # word: (written, French reason, English reason)
    "un": ("1", "« un » se dit 1", '"un" says 1'),
    "une": ("1", "« une » se dit 1", '"une" says 1'),
    "deux": ("2", "« deux » = 2", '"deux" = 2'),
    "de": ("2", "« de » sonne comme « deux »", '"de" sounds like "deux" (2)'),
    "trois": ("3", "« trois » = 3", '"trois" = 3'),
    "quatre": ("4", "« quatre » = 4", '"quatre" = 4'),
    "cinq": ("5", "« cinq » = 5", '"cinq" = 5'),
    "six": ("6", "« six » = 6", '"six" = 6'),
    "sept": ("7", "« sept » = 7", '"sept" = 7'),
    "cet": ("7", "« cet » sonne comme « sept »", '"cet" sounds like "sept" (7)'),
    "cette": ("7", "« cette » sonne comme « sept »", '"cette" sounds like "sept" (7)'),
    "huit": ("8", "« huit » = 8", '"huit" = 8'),
    "neuf": ("9", "« neuf » = 9", '"neuf" = 9'),
    "dix": ("10", "« dix » = 10", '"dix" = 10'),
    "vingt": ("20", "« vingt » = 20", '"vingt" = 20'),
    "cent": ("%", "« cent » : % (pour cent)", '"cent" (hundred): % (per cent)'),
    "sans": ("%", "« sans » sonne comme « cent » : %", '"sans" sounds like "cent": %'),
    "mille": ("1000", "« mille » = 1000", '"mille" = 1000'),
    "et": ("&", "« et » : &", '"et" (and): &'),
    "plus": ("+", "« plus » : +", '"plus": +'),
    "moins": ("-", "« moins » : -", '"moins" (minus): -'),
    "egal": ("=", "« égal » : =", '"égal" (equals): ='),
    "euro": ("€", "« euro » : €", '"euro": €'),
    "euros": ("€", "« euros » : €", '"euros": €'),
    "dollar": ("$", "« dollar » : $", '"dollar": $'),
    "dollars": ("$", "« dollars » : $", '"dollars": $'),
    "a": ("@", "« à » / « a » : @", '"à" / "a": @'),
    "arobase": ("@", "« arobase » : @", '"arobase": @'),
    "dieze": ("#", "« dièse » : #", '"dièse" (hash): #'),
    "etoile": ("*", "« étoile » : *", '"étoile" (star): *'),
}

# Words, numbers, elisions (j', l', qu'…), or one punctuation/symbol character.
_TOKEN = re.compile(r"(?P<num>\d+)|(?P<elided>[^\W\d_]+['’])|(?P<word>[^\W\d_]+)|(?P<punct>\S)")


@dataclass(frozen=True)
class Step:
    source: str
    written: str
    why: str


def derive(sentence: str) -> list[Step]:
    """How each part of the sentence is written, in order."""
    steps: list[Step] = []
    for m in _TOKEN.finditer(sentence):
        text = m.group(0)
        if m["num"]:
            steps.append(Step(text, text, tr("nombre gardé", "number kept")))
        elif m["punct"]:
            steps.append(Step(text, text, tr("ponctuation gardée", "punctuation kept")))
        elif m["elided"]:
            steps.append(Step(text, text[0] + "'", tr("élision : première lettre et apostrophe",
                                                      "elision: first letter and apostrophe")))
        elif fold(text) in SOUNDS_LIKE:
            written, fr, en = SOUNDS_LIKE[fold(text)]
            steps.append(Step(text, written, tr(fr, en)))
        elif text[0].isupper():
            steps.append(Step(text, text[0], tr("première lettre, majuscule gardée",
                                                "first letter, capital kept")))
        else:
            steps.append(Step(text, text[0], tr("première lettre", "first letter")))
    return steps


def password_of(steps: list[Step]) -> str:
    return "".join(s.written for s in steps)


# Shorter famous lines ("je t'aime", "c'est la vie") only when they are all there is: a
# personal sentence may well contain them.
FAMOUS_MIN_LETTERS = 10


def is_famous(sentence: str) -> bool:
    """Whether the sentence is, or contains, a famous line (anthem, song, film, proverb,
    title): attackers try those, written in full and as first letters."""
    words = words_of(sentence)
    if not words:
        return False
    text = " " + " ".join(words) + " "
    for famous in famous_sentences():
        if famous == words or (sum(map(len, famous)) >= FAMOUS_MIN_LETTERS
                               and " " + " ".join(famous) + " " in text):
            return True
    return False
