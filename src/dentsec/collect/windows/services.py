"""Services read by ``Get-Service`` (Status and StartType as enum names, never translated)."""

from __future__ import annotations

from dataclasses import dataclass

from dentsec.collect.windows.document import Document
from dentsec.collect.windows.psjson import as_int, as_list, as_text, prop

# ServiceControllerStatus / ServiceStartMode numbers, in case an older script sent integers.
_STATUS = {1: "stopped", 2: "startpending", 3: "stoppending", 4: "running"}
_START = {0: "boot", 1: "system", 2: "automatic", 3: "manual", 4: "disabled"}


@dataclass(frozen=True)
class Service:
    name: str
    status: str | None
    start_type: str | None

    @property
    def running(self) -> bool:
        return self.status == "running"


def services(doc: Document) -> dict[str, Service] | None:
    """Services by lower-case name; None when the part is missing."""
    part = doc.part("services")
    if not part.ok:
        return None
    found: dict[str, Service] = {}
    for raw in as_list(part.data):
        name = as_text(prop(raw, "Name"))
        if not name:
            continue
        found[name.lower()] = Service(name, _enum(prop(raw, "Status"), _STATUS),
                                      _enum(prop(raw, "StartType"), _START))
    return found


def service_start_types(doc: Document) -> dict[str, str]:
    return {k: s.start_type for k, s in (services(doc) or {}).items() if s.start_type}


def _enum(value: object, numbers: dict[int, str]) -> str | None:
    number = as_int(value)
    if number is not None:
        return numbers.get(number)
    text = as_text(value)
    return text.lower() if text else None
