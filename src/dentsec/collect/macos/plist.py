"""Property lists read in a locale-independent way.

Files are converted by ``plutil -convert xml1 -o - <file>`` rather than ``-convert json``:
JSON conversion refuses plists holding dates or data (InstallHistory, Time Machine),
while the XML form keeps every type and is parsed by :mod:`plistlib`.
"""

from __future__ import annotations

import plistlib
import re
from datetime import UTC, datetime
from typing import Any

from dentsec.collect.macos.plan import PLUTIL_TIMEOUT, plutil_argv
from dentsec.host import Host

_START = re.compile(r"<\?xml|<plist|<!DOCTYPE plist")


def loads(text: str) -> Any | None:
    """The value of the first XML plist inside ``text`` (tools print a line before it)."""
    match = _START.search(text)
    if not match:
        return None
    end = text.find("</plist>", match.start())
    body = text[match.start(): end + len("</plist>")] if end >= 0 else text[match.start():]
    try:
        return plistlib.loads(body.encode("utf-8"), fmt=plistlib.FMT_XML)
    except Exception:  # noqa: BLE001 - expat/plistlib raise many types on damaged input
        return None


def loads_dict(text: str) -> dict[str, Any] | None:
    value = loads(text)
    return value if isinstance(value, dict) else None


def plutil_failure(path: str, output: str) -> str:
    """Why plutil could not read a file. It prints "<path>: file does not exist or is not
    readable or is not a regular file (Error Domain=NSCocoaErrorDomain Code=260 …)" on
    stdout; the Cocoa code tells a missing file (260) from a refused one (257)."""
    if "Code=260" in output:
        return f"missing: {path}"
    if "Code=257" in output:
        return f"permission: {path}"
    first = (output.strip().splitlines() or [""])[0][:200]
    return f"plutil: {first or 'failed'}"


def read_plist(host: Host, path: str) -> tuple[dict[str, Any] | None, str | None]:
    """(dictionary, None) or (None, why it could not be read)."""
    res = host.run(plutil_argv(path), timeout=PLUTIL_TIMEOUT)
    if res.error is not None:
        return None, res.why_not()
    if res.exit_code != 0:
        return None, plutil_failure(path, res.stdout + "\n" + res.stderr)
    value = loads_dict(res.stdout)
    if value is None:
        return None, f"{path}: not a property list dictionary"
    return value, None


def as_bool(value: Any) -> bool | None:
    """Plist booleans come as <true/>, 0/1 integers or "1"/"YES" strings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("1", "yes", "true"):
            return True
        if low in ("0", "no", "false"):
            return False
    return None


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]{1,18}\s*", value):
        return int(value.strip())
    return None


def as_utc(value: Any) -> datetime | None:
    """Plist dates are UTC; plistlib returns them naive."""
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
