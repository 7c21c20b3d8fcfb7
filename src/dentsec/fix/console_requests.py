"""Fixes asked from the practice console, kept on the workstation until its person answers
(``DENTSEC_HOME/fixes/requests/ID.json``, schema ``dentsec.fix-request/1``).

``dentsec agent run`` only stores them (it runs unattended: it never applies anything);
``dentsec fix --requests`` shows each one, and the person applies or refuses it. The
answer is a fix record carrying the request id, which the next report takes to the
console (fix/upload.py). Everything here came over the network: it is checked, bounded,
and only ever used as a check id and words to show.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dentsec.errors import DentsecError
from dentsec.fileio import atomic_write_text
from dentsec.fix import store
from dentsec.fix.flow import Verdict, finish_record, new_record
from dentsec.fix.model import is_request_id

SCHEMA = "dentsec.fix-request/1"
CHECK_ID = re.compile(r"^[A-Z0-9-]{1,40}$")
FIX_NAME = re.compile(r"^[a-z0-9-]{1,60}$")
MAX_KEPT = 20
"""At most this many requests kept at once (the console sends no more)."""


@dataclass(frozen=True)
class Request:
    id: int
    check: str
    fix: str
    requested_by: str
    requested_at: datetime
    expires_at: datetime

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires_at <= (now or datetime.now(UTC))

    def to_json(self) -> str:
        return json.dumps({"schema": SCHEMA, "id": self.id, "check": self.check,
                           "fix": self.fix, "requested_by": self.requested_by,
                           "requested_at": self.requested_at.isoformat(),
                           "expires_at": self.expires_at.isoformat()},
                          ensure_ascii=False, indent=2) + "\n"


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        found = datetime.fromisoformat(value)
    except ValueError:
        return None
    return found if found.tzinfo is not None else None


def _printable(value: Any, limit: int) -> str | None:
    """A name to show in a terminal: no control characters (no escape sequences)."""
    if not isinstance(value, str):
        return None
    text = "".join(c for c in value if c.isprintable()).strip()[:limit]
    return text or None


def parse(item: Any) -> Request | None:
    """One request as the console sent it (or as stored), or None when anything is off."""
    if not isinstance(item, dict):
        return None
    ident, check, fix = item.get("id"), item.get("check"), item.get("fix")
    who = _printable(item.get("requested_by"), 150)
    asked, expires = _when(item.get("requested_at")), _when(item.get("expires_at"))
    if not is_request_id(ident):
        return None
    if not (isinstance(check, str) and CHECK_ID.match(check)
            and isinstance(fix, str) and FIX_NAME.match(fix)):
        return None
    if who is None or asked is None or expires is None:
        return None
    return Request(ident, check, fix, who, asked, expires)


def requests_dir() -> Path:
    return store.fixes_dir() / "requests"


def _path(ident: int) -> Path:
    return requests_dir() / f"{ident}.json"


def answered_ids() -> set[int]:
    """Requests this workstation already answered (a fix record carries their id)."""
    return {r["request"] for r in store.history() if isinstance(r.get("request"), int)}


def pending() -> list[Request]:
    """The stored requests, oldest first; an unreadable file is skipped."""
    folder = requests_dir()
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            req = parse(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
        if req is not None and path.name == f"{req.id}.json":
            found.append(req)
    return sorted(found, key=lambda r: (r.requested_at, r.id))


def drop(ident: int) -> None:
    with contextlib.suppress(OSError):
        _path(ident).unlink()


def receive(items: Any, withdrawn: Any) -> list[Request]:
    """Store what the console sent (dropping what it withdrew); the requests now waiting
    for the person at the workstation. Nothing here changes the system."""
    if isinstance(withdrawn, list):
        for ident in withdrawn:
            if is_request_id(ident):
                drop(ident)
    done = answered_ids()
    kept = {r.id for r in pending()}
    for item in items if isinstance(items, list) else []:
        req = parse(item)
        if req is None or req.id in done or req.expired():
            continue
        if req.id not in kept and len(kept) >= MAX_KEPT:
            continue
        try:
            requests_dir().mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise DentsecError(f"Impossible de garder les corrections demandées dans "
                               f"{requests_dir()} : {exc}",
                               f"Cannot keep the requested fixes in {requests_dir()}: "
                               f"{exc}") from exc
        atomic_write_text(_path(req.id), req.to_json(), 0o600)
        kept.add(req.id)
    return [r for r in pending() if not r.expired()]


def record_answer(req: Request, status: str, os_family: str, root: str,
                  before: Verdict | None, fr: str, en: str) -> None:
    """A request answered without running the fix (refused by the person, or impossible
    here): a fix record that changed nothing, so the console learns the answer."""
    fix_id, folder = store.new_folder(req.fix)
    record = new_record(fix_id, req.fix, req.check, (req.check,), os_family, root, before,
                        req.id)
    finish_record(folder, record, status, before.status if before else None, fr, en)
    drop(req.id)
