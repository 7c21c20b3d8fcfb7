"""The word lists the checker knows, read once on first use (see data/README.md).

Every list is ranked, most likely first: a word's guess count is its rank in its list
(an attacker tries the list in that order). Lists without a frequency order (communes
beyond the large towns) count half their size, the average an attacker spends on them.
Lookups are made on folded text: lower case, no accents, no spaces, hyphens or
apostrophes ("Saint-Étienne" is "saintetienne").
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
import unicodedata
from pathlib import Path

from dentsec.paths import data_path

DATA = Path(__file__).parent / "data"

# kind -> files, ranked in that order; the kind names are the ones explanations use.
SOURCES: dict[str, tuple[Path, ...]] = {
    "passwords": (data_path("french_passwords_top20000.txt"),),
    "famous": (DATA / "fr_famous.txt",),
    "dental": (DATA / "fr_dental.txt",),
    "brands": (DATA / "fr_brands.txt",),
    "calendar": (DATA / "fr_calendar.txt",),
    "first_names": (DATA / "fr_first_names_insee.txt", DATA / "fr_first_names_extra.txt",
                    DATA / "fr_first_names.txt"),
    "surnames": (DATA / "fr_surnames_insee.txt", DATA / "fr_surnames.txt"),
    "cities": (DATA / "fr_cities.txt",),
    "clubs": (DATA / "fr_football_clubs.txt",),
    "words": (DATA / "fr_words.txt",),
}
COMMUNES = DATA / "fr_communes.txt"  # unranked tail of "cities", with postcodes
PASSPHRASE_WORDS = DATA / "passphrase_words.txt"
KINDS = tuple(SOURCES)
MIN_LENGTH = 3  # shorter entries only from the hand-written lists and the top words
SHORT_WORDS_RANK = 200  # "le", "de", "un": as likely as any two characters
PREFIX = 4
# Famous lines of fewer words give initials ("aac") that ordinary first-letter passwords
# contain by chance, and that cost little as arbitrary characters anyway.
FAMOUS_INITIALS = 5
HAND_WRITTEN = frozenset({"famous", "dental", "brands", "calendar"})

_GAPS = "-'’._,"  # with white space: what squash() removes
_SQUASH = re.compile(r"[\s\-'’._,]+")
_FIRST_LETTERS = re.compile(r"[^\W\d_]+|\d+")


def fold(text: str) -> str:
    """Lower case without accents: "Élodie" and "elodie" are the same guess."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def squash(text: str) -> str:
    """The lookup form: folded, without spaces, hyphens, apostrophes or dots."""
    return _SQUASH.sub("", text.lower() if text.isascii() else fold(text))


def _read(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    return [ln for ln in lines if ln and ln[0] != "#"]


@functools.cache
def _squash_table() -> dict[int, str | None]:
    """squash() for one character at a time, for the letters French lists use, so that a
    whole file is folded by one str.translate (its lines were the slow part of start-up)."""
    table: dict[int, str | None] = {ord(c): None for c in " \t-'’._,"}
    for code in range(0x80, 0x250):
        char = chr(code)
        table[code] = None if char.isspace() else squash(char)
    return table


@functools.cache
def ranked(kind: str) -> tuple[str, ...]:
    """Lookup forms of one list, most likely first, without duplicates."""
    out: dict[str, None] = {}
    for path in SOURCES[kind]:
        lines = path.read_text(encoding="utf-8").lower().translate(_squash_table())
        out.update(dict.fromkeys(k if k.isascii() else squash(k)
                                 for k in lines.split("\n") if k and k[0] != "#"))
    out.pop("", None)
    return tuple(out)


@functools.cache
def lookup(kind: str) -> frozenset[str]:
    return frozenset(ranked(kind))


def words_of(sentence: str) -> tuple[str, ...]:
    """"L'été, 2 chats" -> ("l", "ete", "2", "chats")."""
    return tuple(_FIRST_LETTERS.findall(fold(sentence)))


@functools.cache
def famous_sentences() -> tuple[tuple[str, ...], ...]:
    """Each famous sentence as its folded words."""
    return tuple(words_of(s) for s in _read(SOURCES["famous"][0]))


@functools.cache
def word_starts() -> dict[str, frozenset[int]]:
    """Where each word begins inside the lookup form of a multi-word entry of the small
    lists ("lavieenrose" -> 0, 2, 5, 7): capitals or separators there are one rule."""
    out: dict[str, frozenset[int]] = {}
    for kind in ("famous", "dental", "brands", "cities", "clubs"):
        for path in SOURCES[kind]:
            for entry in _read(path):
                starts, position, after_gap = set(), 0, True
                for c in entry.lower() if entry.isascii() else fold(entry):
                    if c.isspace() or c in _GAPS:
                        after_gap = True
                        continue
                    if after_gap:
                        starts.add(position)
                    after_gap = False
                    position += 1
                if len(starts) > 1:
                    out.setdefault(squash(entry), frozenset(starts))
    return out


_COMMUNE_NAME = re.compile(r"^[^\t\n#]+", re.MULTILINE)


@functools.cache
def commune_names() -> tuple[str, ...]:
    return tuple(_COMMUNE_NAME.findall(COMMUNES.read_text(encoding="utf-8")))


@functools.cache
def communes() -> dict[str, str]:
    """Folded commune name -> its postcodes, space-separated ("" when unknown)."""
    out: dict[str, str] = {}
    for line in _read(COMMUNES):
        name, _, codes = line.partition("\t")
        out[name] = codes
    return out


@functools.cache
def postcodes() -> frozenset[str]:
    return frozenset(" ".join(communes().values()).split())


@functools.cache
def vocabulary() -> tuple[dict[str, tuple[int, str]], dict[str, int]]:
    """(lookup form -> (guesses, kind) of its cheapest reading, first 4 characters ->
    length of the longest entry starting with them)."""
    vocab: dict[str, tuple[int, str]] = {}

    def merge(entries: dict[str, tuple[int, str]]) -> None:
        for word in entries.keys() & vocab.keys():  # few: keep the cheaper reading
            if vocab[word][0] <= entries[word][0]:
                entries[word] = vocab[word]
        vocab.update(entries)

    for kind in KINDS:
        words = ranked(kind)
        entries = dict(zip(words, zip(itertools.count(1), itertools.repeat(kind)),
                           strict=False))
        if kind not in HAND_WRITTEN:  # short entries only from the top of the words
            for word in list(itertools.compress(words, map(MIN_LENGTH.__gt__,
                                                               map(len, words)))):
                if kind != "words" or entries[word][0] > SHORT_WORDS_RANK:
                    del entries[word]
        merge(entries)
        if kind == "famous":  # also as first letters: "allons enfants…" -> "aedlp"
            merge({"".join(w if w.isdigit() else w[0] for w in words): (rank, kind)
                   for rank, words in enumerate(famous_sentences(), 1)
                   if len(words) >= FAMOUS_INITIALS})
    names = commune_names()
    merge(dict.fromkeys(names, (len(names) // 2, "cities")))
    # Shortest first, so that each beginning ends with its longest length; written with
    # builtins only, as this runs on 100,000 words at every start.
    ordered = sorted(vocab, key=len)
    lengths = list(map(len, ordered))
    longer = bisect.bisect_right(lengths, PREFIX)
    reach = dict(zip(map(operator.itemgetter(slice(PREFIX)), ordered[longer:]),
                     lengths[longer:], strict=True))
    return vocab, reach


@functools.cache
def passphrase_words() -> tuple[str, ...]:
    return tuple(_read(PASSPHRASE_WORDS))
