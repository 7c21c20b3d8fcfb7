"""Reading values out of Windows PowerShell 5.1 ``ConvertTo-Json`` output.

PowerShell 5.1 is inconsistent: a one-element result is a bare object instead of an
array, dates come as ``"\\/Date(ms)\\/"`` or as ``{"value": "\\/Date(ms)\\/", "DateTime":
"…"}`` (a DateTime carrying extended properties), enums as integers, GpoBoolean as 0/1/2,
"never" as 4294967295 or the FILETIME origin 12/31/1600, and a value shown by
Format-List is text ("True", "218,2344", "{Tpm}"). Every helper here accepts all of these
and answers ``None`` for anything it cannot read: the caller turns that into unknown.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

UINT32_NEVER = 4294967295
"""Defender's "never happened" age (UInt32.MaxValue)."""
UINT16_NEVER = 65535
"""The same sentinel as some Defender versions report it (UInt16.MaxValue): 179 years."""

_MS_DATE = re.compile(r"^/Date\((-?\d+)(?:[+-]\d{4})?\)/$")
_FILETIME_ORIGIN_YEARS = (1600, 1601)


def load_json(text: str) -> Any:
    """Parse a JSON document, tolerating a UTF-8/UTF-16 byte order mark; None when invalid."""
    cleaned = text.lstrip("\ufeff\ufffe").strip()
    if not cleaned:
        return None
    try:
        return json.loads(cleaned)
    except (json.JSONDecodeError, RecursionError):
        return None


def as_list(value: Any) -> list[Any]:
    """A PowerShell result as a list: None -> [], a single object -> [object]."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def prop(obj: Any, name: str) -> Any:
    """A property by name, case-insensitively (PowerShell names are case-insensitive)."""
    if not isinstance(obj, Mapping):
        return None
    if name in obj:
        return obj[name]
    low = name.lower()
    for key, value in obj.items():
        if isinstance(key, str) and key.lower() == low:
            return value
    return None


def as_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, Mapping):
        # SecurityIdentifier and similar objects carry their text in "Value".
        inner = prop(value, "Value")
        return inner if isinstance(inner, str) else None
    return None


def as_bool(value: Any) -> bool | None:
    """True/False from JSON booleans, 0/1 (GpoBoolean 2 = NotConfigured -> None), or text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return {0: False, 1: True}.get(value)
    if isinstance(value, str):
        return {"true": True, "false": False, "1": True, "0": False}.get(value.strip().lower())
    return None


def as_int(value: Any) -> int | None:
    """An integer from a number or text ("42", "4,0" is not an int)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,20}\s*", value):
        return int(value)
    return None


def as_float(value: Any) -> float | None:
    """A number, accepting a comma as decimal separator ("218,2344")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,15}([.,]\d{1,15})?\s*", value):
        number = float(value.strip().replace(",", "."))
    else:
        return None
    return number if math.isfinite(number) else None


def as_age(value: Any) -> int | None:
    """A Defender age in days; 4294967295 (or 65535) means "never" and gives None."""
    number = as_int(value)
    if number is None or number < 0 or number >= UINT32_NEVER or number == UINT16_NEVER:
        return None
    return number


def as_datetime(value: Any) -> datetime | None:
    """A UTC datetime from "\\/Date(ms)\\/", the DateTime-with-properties object or ISO text.

    Locale-formatted text ("6/4/2024 8:06:27 AM", "18-10-2022 09:18:29 AM") is ambiguous
    between day-first and month-first and gives None. The FILETIME origin (year 1600/1601),
    the "never" sentinel, gives None as well.
    """
    if isinstance(value, Mapping):
        return as_datetime(prop(value, "value"))
    if not isinstance(value, str):
        return None
    text = value.strip()
    match = _MS_DATE.match(text.replace("\\/", "/"))
    if match:
        try:
            moment = datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    else:
        if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
            return None
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
    if moment.year in _FILETIME_ORIGIN_YEARS or moment.year < 1980:
        return None
    return moment


def as_braced_list(value: Any) -> list[str] | None:
    """A list of names from a JSON array or Format-List text such as "{RecoveryPassword, Tpm}"."""
    if isinstance(value, list):
        items = [as_text(v) for v in value]
        return [v for v in items if v]
    if isinstance(value, str):
        inner = value.strip()
        if inner.startswith("{") and inner.endswith("}"):
            inner = inner[1:-1]
        return [part.strip() for part in inner.split(",") if part.strip()]
    return None
