"""The dentsec backup status file, read the same way on every OS."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from dentsec.backup.status import DiskCheck
from dentsec.collect.common.backup_status import apply_status, disk_always_connected
from dentsec.facts import Backup

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _days(pattern: str) -> list[DiskCheck]:
    """One day per letter: R a backup run (disk plugged in), + a look seeing the disk,
    - a look not seeing it, . nothing. Runs at 01:00, looks at 15:00."""
    checks = []
    for day, letter in enumerate(pattern):
        base = T0 + timedelta(days=day)
        if letter == "R":
            checks.append(DiskCheck(base.replace(hour=1), True, "run"))
        elif letter in "+-":
            checks.append(DiskCheck(base.replace(hour=15), letter == "+", "probe"))
    return checks


def test_offline_copy_is_a_look_between_backups() -> None:
    assert disk_always_connected(_days("R+R+R+R+")) is True
    assert disk_always_connected(_days("R+R-R+R+")) is False  # seen unplugged once
    assert disk_always_connected(_days("RRRRRRRRRR")) is None  # nobody looked between runs
    assert disk_always_connected(_days("R+R+")) is None  # too few looks yet
    assert disk_always_connected(_days("-" * 5)) is None  # no backup at all


def test_failed_runs_with_the_disk_absent_are_not_an_offline_copy() -> None:
    checks = _days("R+R+R+R+") + [DiskCheck(T0 + timedelta(days=9), False, "run")]
    assert disk_always_connected(checks) is True


def test_only_the_last_fourteen_days_count() -> None:
    assert disk_always_connected(_days("R-" + "R+" * 8)) is True


def test_status_file() -> None:
    fam = Backup()
    apply_status(fam, json.dumps({
        "schema": "dentsec.backup-status/1", "repository": "/media/usb/x",
        "last_run": {"ok": False, "error": "disque plein", "started": "2026-11-21T01:00:00Z",
                     "finished": "2026-11-21T01:05:00Z"},
        "last_success": "2026-11-20T01:00:00+00:00",
        "last_verify": None, "last_drill": {"at": "2026-10-01T10:00:00Z", "ok": True},
        "damage": {"since": "2026-11-02T10:00:00Z", "by": "verify", "error": "endommagé"},
        "placement": {"same_disk": True},
        "disk_checks": [], "providers": [{"name": "ovh", "assessed_at": None}]}))
    assert fam.dentsec_configured and fam.tools[0].last_ok is False
    assert fam.tools[0].last_backup == datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    assert fam.last_run_error == "disque plein"
    assert fam.last_run_at == datetime(2026, 11, 21, 1, 5, tzinfo=UTC)
    assert fam.damaged_since == datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    assert fam.repository_same_disk is True
    assert fam.last_verify is None and fam.last_drill_ok is True
    assert fam.cloud_providers == ["ovh"] and fam.cloud_providers_assessed == []
    assert "disk_always_connected" in fam.unknown


def test_the_audit_look_at_the_disk_counts() -> None:
    fam = Backup()
    checks = [{"at": c.at.isoformat() if c.at else None, "connected": c.connected, "by": c.by}
              for c in _days("R+R+R")]
    text = json.dumps({"schema": "dentsec.backup-status/1", "repository": "/media/usb/x",
                       "disk_checks": checks})
    apply_status(fam, text, lambda repo: DiskCheck(T0 + timedelta(days=4, hours=15), False,
                                                   "audit"))
    assert fam.disk_always_connected is False


@pytest.mark.parametrize("text", ["{", "[]", '{"schema": "other/1"}'])
def test_not_a_status_file(text: str) -> None:
    with pytest.raises(ValueError):
        apply_status(Backup(), text)
