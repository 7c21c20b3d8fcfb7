"""Language selection for everything a user reads.

French is the default; English is available. Texts are written in pairs at the
place they are used (``tr("…", "…")``) or as ``{"fr": …, "en": …}`` mappings in
data files, so a translation can never drift away from its source.
"""

from __future__ import annotations

import locale
import os
from collections.abc import Mapping
from contextvars import ContextVar

LANGUAGES = ("fr", "en")
_current: ContextVar[str] = ContextVar("dentsec_lang", default="")


def detect_language() -> str:
    """Language from the environment; French when unsure."""
    for var in ("DENTSEC_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value:
            return "en" if value.lower().startswith("en") else "fr"
    try:
        # the name as set: Python reports the C locale (a scheduled job, a bare service)
        # as en_US, which is no user's choice
        raw = locale.setlocale(locale.LC_CTYPE)
        loc = "" if raw.split(".")[0] in ("C", "POSIX") else locale.getlocale()[0] or ""
    except (ValueError, locale.Error):
        loc = ""
    return "en" if loc.lower().startswith("en") else "fr"


def set_language(lang: str | None) -> str:
    chosen = lang if lang in LANGUAGES else detect_language()
    _current.set(chosen)
    return chosen


def language_is_set() -> bool:
    return bool(_current.get())


def language() -> str:
    return _current.get() or detect_language()


def tr(fr: str, en: str) -> str:
    """Pick the French or English text for the current language."""
    return en if language() == "en" else fr


def pick(texts: Mapping[str, str] | str, lang: str | None = None) -> str:
    """Pick from a {"fr": ..., "en": ...} mapping, falling back to French."""
    if isinstance(texts, str):
        return texts
    lang = lang or language()
    return texts.get(lang) or texts.get("fr") or next(iter(texts.values()), "")
