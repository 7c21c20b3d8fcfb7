"""Windows and macOS fixes: generated scripts (apply, undo) that the workstation runs.

Each script saves what it changes into a state file before changing anything (and refuses
to overwrite an existing one), checks its own elevation instead of assuming it, and its
undo restores exactly the saved values. Every command cites its vendor documentation in a
comment beside it."""

from __future__ import annotations

from dataclasses import dataclass

from dentsec.checks.catalog import Text

APPLY, UNDO = "apply", "undo"


@dataclass(frozen=True)
class ScriptFix:
    name: str
    os: str
    """``windows`` (PowerShell 5.1, no external module) or ``macos`` (POSIX sh)."""
    checks: tuple[str, ...]
    title: Text
    changes: Text
    risks: Text
    apply: str
    """Body of the apply script: saves the state, then changes."""
    undo: str
    """Body of the undo script: restores from the state file."""
    docs: tuple[str, ...]
    explain_only: bool = False
    """Changes nothing (BitLocker): the script only tells the status and the way to do it."""

    @property
    def extension(self) -> str:
        return ".ps1" if self.os == "windows" else ".sh"
