"""What a fix declares: the checks it makes pass, what it changes and could break, its plan.

A fix never touches the machine itself: ``plan(target)`` reads the files it needs through
the :class:`Target` and returns the exact bytes each file will hold. The flow
(``dentsec.fix.flow``) shows that plan, saves the previous state, writes, re-audits and
restores; so every fix gets the same preview, confirmation, undo and history for free.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeGuard

from dentsec.checks.catalog import Text
from dentsec.checks.policy import Policy
from dentsec.errors import DentsecError, os_reason
from dentsec.host.base import OutsideRoot, under_root

FIXABLE = ("fail", "warn", "unknown")
"""Verdicts a fix may start from (unknown: the re-audit will prove it passes); the console
offers a fix request from the same ones."""
MAX_REQUEST_ID = 2**53 - 1
"""A console fix request's id travels in JSON: at most what every JSON reader holds exactly."""


def is_request_id(value: object) -> TypeGuard[int]:
    """A fix request id as the console and the workstation exchange it (never a bool)."""
    return isinstance(value, int) and not isinstance(value, bool) and \
        0 < value <= MAX_REQUEST_ID


class Refused(DentsecError):
    """A fix that cannot run safely here (missing package, no working SSH key…)."""


@dataclass(frozen=True)
class Setting:
    """One setting as the preview shows it: ``name : before → after`` (None = absent)."""

    name: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Edit:
    """The new state of one file: ``content`` bytes, a symbolic ``link``, or removal."""

    path: str
    """Absolute path as the workstation names it (``/etc/login.defs``), even under --root."""
    content: bytes | None = None
    link: str | None = None
    settings: tuple[Setting, ...] = ()
    mode: int = 0o644
    """Mode of a file the fix creates; an existing file keeps its own."""

    @property
    def removes(self) -> bool:
        return self.content is None and self.link is None


@dataclass(frozen=True)
class Plan:
    edits: tuple[Edit, ...]
    commands: tuple[tuple[str, ...], ...] = ()
    """Run after writing, on a live system only (check then reload sshd, load nft rules)."""
    undo_commands: tuple[tuple[str, ...], ...] = ()
    """Run after the files are restored (rollback or undo), on a live system only."""
    notes: tuple[Text, ...] = ()


@dataclass(frozen=True)
class FileState:
    """A file as it is now: bytes, link target, or absent."""

    content: bytes | None
    link: str | None
    mode: int | None

    @property
    def exists(self) -> bool:
        return self.content is not None or self.link is not None


@dataclass
class Target:
    """The system a fix changes: this machine (``root`` = "/") or an offline tree."""

    root: str
    policy: Policy
    device_wide: bool = False
    user: str | None = None
    """The person running the fix (their browser profiles when not --device-wide)."""
    _cache: dict[str, FileState] = field(default_factory=dict)

    @property
    def live(self) -> bool:
        return self.root == "/"

    def real(self, path: str) -> str:
        """Where ``path`` is on this machine; a folder linking out of the tree is refused,
        so a fix of a tree never writes the auditing machine's own files."""
        if self.live:
            return path
        try:
            folder = under_root(self.root, os.path.dirname(path))
        except OutsideRoot:
            raise Refused(f"{path} sort de l'arborescence {self.root} (lien) : refusé.",
                          f"{path} leads out of the tree {self.root} (link): refused.") from None
        return os.path.join(folder, os.path.basename(path))

    def state(self, path: str) -> FileState:
        """What ``path`` holds now (never cached: the flow compares before writing)."""
        real = self.real(path)
        try:
            info = os.lstat(real)
            if stat.S_ISLNK(info.st_mode):
                return FileState(None, os.readlink(real), None)
            with open(real, "rb") as fh:
                return FileState(fh.read(), None, stat.S_IMODE(info.st_mode))
        except FileNotFoundError:
            return FileState(None, None, None)
        except OSError as exc:
            fr, en = os_reason(exc)
            hint_fr = " : relancez en administrateur (sudo dentsec fix …)" \
                if isinstance(exc, PermissionError) else ""
            hint_en = ": run as administrator (sudo dentsec fix …)" if hint_fr else ""
            raise DentsecError(f"Lecture de {path} impossible ({fr}){hint_fr}. Rien n'a été "
                               "modifié.", f"Cannot read {path} ({en}){hint_en}. Nothing was "
                               "changed.") from exc

    def read(self, path: str) -> bytes | None:
        """File bytes as read for planning (one read per path, so the preview is stable)."""
        if path not in self._cache:
            self._cache[path] = self.state(path)
        return self._cache[path].content

    def text(self, path: str) -> str | None:
        data = self.read(path)
        return data.decode("utf-8", "replace") if data is not None else None

    def exists(self, path: str) -> bool:
        return os.path.lexists(self.real(path))

    def list_dir(self, path: str) -> list[str]:
        try:
            return sorted(os.listdir(self.real(path)))
        except OSError:
            return []


@dataclass(frozen=True)
class Fix:
    name: str
    """Stable name, e.g. ``linux-pwquality``."""
    os: str
    checks: tuple[str, ...]
    """The checks this fix makes pass; the first is the one named in the history."""
    title: Text
    changes: Text
    """What changes, in a sentence a practice can read."""
    risks: Text
    """What it could break, and how the IT provider keeps access."""
    plan: Callable[[Target], Plan]
    per_person: bool = False
    """Changes each person's own settings: only the current user's unless --device-wide."""
