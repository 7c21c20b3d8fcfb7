"""Derive the shipped first-name, surname and commune lists from the INSEE / La Poste
extracts in ``../shared/data/french-names`` (see that folder's README for their sources).
Run once, by hand, with plain Python::

    python3 src/dentsec/passwords/data/export_names.py ../shared/data/french-names

What is kept, and why (the full files are 4 MB; these are about 1 MB):
- every entry is accent-folded, lower case, without spaces, hyphens or apostrophes: the
  checker compares folded text and never shows a word back, so the spelling is not needed;
- first names given at least 100 times since 1900 (13,000 of 48,500): the rarer ones would
  come after millions of other guesses in any attacker's list;
- surnames borne by at least 300 people born 1891-2000 (37,000 of 219,000), for the same
  reason; the most frequent come first in both lists, so a line number is a rank;
- every commune (and former commune still used as a name), with its postcodes, as the
  issue asks: a town's name followed by its postcode is one guess, not two.
Entries shorter than 3 letters once folded are dropped (``y``, ``eu``): they are cheaper to
guess as two characters than as a name.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).parent
MIN_FIRST_NAME_BIRTHS = 100
MIN_SURNAME_BIRTHS = 300
MIN_LENGTH = 3


def squash(text: str) -> str:
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


def ranked(path: Path, min_count: int) -> list[str]:
    out: dict[str, None] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, _, count = line.partition("\t")
        key = squash(name)
        if int(count) >= min_count and len(key) >= MIN_LENGTH:
            out.setdefault(key, None)
    return list(out)


def write(name: str, header: str, lines: list[str]) -> None:
    text = "".join(f"# {h}\n" for h in header.splitlines()) + "\n".join(lines) + "\n"
    (HERE / name).write_text(text, encoding="utf-8")


CREDIT = ("Derived by export_names.py (see its docstring) from INSEE and La Poste open data,\n"
          "Licence Ouverte 2.0; see README.md and src/dentsec/data/ATTRIBUTION.md.")


def main(source: Path) -> None:
    write("fr_first_names_insee.txt",
          f"First names given >= {MIN_FIRST_NAME_BIRTHS} times in France 1900-2024, most "
          f"given first, folded.\n{CREDIT}",
          ranked(source / "prenoms.txt", MIN_FIRST_NAME_BIRTHS))
    write("fr_surnames_insee.txt",
          f"Surnames of >= {MIN_SURNAME_BIRTHS} people born in France 1891-2000, most "
          f"frequent first, folded.\n{CREDIT}",
          ranked(source / "noms.txt", MIN_SURNAME_BIRTHS))
    postcodes: dict[str, set[str]] = {}
    for line in (source / "communes_postcodes.tsv").read_text(encoding="utf-8").splitlines():
        name, _, code = line.partition("\t")
        postcodes.setdefault(squash(name), set()).add(code)
    names = [squash(n) for n in (source / "communes.txt").read_text(encoding="utf-8").split("\n")
             + (source / "communes_deleguees_associees.txt").read_text(
                 encoding="utf-8").split("\n")]
    rows = {n: " ".join(sorted(postcodes.get(n, ()))) for n in names if len(n) >= MIN_LENGTH}
    write("fr_communes.txt",
          "Every French commune (COG 2026) and former commune still used as a name, folded,\n"
          f"alphabetical, with its postcodes (La Poste) after a tab when known.\n{CREDIT}",
          [f"{n}\t{codes}" if codes else n for n, codes in sorted(rows.items())])


if __name__ == "__main__":
    main(Path(sys.argv[1]))
