"""The French word lists: read once, normalised for lookups (see data/README.md)."""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from dentsec.paths import data_path

DATA = Path(__file__).parent / "data"

# kind -> file; the kind names are also the zxcvbn dictionary names (prefixed "fr_").
SOURCES: dict[str, Path] = {
    "passwords": data_path("french_passwords_top20000.txt"),
    "first_names": DATA / "fr_first_names.txt",
    "surnames": DATA / "fr_surnames.txt",
    "cities": DATA / "fr_cities.txt",
    "clubs": DATA / "fr_football_clubs.txt",
    "words": DATA / "fr_words.txt",
}
PASSPHRASE_WORDS = DATA / "passphrase_words.txt"

_SEPARATORS = re.compile(r"[\s\-'’.]+")


def fold(text: str) -> str:
    """Lower case without accents: "Élodie" and "elodie" are the same guess."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _read(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]


@functools.cache
def ranked(kind: str) -> tuple[str, ...]:
    """Entries of one list, most common first, lower case, each followed by its spelling
    without accents and without spaces or hyphens when those differ ("saint-étienne" ->
    "saintétienne", "saintetienne")."""
    out: dict[str, None] = {}
    for entry in _read(SOURCES[kind]):
        lower = entry.lower()
        out.setdefault(lower, None)
        if not lower.isalnum():
            lower = _SEPARATORS.sub("", lower)
            out.setdefault(lower, None)
        if not lower.isascii():  # fold() is the slow part: only where it changes something
            out.setdefault(fold(lower), None)
    out.pop("", None)  # an entry made of separators only
    return tuple(out)


@functools.cache
def lookup(kind: str) -> frozenset[str]:
    """Every spelling of one list (accent-free ones included), for membership tests."""
    return frozenset(ranked(kind))


@functools.cache
def passphrase_words() -> tuple[str, ...]:
    return tuple(_read(PASSPHRASE_WORDS))
