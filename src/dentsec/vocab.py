"""The words every layer shares: operating systems, verdicts, severities, efforts and the
kinds of evidence errors. One spelling each, so a typo is a type error, not a silent miss.

All are ``StrEnum``: a member equals its string (``Status.PASS == "pass"``), so JSON,
templates and bundles keep the plain words.
"""

from __future__ import annotations

import re
from enum import StrEnum


class OSFamily(StrEnum):
    LINUX = "linux"
    WINDOWS = "windows"
    MACOS = "macos"

    @property
    def label(self) -> str:
        """The product name a user knows (the same in French and English)."""
        return {"linux": "Linux", "windows": "Windows", "macos": "macOS"}[self.value]


OS_FAMILIES: tuple[str, ...] = tuple(f.value for f in OSFamily)
"""The OS names as plain strings (click choices, schema enums)."""


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    UNKNOWN = "unknown"
    NA = "na"

    @property
    def text(self) -> dict[str, str]:
        return _STATUS_TEXT[self.value]


STATUS_ORDER: tuple[Status, ...] = (Status.FAIL, Status.WARN, Status.UNKNOWN, Status.PASS,
                                    Status.NA)
"""Worst first: the order reports list findings in."""
TO_DO: tuple[Status, ...] = (Status.FAIL, Status.WARN)
"""What the practice has to act on."""


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def text(self) -> dict[str, str]:
        return _SEVERITY_TEXT[self.value]


class Effort(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def text(self) -> dict[str, str]:
        return _EFFORT_TEXT[self.value]


_STATUS_TEXT = {
    "pass": {"fr": "Conforme", "en": "Pass"},
    "fail": {"fr": "À corriger", "en": "Fail"},
    "warn": {"fr": "À surveiller", "en": "Warning"},
    "unknown": {"fr": "Inconnu", "en": "Unknown"},
    "na": {"fr": "Sans objet", "en": "N/A"},
}
_SEVERITY_TEXT = {
    "critical": {"fr": "critique", "en": "critical"},
    "high": {"fr": "élevée", "en": "high"},
    "medium": {"fr": "moyenne", "en": "medium"},
    "low": {"fr": "faible", "en": "low"},
}
_EFFORT_TEXT = {
    "low": {"fr": "rapide", "en": "quick"},
    "medium": {"fr": "quelques heures", "en": "a few hours"},
    "high": {"fr": "projet", "en": "a project"},
}


class ErrorKind(StrEnum):
    """Why a piece of evidence could not be read. The values are the tokens the hosts and
    bundles write in ``error`` (``CommandResult``, ``FileResult``…), so old bundles keep
    their meaning."""

    COMMAND_MISSING = "not-found"
    TIMEOUT = "timeout"
    PERMISSION = "permission"
    FILE_MISSING = "missing"
    IS_A_DIRECTORY = "is-a-directory"
    OFFLINE = "offline"
    """A command or live-only probe asked of an offline tree (``--root``)."""
    NOT_COLLECTED = "not-collected"
    """Asked of a bundle that did not record it."""
    OUTSIDE_ROOT = "outside-root"
    """A link inside an offline tree that points out of it."""
    OS_ERROR = "os-error"
    COMMAND_FAILED = "exit"
    """The command ran but ended in error."""
    UNSUPPORTED = "unsupported"
    """dentsec does not read this family on this OS yet."""
    COLLECTOR_ERROR = "collector-error"
    """dentsec's collector broke while reading (a bug, unless a later kind explains it)."""
    CHECK_ERROR = "check-error"
    """dentsec's own check broke (a bug): the finding is unknown, the audit goes on."""

    @classmethod
    def of(cls, reason: str) -> ErrorKind | None:
        """The kind named in a reason string such as ``"ss: not-found"`` or
        ``"/etc/login.defs: missing"`` (the last one named wins: it is the root cause)."""
        found: ErrorKind | None = None
        position = -1
        for kind in cls:
            for match in re.finditer(rf"(?<![\w-]){re.escape(kind.value)}(?![\w-])", reason):
                if match.start() > position:
                    found, position = kind, match.start()
        return found
