"""Stale restic locks: a killed run leaves its lock behind and blocks the next prune or
check. A lock is cleared only when it was taken on this machine by a process that no longer
exists; ``restic unlock`` (without --remove-all) then removes only stale locks itself.

restic 0.14 itself ignores a stale lock of this host when it takes a new one, but leaves it
in place; dentsec removes it so the repository shows no phantom operation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from dentsec.backup.config import this_host
from dentsec.backup.restic import LockInfo, Restic, parse_lock
from dentsec.backup.status import pid_alive

LOCK_NAME = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class LockReport:
    stale: list[LockInfo]
    live: list[LockInfo]


def inspect_locks(restic: Restic) -> LockReport:
    listing = restic.check(["--no-lock", "list", "locks"])
    here = this_host()
    stale, live = [], []
    for lock_id in listing.stdout.split():
        shown = restic.run(["--no-lock", "cat", "lock", lock_id])
        info = parse_lock(shown.stdout) if shown.ok else None
        if info is None:
            continue  # removed meanwhile, or unreadable: leave it to restic
        if info.hostname == here and not pid_alive(info.pid):
            stale.append(info)
        else:
            live.append(info)
    return LockReport(stale, live)


def locks_present(repository: str) -> bool:
    """A free look at a local repository's ``locks/`` folder before asking restic."""
    try:
        # restic names a lock by its 64-hex ID; "<id>-tmp-<n>" is a half-written one
        return any(LOCK_NAME.fullmatch(p.name) for p in Path(repository, "locks").iterdir())
    except OSError:
        return True  # cannot tell: let restic answer


def clear_stale_locks(restic: Restic) -> LockReport:
    report = inspect_locks(restic)
    if report.stale:
        restic.check(["unlock"])
    return report
