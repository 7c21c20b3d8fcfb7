"""What a collector may ask of a host, and the shapes of the answers (the evidence)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

JSONValue = Any
"""A JSON-serialisable value (what a probe returns)."""

DEFAULT_MAX_BYTES = 256 * 1024


class OutsideRoot(PermissionError):
    """A path of an offline tree that resolves (through links) out of it: reading it would
    read the auditing machine instead."""


def under_root(root: str, *parts: str) -> str:
    """The path of ``parts`` inside the offline tree ``root`` ("" = the live machine's /),
    or :class:`OutsideRoot`. Probes build every path they open with it, as the host does."""
    joined = os.path.join(root or "/", *(part.lstrip("/") for part in parts))
    if root:
        base = os.path.realpath(root)
        if os.path.commonpath([base, os.path.realpath(joined)]) != base:
            raise OutsideRoot(joined)
    return joined


@dataclass(frozen=True)
class CommandResult:
    argv: tuple[str, ...]
    exit_code: int | None
    stdout: str
    stderr: str
    error: str | None = None
    """None when the command ran; else not-found, timeout, permission, offline, not-collected…"""
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None and self.exit_code == 0

    def why_not(self) -> str:
        """A short reason, for an ``unknown`` fact, when the command gave nothing usable."""
        name = self.argv[0] if self.argv else "?"
        if self.error:
            return f"{name}: {self.error}"
        detail = (self.stderr.strip().splitlines() or [""])[-1][:200]
        return f"{name}: exit {self.exit_code}" + (f" ({detail})" if detail else "")


@dataclass(frozen=True)
class FileResult:
    path: str
    text: str | None
    error: str | None = None
    """None when read; else missing, permission, offline, too-large, not-collected…"""
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return self.text is not None

    def why_not(self) -> str:
        return f"{self.path}: {self.error or 'unreadable'}"


@dataclass(frozen=True)
class DirResult:
    path: str
    entries: tuple[str, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class ProbeResult:
    """Evidence obtained through a Python API (psutil, sqlite) rather than a command."""

    name: str
    value: JSONValue = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class HostInfo:
    os_family: str
    """linux, windows or macos."""
    hostname: str = ""
    mode: str = "live"
    """live, root (an offline tree) or evidence (a recorded bundle)."""
    is_admin: bool | None = None
    recorded_mode: str = "live"
    """For a bundle: the mode it was collected in (live or root)."""
    collected_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    """The as-of time of every age computed from this host's facts."""
    details: dict[str, str] = field(default_factory=dict)

    @property
    def runs_commands(self) -> bool:
        """Commands answer on a live host and replay from a bundle; an offline tree has none.

        Collectors must branch on this (or on a result's error), never on ``mode == "live"``:
        a bundle must replay exactly what the live host answered.
        """
        return (self.recorded_mode if self.mode == "evidence" else self.mode) != "root"


class Host(Protocol):
    """Read-only access to a machine. Implementations never raise for a failed read."""

    info: HostInfo

    def run(self, argv: Sequence[str], timeout: float = 10.0, cwd: str | None = None) -> CommandResult:
        """Run a program. ``cwd`` is not part of the evidence key: replay matches argv only."""
        ...

    def read_text(
        self,
        path: str,
        max_bytes: int = DEFAULT_MAX_BYTES,
        redact: Callable[[str], str] | None = None,
    ) -> FileResult:
        """Read a text file. ``redact`` runs before the text is kept as evidence."""
        ...

    def list_dir(self, path: str) -> DirResult: ...

    def probe(
        self, name: str, fn: Callable[[str], JSONValue], live_only: bool = False
    ) -> ProbeResult:
        """Run ``fn(root)`` (root is "" on a live host) and keep its JSON result as evidence.

        ``name`` identifies the probe in a bundle and must include its arguments. A probe
        returns counts and settings only, never a secret. ``live_only`` probes (sockets,
        processes) are unavailable on an offline tree.
        """
        ...
