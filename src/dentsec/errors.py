"""Errors a user can read: each carries a French and an English message."""

from __future__ import annotations

from dentsec.i18n import tr


class DentsecError(Exception):
    """A failure explained to the user; the CLI prints it and exits with status 2."""

    exit_code = 2

    def __init__(self, fr: str, en: str) -> None:
        super().__init__(en)
        self.fr = fr
        self.en = en

    def message(self) -> str:
        return tr(self.fr, self.en)
