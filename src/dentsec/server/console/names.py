"""What a name typed by someone (a device, a practice, a user name) may contain, and how a
text from the database is made safe for an e-mail header.

A line break in a device name once reached an alert's Subject: Django refused the header
and every tenant's alerts stopped. Names are checked where they enter (enrollment, forms,
CLI), and headers are cleaned anyway, for names stored before the check existed.
"""

from __future__ import annotations

import re
import unicodedata

NAME_MAX = 100
USERNAME_MAX = 150
HEADER_MAX = 200
# Control characters, invisible format characters (bidi overrides among them), line and
# paragraph separators.
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})
_USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]*")


class BadName(ValueError):
    """A refused name, with the reason in both languages."""

    def __init__(self, fr: str, en: str) -> None:
        super().__init__(en)
        self.fr = fr
        self.en = en


def _hidden(ch: str) -> bool:
    return unicodedata.category(ch) in _HIDDEN


def checked_name(value: str, limit: int = NAME_MAX) -> str:
    """The name without surrounding spaces; BadName if empty, too long or with a control
    or invisible character."""
    name = value.strip()
    if not name:
        raise BadName("Le nom est vide.", "The name is empty.")
    if len(name) > limit:
        raise BadName(f"Le nom est trop long ({len(name)} caractères, {limit} au plus).",
                      f"The name is too long ({len(name)} characters, at most {limit}).")
    if any(_hidden(ch) for ch in name):
        raise BadName("Le nom contient un caractère invisible ou un retour à la ligne.",
                      "The name contains an invisible character or a line break.")
    return name


def checked_username(value: str) -> str:
    """Letters, digits and . _ @ - only (no spaces, slashes, < >), starting with a letter
    or a digit. Compared case-insensitively elsewhere (see accounts.username_taken)."""
    name = value.strip()
    if not name or len(name) > USERNAME_MAX or not _USERNAME.fullmatch(name):
        raise BadName("Identifiant invalide : lettres sans accent, chiffres et . _ @ - "
                      f"seulement, sans espace, {USERNAME_MAX} caractères au plus.",
                      "Invalid user name: unaccented letters, digits and . _ @ - only, no "
                      f"spaces, at most {USERNAME_MAX} characters.")
    return name


def header_safe(text: str, limit: int = HEADER_MAX) -> str:
    """One line for an e-mail header: every control or invisible character becomes a
    space, runs of spaces one, and the text is cut at ``limit`` characters."""
    cleaned = "".join(" " if _hidden(ch) else ch for ch in text)
    line = " ".join(cleaned.split())
    return line if len(line) <= limit else line[:limit - 1] + "…"
