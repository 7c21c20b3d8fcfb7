"""CSV files a French spreadsheet opens as they are: ``;`` separators, a UTF-8 byte order
mark (without it Excel reads accents as Latin-1), and no cell that a spreadsheet would run
as a formula (a device named ``=HYPERLINK(…)``)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any, Protocol


class Writable(Protocol):
    """A text file, or Django's HttpResponse."""

    def write(self, content: Any, /) -> Any: ...

# What makes a spreadsheet treat a cell as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The text of a cell, with a leading apostrophe when it would start a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # a number stays a number (a negative one too)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write(out: Writable, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
