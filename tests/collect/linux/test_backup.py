"""Linux-only backup traces."""

from __future__ import annotations

from datetime import UTC, datetime

from dentsec.collect.linux.backup import timeshift_time


def test_timeshift_names() -> None:
    assert timeshift_time("2026-11-28_10-00-01") == datetime(2026, 11, 28, 10, 0, 1, tzinfo=UTC)
    assert timeshift_time("2026-13-28_10-00-01") is None and timeshift_time("x") is None
