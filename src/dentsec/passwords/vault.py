"""Health of a KeePass database: reused, weak and old passwords, reported by entry title,
URL and group only.

A password's age is taken from the entry's history: the date of the oldest saved version
that already had today's password. The entry's own modification time is not used, as any
edit (a note, a URL) changes it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dentsec.checks.policy import Policy
from dentsec.errors import DentsecError
from dentsec.passwords.assess import assess


@dataclass(frozen=True)
class EntryRef:
    title: str
    url: str
    group: str

    def to_json(self) -> dict[str, str]:
        return {"title": self.title, "url": self.url, "group": self.group}


@dataclass(frozen=True)
class WeakEntry:
    entry: EntryRef
    feedback: tuple[str, ...]
    score: int
    common: bool
    policy_ok: bool


@dataclass(frozen=True)
class OldEntry:
    entry: EntryRef
    changed: datetime
    age_days: int


@dataclass(frozen=True)
class VaultReport:
    entries: int
    reused: tuple[tuple[EntryRef, ...], ...]
    weak: tuple[WeakEntry, ...]
    old: tuple[OldEntry, ...]
    empty: tuple[EntryRef, ...]
    renewal_days: int
    checked_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": "dentsec.vault-health/1",
            "checked_at": self.checked_at.isoformat(),
            "entries": self.entries,
            "renewal_days": self.renewal_days,
            "reused": [[e.to_json() for e in group] for group in self.reused],
            "weak": [{**w.entry.to_json(), "score": w.score, "common": w.common,
                      "policy_ok": w.policy_ok, "feedback": list(w.feedback)}
                     for w in self.weak],
            "old": [{**o.entry.to_json(), "password_changed": o.changed.isoformat(),
                     "age_days": o.age_days} for o in self.old],
            "empty": [e.to_json() for e in self.empty],
        }


def open_vault(path: Path, master: str, key_file: Path | None) -> Any:
    """The opened database (pykeepass is imported here only: it is slow to import)."""
    from pykeepass import PyKeePass  # type: ignore[import-untyped]
    from pykeepass.exceptions import CredentialsError  # type: ignore[import-untyped]

    if not path.is_file():
        raise DentsecError(f"Base KeePass introuvable : {path}", f"KeePass file not found: {path}")
    if key_file is not None and not key_file.is_file():
        raise DentsecError(f"Fichier clé introuvable : {key_file}", f"Key file not found: {key_file}")
    try:
        return PyKeePass(str(path), password=master or None,
                         keyfile=str(key_file) if key_file else None)
    except CredentialsError as exc:
        raise DentsecError(
            "Mot de passe maître ou fichier clé incorrect : la base n'a pas pu être ouverte.",
            "Wrong master password or key file: the database could not be opened.",
        ) from exc
    except Exception as exc:  # noqa: BLE001 - pykeepass raises many parser errors
        raise DentsecError(
            f"La base KeePass {path.name} est illisible ou endommagée "
            f"({type(exc).__name__}). Ouvrez-la dans KeePass et utilisez une sauvegarde.",
            f"The KeePass file {path.name} is unreadable or damaged ({type(exc).__name__}). "
            "Open it in KeePass and use a backup copy.",
        ) from exc


def _aware(when: datetime | None) -> datetime | None:
    if when is None:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def password_changed(entry: Any) -> datetime | None:
    """When the current password value was set, from the entry's history."""
    versions: list[tuple[datetime, str]] = sorted(
        (when, v.password or "") for v in [*entry.history, entry]
        if (when := _aware(v.mtime)) is not None
    )
    current = entry.password or ""
    since: datetime | None = None
    for when, password in reversed(versions):
        if password != current:
            break
        since = when
    if since is not None and versions and since == versions[0][0]:
        created = _aware(entry.ctime)  # never changed: it dates from the entry's creation
        if created is not None and created < since:
            since = created
    return since


def _ref(entry: Any) -> EntryRef:
    group = "/".join(entry.group.path) if entry.group is not None and entry.group.path else ""
    return EntryRef(entry.title or "", entry.url or "", group)


def review(kp: Any, policy: Policy, now: datetime | None = None) -> VaultReport:
    now = now or datetime.now(UTC)
    bin_group = _recycle_bin(kp)
    entries = [e for e in kp.entries if bin_group is None or not _in_group(e, bin_group)]
    by_password: dict[str, list[EntryRef]] = defaultdict(list)
    weak: list[WeakEntry] = []
    old: list[OldEntry] = []
    empty: list[EntryRef] = []
    for entry in entries:
        ref = _ref(entry)
        password = entry.password or ""
        if not password:
            empty.append(ref)
            continue
        by_password[password].append(ref)
        verdict = assess(password, policy)
        if not verdict.acceptable:
            weak.append(WeakEntry(ref, verdict.feedback, verdict.score,
                                  verdict.common, verdict.policy.ok))
        changed = password_changed(entry)
        if changed is not None and (now - changed).days > policy.renewal_days:
            old.append(OldEntry(ref, changed, (now - changed).days))
    reused = tuple(tuple(refs) for refs in by_password.values() if len(refs) > 1)
    return VaultReport(len(entries), reused, tuple(weak), tuple(old), tuple(empty),
                       policy.renewal_days, now)


def _recycle_bin(kp: Any) -> Any:
    """The recycle bin group (its entries are deleted ones), or None."""
    try:
        return kp.recyclebin_group
    except (AttributeError, TypeError, ValueError):  # no or bad RecycleBinUUID in Meta
        return None


def _in_group(entry: Any, group: Any) -> bool:
    parent = entry.group
    while parent is not None:
        if parent.uuid == group.uuid:
            return True
        parent = parent.parentgroup
    return False
