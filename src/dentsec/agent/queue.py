"""Reports waiting to be sent: one file each under DENTSEC_HOME/agent/queue, written
atomically, sent oldest first, removed only once the server has stored them.

File names start with a nanosecond timestamp and a counter, so sorting them gives the
order they were queued in. A report the server refuses for good (malformed, too large)
moves to ``queue/refused`` rather than being deleted: nothing is lost silently.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dentsec.agent.config import agent_dir
from dentsec.fileio import atomic_write_bytes

_counter = itertools.count()


def queue_dir() -> Path:
    return agent_dir() / "queue"


def refused_dir() -> Path:
    return queue_dir() / "refused"


def enqueue(report: bytes) -> Path:
    digest = hashlib.sha256(report).hexdigest()[:16]
    name = f"{time.time_ns():020d}-{os.getpid()}-{next(_counter):06d}-{digest}.json"
    path = queue_dir() / name
    atomic_write_bytes(path, report, mode=0o600)
    return path


def pending() -> list[Path]:
    folder = queue_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix == ".json" and not p.name.startswith("."))


class Outcome:
    STORED = "stored"        # the server has it (new, or already had it): remove
    REFUSED = "refused"      # permanently refused: set aside
    RETRY = "retry"          # server unreachable or busy: keep, stop for now
    REVOKED = "revoked"      # this device was revoked: keep what is queued, stop


@dataclass
class DrainResult:
    sent: int = 0
    refused: int = 0
    left: int = 0
    error: str | None = None
    revoked: bool = False


def drain(send: Callable[[bytes], tuple[str, str | None]]) -> DrainResult:
    """Send queued reports oldest first until the queue is empty or the server fails."""
    result = DrainResult()
    files = pending()
    for index, path in enumerate(files):
        try:
            body = path.read_bytes()
        except FileNotFoundError:
            continue  # another agent run sent it meanwhile
        outcome, error = send(body)
        if outcome == Outcome.STORED:
            path.unlink(missing_ok=True)
            result.sent += 1
        elif outcome == Outcome.REFUSED:
            refused_dir().mkdir(parents=True, exist_ok=True)
            os.replace(path, refused_dir() / path.name)
            result.refused += 1
            result.error = error
        else:
            result.left = len(files) - index
            result.error = error
            result.revoked = outcome == Outcome.REVOKED
            return result
    return result
