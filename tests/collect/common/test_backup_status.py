"""The dentsec backup status file, read the same way on every OS."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from dentsec.collect.common.backup_status import apply_status, disk_always_connected
from dentsec.facts import Backup

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _checks(flags: list[bool], step: timedelta = timedelta(days=1)) -> list[dict[str, object]]:
    return [{"at": (T0 + n * step).isoformat(), "connected": f} for n, f in enumerate(flags)]


def test_disk_always_connected_needs_seven_checks_over_seven_days() -> None:
    assert disk_always_connected(_checks([True] * 8)) is True
    assert disk_always_connected(_checks([True] * 6)) is None
    assert disk_always_connected(_checks([True] * 20, timedelta(hours=1))) is None
    assert disk_always_connected(_checks([False] + [True] * 8)) is True  # only the last week
    assert disk_always_connected(_checks([True] * 7 + [False])) is False
    assert disk_always_connected("nope") is None


def test_status_file() -> None:
    fam = Backup()
    apply_status(fam, json.dumps({
        "schema": "dentsec.backup-status/1", "repository": "/media/usb/x",
        "last_run": {"ok": False, "error": "disk full"}, "last_success": "2026-11-20T01:00:00+00:00",
        "last_verify": None, "last_drill": {"at": "2026-10-01T10:00:00Z", "ok": True},
        "disk_checks": [], "providers": [{"name": "ovh", "assessed_at": None}]}))
    assert fam.dentsec_configured and fam.tools[0].last_ok is False
    assert fam.tools[0].last_backup == datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    assert fam.last_verify is None and fam.last_drill_ok is True
    assert fam.cloud_providers == ["ovh"] and fam.cloud_providers_assessed == []
    assert "disk_always_connected" in fam.unknown


@pytest.mark.parametrize("text", ["{", "[]", '{"schema": "other/1"}'])
def test_not_a_status_file(text: str) -> None:
    with pytest.raises(ValueError):
        apply_status(Backup(), text)
