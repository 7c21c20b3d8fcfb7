"""The backup toolkit's one clock: every date it writes comes from ``now()``, so a test
can move dentsec's time (and only dentsec's: restic keeps the real one)."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
