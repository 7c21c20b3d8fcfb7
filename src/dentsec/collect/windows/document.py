"""The JSON document printed by dentsec-collect.ps1, split into its parts.

Shape (schema ``dentsec.windows-collect/1``, see README.md beside this file)::

    {"schema": "...", "collector": {...}, "started_at": "ISO", "finished_at": "ISO",
     "context": {"computer_name", "user", "user_sid", "elevated", "ps_version", ...},
     "parts": {"<name>": {"ok": bool, "ms": int, "data": ..., "error": null |
               {"type", "message", "category", "hresult"}}}}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dentsec.collect.windows.psjson import as_bool, as_dict, as_int, as_text, load_json, prop

SCHEMA = "dentsec.windows-collect/1"

E_ACCESSDENIED = (-2147024891, 0x80070005, 5)
"""HRESULT / Win32 codes meaning "access denied" (never translated, unlike messages)."""


class PartMissing(Exception):
    """A part gave no usable data; its message is the reason for the unknown facts."""


@dataclass(frozen=True)
class Part:
    name: str
    data: Any = None
    error: dict[str, Any] | None = None
    present: bool = True

    @property
    def ok(self) -> bool:
        return self.present and self.error is None


@dataclass
class Document:
    context: dict[str, Any] = field(default_factory=dict)
    parts: dict[str, Part] = field(default_factory=dict)
    problem: str | None = None
    """Why the whole document is unusable (then every part is missing)."""

    @property
    def elevated(self) -> bool | None:
        return as_bool(self.context.get("elevated"))

    def part(self, name: str) -> Part:
        return self.parts.get(name) or Part(name, present=False)

    def data(self, name: str) -> Any:
        """The data of a part, or raise PartMissing with the reason (for ``unknown``)."""
        part = self.part(name)
        if part.ok:
            return part.data
        raise PartMissing(self.why_not(name))

    def why_not(self, name: str) -> str:
        part = self.part(name)
        if self.problem:
            return self.problem
        if not part.present:
            return f"{name}: not in the collector output"
        err = part.error or {}
        message = (as_text(err.get("message")) or "").strip().splitlines()
        detail = f"{as_text(err.get('type')) or 'error'}: {message[0] if message else ''}"
        if is_access_denied(err):
            hint = ("needs administrator rights (collected without them)"
                    if self.elevated is False else "access denied")
            return f"{name}: {hint} ({detail})"[:300]
        if as_text(err.get("category")) == "OperationTimeout":
            return f"{name}: timed out ({detail})"[:300]
        return f"{name}: {detail}"[:300]


def is_access_denied(error: dict[str, Any]) -> bool:
    if as_text(error.get("category")) == "PermissionDenied":
        return True
    if as_int(error.get("hresult")) in E_ACCESSDENIED:
        return True
    return as_text(error.get("type")) == "System.UnauthorizedAccessException"


def parse_document(text: str) -> Document:
    """Split the script's output into parts; a damaged document gives ``problem``."""
    raw = load_json(text)
    doc = as_dict(raw)
    if not doc:
        return Document(problem="dentsec-collect.ps1: output is not a JSON object")
    if doc.get("schema") != SCHEMA:
        return Document(problem=f"dentsec-collect.ps1: schema {str(doc.get('schema'))[:40]!r}"
                                f" is not {SCHEMA}")
    parts: dict[str, Part] = {}
    for name, value in as_dict(doc.get("parts")).items():
        entry = as_dict(value)
        error = entry.get("error")
        ok = as_bool(prop(entry, "ok")) is True
        if ok and error is None:
            parts[name] = Part(name, entry.get("data"))
        else:
            parts[name] = Part(name, None, as_dict(error) or {"message": "part failed"})
    return Document(context=as_dict(doc.get("context")), parts=parts)
