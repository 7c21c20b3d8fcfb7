"""Registry values read by the script's ``registry`` part, looked up by hive, key and name.

Each entry is ``{"hive", "key", "name", "present", "kind", "value", "error"}``. An absent
value is a real answer (Windows then applies its documented default); an entry that is
not in the part, or that could not be read, is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dentsec.collect.windows.psjson import as_bool, as_dict, as_int, as_list, as_text


@dataclass(frozen=True)
class RegValue:
    known: bool
    """False when the value was not asked for or could not be read."""
    present: bool = False
    value: Any = None
    why: str = ""

    def dword(self) -> int | None:
        """A REG_DWORD as unsigned (PowerShell hands negative Int32 for values >= 2^31)."""
        number = as_int(self.value) if self.present else None
        if number is None:
            return None
        return number & 0xFFFFFFFF

    def text(self) -> str | None:
        return as_text(self.value) if self.present else None


class Registry:
    def __init__(self, entries: Any) -> None:
        self._values: dict[tuple[str, str, str], dict[str, Any]] = {}
        for raw in as_list(entries):
            entry = as_dict(raw)
            hive, key, name = (as_text(entry.get(k)) for k in ("hive", "key", "name"))
            if hive and key is not None and name is not None:
                self._values[(hive.upper(), key.lower(), name.lower())] = entry

    def get(self, hive: str, key: str, name: str) -> RegValue:
        entry = self._values.get((hive.upper(), key.lower(), name.lower()))
        where = f"{hive}\\{key}\\{name}"
        if entry is None:
            return RegValue(False, why=f"{where}: not collected")
        error = as_text(entry.get("error"))
        if error:
            return RegValue(False, why=f"{where}: {error}"[:300])
        present = as_bool(entry.get("present"))
        if present is None:
            return RegValue(False, why=f"{where}: unreadable entry")
        return RegValue(True, present, entry.get("value") if present else None)
