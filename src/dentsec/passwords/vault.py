"""Health of a KeePass database: reused, nearly reused, weak, old, expired and empty
passwords, never showing one. Reuse is reported by entry title only; the other lists add
the URL and group to find the entry.

A password's age is taken from the entry's history: the date of the oldest saved version
that already had today's password. The entry's own modification time is not used, as any
edit (a note, a URL) changes it. An entry whose KeePass expiry date has passed is to be
changed, whatever its age.

Near reuse is what cracking rules try once one password is known: the same letters with
other digits or symbols ("Cabinet2023!", "Cabinet2024!"), or one or two characters changed
("password", "password-1").
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
from dentsec.passwords.matchers import LEET
from dentsec.passwords.wordlists import fold

NEAR_DISTANCE = 2  # characters changed, added or removed
NEAR_MIN_LENGTH = 6  # shorter ones are weak anyway, and close to everything
BASE_MIN_LETTERS = 4


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
class ExpiredEntry:
    entry: EntryRef
    expired: datetime


@dataclass(frozen=True)
class NearGroup:
    titles: tuple[str, ...]
    same_base: bool  # the same letters, other digits or symbols
    close: bool  # at most NEAR_DISTANCE characters apart


@dataclass(frozen=True)
class VaultReport:
    entries: int
    reused: tuple[tuple[EntryRef, ...], ...]
    near: tuple[NearGroup, ...]
    weak: tuple[WeakEntry, ...]
    old: tuple[OldEntry, ...]
    expired: tuple[ExpiredEntry, ...]
    empty: tuple[EntryRef, ...]
    renewal_days: int
    checked_at: datetime

    @property
    def to_fix(self) -> bool:
        return bool(self.reused or self.near or self.weak or self.old or self.expired
                    or self.empty)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": "dentsec.vault-health/1",
            "checked_at": self.checked_at.isoformat(),
            "entries": self.entries,
            "renewal_days": self.renewal_days,
            "reused": [[{"title": e.title} for e in group] for group in self.reused],
            "near_reused": [{"titles": list(g.titles), "same_base": g.same_base,
                             "close": g.close} for g in self.near],
            "weak": [{**w.entry.to_json(), "score": w.score, "common": w.common,
                      "policy_ok": w.policy_ok, "feedback": list(w.feedback)}
                     for w in self.weak],
            "old": [{**o.entry.to_json(), "password_changed": o.changed.isoformat(),
                     "age_days": o.age_days} for o in self.old],
            "expired": [{**x.entry.to_json(), "expired_at": x.expired.isoformat()}
                        for x in self.expired],
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
    expired: list[ExpiredEntry] = []
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
        expiry = _aware(entry.expiry_time) if entry.expires else None
        if expiry is not None and expiry <= now:
            expired.append(ExpiredEntry(ref, expiry))
    reused = tuple(tuple(refs) for refs in by_password.values() if len(refs) > 1)
    return VaultReport(len(entries), reused, near_reuse(by_password), tuple(weak), tuple(old),
                       tuple(expired), tuple(empty), policy.renewal_days, now)


def base_word(password: str) -> str:
    """The letters of a password, lower case, without accents, with a look-alike digit or
    symbol between two letters read back ("C@binet-2024#" -> "cabinet")."""
    folded = fold(password)
    read = "".join(c.translate(LEET) if 0 < k < len(folded) - 1 and folded[k - 1].isalpha()
                   and folded[k + 1].isalpha() else c for k, c in enumerate(folded))
    return "".join(c for c in read if c.isalpha())


def within(a: str, b: str, limit: int) -> bool:
    """Levenshtein distance of a and b <= limit, computed in a band of width limit."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        low, high = max(1, i - limit), min(len(b), i + limit)
        current = [i] + [limit + 1] * len(b)
        for j in range(low, high + 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1,
                             previous[j - 1] + (ca != b[j - 1]))
        if min(current[max(0, low - 1):high + 1]) > limit:
            return False
        previous = current
    return previous[len(b)] <= limit


def near_reuse(by_password: dict[str, list[EntryRef]]) -> tuple[NearGroup, ...]:
    """Groups of entries whose (different) passwords are variants of one another."""
    passwords = [p for p in by_password if len(p) >= NEAR_MIN_LENGTH]
    parent = list(range(len(passwords)))
    why: dict[int, set[str]] = defaultdict(set)

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def join(a: int, b: int, reason: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[rb] = ra
            why[ra] |= why.pop(rb, set())
        why[ra].add(reason)

    by_base: dict[str, int] = {}
    for k, password in enumerate(passwords):
        base = base_word(password)
        if len(base) >= BASE_MIN_LETTERS:
            if base in by_base:
                join(by_base[base], k, "base")
            else:
                by_base[base] = k
    for a, first in enumerate(passwords):
        # Two edits leave one of three parts of ``first`` untouched, so it is in the other
        # one: a substring test (fast) before the distance (slow).
        third = len(first) // (NEAR_DISTANCE + 1)
        parts = [first[k * third:(k + 1) * third] for k in range(NEAR_DISTANCE)]
        parts.append(first[NEAR_DISTANCE * third:])
        for b in range(a + 1, len(passwords)):
            other = passwords[b]
            if any(part in other for part in parts) and within(first, other, NEAR_DISTANCE):
                join(a, b, "close")
    members: dict[int, list[str]] = defaultdict(list)
    for k, password in enumerate(passwords):
        members[root(k)].append(password)
    return tuple(NearGroup(tuple(ref.title for p in group for ref in by_password[p]),
                           "base" in why[k], "close" in why[k])
                 for k, group in members.items() if len(group) > 1)


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
