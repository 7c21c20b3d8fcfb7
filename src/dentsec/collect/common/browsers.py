"""Browser profile files read the same way on every OS: counts and settings, never secrets."""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

FIREFOX_OPEN_ACTIONS = {2, 4}  # useHelperApp, useSystemDefault


def count_firefox_logins(text: str) -> int:
    """Entries of a Firefox ``logins.json`` (their fields stay encrypted and unread)."""
    data = json.loads(text)
    logins = data.get("logins") if isinstance(data, dict) else None
    return len(logins) if isinstance(logins, list) else 0


def _count_logins(uri: str) -> int:
    con = sqlite3.connect(uri, uri=True)
    try:
        columns = {row[1] for row in con.execute("PRAGMA table_info(logins)")}
        where = " WHERE blacklisted_by_user = 0" if "blacklisted_by_user" in columns else ""
        row = con.execute(f"SELECT COUNT(*) FROM logins{where}").fetchone()  # noqa: S608 - fixed text
    finally:
        con.close()
    return int(row[0])


def count_chromium_logins(path: str) -> int:
    """Saved passwords in a Chromium "Login Data" file (sites marked "never save" excluded).

    ``immutable=1`` never takes a lock nor touches the journal of a running browser. On
    Windows the running browser holds the file exclusively: a temporary copy is read instead
    and deleted at once."""
    try:
        return _count_logins(f"file:{quote(path)}?mode=ro&immutable=1")
    except (sqlite3.OperationalError, PermissionError):
        with tempfile.TemporaryDirectory(prefix="dentsec-") as tmp:
            copy = Path(tmp) / "LoginData"
            shutil.copyfile(path, copy)
            return _count_logins(f"file:{quote(str(copy))}?mode=ro")


def firefox_auto_open(handlers_json: str) -> list[str]:
    """Extensions (or MIME types without any) that Firefox opens with a program by itself."""
    data = json.loads(handlers_json)
    mime = data.get("mimeTypes") if isinstance(data, dict) else None
    out: list[str] = []
    if not isinstance(mime, dict):
        return out
    for mtype, entry in mime.items():
        action = entry.get("action") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or not isinstance(action, int) \
                or action not in FIREFOX_OPEN_ACTIONS:
            continue
        if entry.get("ask") is True:
            continue
        exts = entry.get("extensions")
        if isinstance(exts, list) and exts:
            out.extend(str(e).lower() for e in exts)
        else:
            out.append(str(mtype))
    return sorted(set(out))


def split_extensions(value: Any) -> list[str]:
    """Chromium's ``download.extensions_to_open``: extensions separated by colons."""
    if not isinstance(value, str):
        return []
    return sorted({p.strip().lower() for p in value.split(":") if p.strip()})


def chromium_auto_open(preferences: dict[str, Any]) -> list[str]:
    """``download.extensions_to_open`` of a Chromium Preferences file."""
    download = preferences.get("download")
    return split_extensions(download.get("extensions_to_open") if isinstance(download, dict) else None)
