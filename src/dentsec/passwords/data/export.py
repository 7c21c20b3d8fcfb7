"""Export the French word lists shipped beside this file. Run once, by hand, from a
throwaway environment that has the two sources installed (they are not dentsec
dependencies)::

    python3 -m venv /tmp/wf && /tmp/wf/bin/pip install wordfreq faker
    /tmp/wf/bin/python src/dentsec/passwords/data/export.py

The hand-compiled lists (cities, football clubs, extra first names) are plain text files
edited directly; this script only reads them to keep proper names out of the passphrase
list. See README.md for sources and licences.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

HERE = Path(__file__).parent
WORDS_SIZE = 30_000  # most frequent French words kept for the strength estimator
PASSPHRASE_SIZE = 4096  # 12 bits per word
PASSPHRASE_SKIP_TOP = 400  # the very commonest words are the first an attacker tries

LETTERS = re.compile(r"^[a-zàâäçéèêëîïôöùûüÿœæ]+$")
ASCII_WORD = re.compile(r"^[a-z]{4,8}$")

# Offensive, vulgar, or distressing words for a care setting: never in a passphrase.
# Prefixes, so that inflections go too.
BLOCKED_PREFIXES = (
    "abrut", "bamboul", "batard", "bicot", "bite", "bordel", "bougnoul", "bouffon", "branl",
    "caca", "cadavr", "cancer", "catin", "chiant", "chier", "chinetoq", "cocain", "conar",
    "connar", "connas", "conne", "couill", "cretin", "crever", "crotte", "cul", "debil",
    "deces", "drogu", "encul", "enfoir", "foutr", "foutu", "garce", "gogol", "gouine",
    "hitler", "meurtr", "merde", "merdi", "mongol", "nazi", "negre", "negro", "nichon",
    "niqu", "pedal", "pede", "pedo", "pisse", "porno", "pouf", "pute", "putain", "salaud",
    "salop", "sexe", "sexy", "suicid", "tapett", "tarlouz", "teube", "tuer", "tumeur",
    "viol", "vomi", "youpin", "zizi", "zob", "fion", "chatte", "nibar", "bouse", "mort",
    "tuee", "tueur", "kill", "fuck", "shit", "bitch", "terror", "bombe", "guerre", "sida",
    "cons", "idiot", "imbecil", "nul", "moche", "gros", "obese", "maigre", "handicap",
    "stupid", "abus", "juif", "juive", "musulm", "arabe", "africain", "chretien", "islam",
    "catho", "noir", "race", "racis", "migrant", "pauvre", "malad", "douleur", "pleur",
    "alcool", "allah", "arme", "attentat", "baise", "blesse", "coran", "diable", "enfer",
    "esclav", "fesse", "fusil", "gay", "gueul", "massacr", "meur", "mour", "otage", "pipi",
    "pourri", "sang", "sein", "sexu", "tuent", "vagin", "dieu", "pape", "nues", "crev",
    "tortur", "satan", "jihad", "drogue", "prostit", "cocu", "bander", "gland", "seins",
    "tuant", "explos", "crimin", "toxi", "poison", "arnaq", "trahi", "barbar", "mafia",
    "suce", "sucer", "anus", "hais", "agress", "cest",
)
# Public figures and brands that wordfreq lists in lower case.
BLOCKED_WORDS = frozenset((
    "arte", "bouygues", "chirac", "gaulle", "hollande", "macron", "omar", "poutine",
    "sarkozy", "sorbonne", "alger", "serbe", "mitterrand", "zidane", "renault", "peugeot",
    "orange", "google", "facebook", "twitter", "youtube", "netflix", "amazon", "apple",
    "zemmour", "benalla", "trudeau", "fillon", "valls", "bayrou", "castex", "darmanin",
))


def fold(word: str) -> str:
    """The word without accents, as most people type it in a password."""
    decomposed = unicodedata.normalize("NFKD", word.replace("œ", "oe").replace("æ", "ae"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


NEIGHBOURS = ("en", "es", "it", "de", "pt")


def foreign_names() -> set[str]:
    """First names and surnames of every Faker locale: proper names have no place in a
    passphrase list, whatever their language."""
    import importlib
    import pkgutil

    import faker.providers.person as person  # type: ignore[import-not-found]

    names: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attr in ("first_names", "first_names_male", "first_names_female", "last_names"):
            values = getattr(provider, attr, ())
            if isinstance(values, tuple | list | dict):  # some locales use properties
                names |= {fold(str(v).lower()) for v in values}
    return names


def read_list(name: str) -> list[str]:
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]


def with_folded(words: list[str]) -> list[str]:
    """Each word, followed by its accent-free spelling when it differs (same rank order)."""
    out: list[str] = []
    seen: set[str] = set()
    for word in words:
        for variant in (word, fold(word)):
            if variant not in seen:
                seen.add(variant)
                out.append(variant)
    return out


def write(name: str, header: str, words: list[str]) -> None:
    text = "".join(f"# {line}\n" for line in header.splitlines()) + "\n".join(words) + "\n"
    (HERE / name).write_text(text, encoding="utf-8")


def main() -> None:
    import wordfreq  # type: ignore[import-not-found]
    from faker.providers.person.fr_FR import Provider  # type: ignore[import-not-found]

    top = [w for w in wordfreq.top_n_list("fr", 80_000) if LETTERS.match(w) and len(w) >= 2]
    words = top[:WORDS_SIZE]
    write("fr_words.txt",
          f"The {WORDS_SIZE} most frequent French words, most frequent first, with their\n"
          "accent-free spelling after each accented one. From wordfreq "
          f"{getattr(wordfreq, '__version__', '3.1.1')} (CC BY-SA 4.0), see README.md.",
          with_folded(words))

    first = list(Provider.first_names_male) + list(Provider.first_names_female)
    first_names = with_folded([n.lower() for n in first] + [n.lower() for n in
                              read_list("fr_first_names_extra.txt")])
    write("fr_first_names.txt",
          "French first names (Faker fr_FR, MIT, plus a hand-compiled list), see README.md.",
          first_names)
    surnames = with_folded([n.lower().replace(" ", "") for n in Provider.last_names])
    write("fr_surnames.txt", "The 400 surnames of Faker's fr_FR provider (MIT), see README.md.",
          surnames)

    proper = set(first_names) | set(surnames) | foreign_names()
    for name in ("fr_cities.txt", "fr_football_clubs.txt"):
        proper |= {fold(w.lower()) for w in read_list(name)}
    picked: list[str] = []
    for word in top[PASSPHRASE_SKIP_TOP:]:
        if not ASCII_WORD.match(word) or word in proper:
            continue
        if word in BLOCKED_WORDS or any(word.startswith(p) for p in BLOCKED_PREFIXES):
            continue
        # Words and names more frequent in a neighbouring language (miami, design, liga)
        # are not French to a user.
        french = wordfreq.word_frequency(word, "fr")
        if any(wordfreq.word_frequency(word, lang) >= french for lang in NEIGHBOURS):
            continue
        picked.append(word)
        if len(picked) == PASSPHRASE_SIZE:
            break
    write("passphrase_words.txt",
          f"{PASSPHRASE_SIZE} French words for passphrases: from wordfreq (CC BY-SA 4.0),\n"
          "4-8 letters without accents, the commonest skipped; proper names, words more\n"
          "frequent in English than in French and a list of offensive or distressing words\n"
          "removed. Alphabetical order.",
          sorted(picked))


if __name__ == "__main__":
    main()
