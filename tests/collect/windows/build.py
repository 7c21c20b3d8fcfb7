"""Documents for tests: the script's JSON shape around given part data. Test helper only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dentsec.collect.windows.document import SCHEMA, Document, parse_document

REAL_OUTPUTS = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "real-outputs"
SAMPLES = Path(__file__).resolve().parents[3] / "samples" / "evidence"


def real(name: str) -> str:
    return (REAL_OUTPUTS / name).read_text(encoding="utf-8")


def document_text(parts: dict[str, Any], context: dict[str, Any] | None = None,
                  failed: dict[str, dict[str, Any]] | None = None) -> str:
    body = {name: {"ok": True, "ms": 1, "data": data, "error": None} for name, data in parts.items()}
    for name, error in (failed or {}).items():
        body[name] = {"ok": False, "ms": 1, "data": None, "error": error}
    return json.dumps({"schema": SCHEMA, "context": context or {"elevated": True}, "parts": body})


def document(parts: dict[str, Any], context: dict[str, Any] | None = None,
             failed: dict[str, dict[str, Any]] | None = None) -> Document:
    return parse_document(document_text(parts, context, failed))


def registry_entries(values: dict[tuple[str, str, str], Any]) -> list[dict[str, Any]]:
    """Registry part entries; a value of None is an absent value."""
    return [{"hive": h, "key": k, "name": n, "present": v is not None, "kind": None, "value": v,
             "error": None} for (h, k, n), v in values.items()]
