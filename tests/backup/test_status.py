from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dentsec.backup.status import (
    MAX_DISK_CHECKS,
    STATUS_SCHEMA,
    BackupStatus,
    Damage,
    RunRecord,
    SnapshotRecord,
    load_status,
    parse_iso,
    parse_status,
    run_interrupted,
    save_status,
    status_path,
    to_json,
)
from dentsec.errors import DentsecError

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def test_a_new_status_has_every_documented_field() -> None:
    data = to_json(BackupStatus())
    assert data["schema"] == STATUS_SCHEMA
    for key in ("repository", "host", "last_run", "last_success", "last_verify",
                "last_drill", "disk_checks", "providers", "damage", "last_full_read"):
        assert key in data


def test_round_trip_keeps_every_value() -> None:
    status = BackupStatus(repository="/media/usb/d", last_success=T0,
                          last_run=RunRecord(started=T0, finished=T0, ok=False,
                                             error="disque plein", error_code="disk-full"),
                          last_success_run=SnapshotRecord(T0, "abcd1234", 3, 10),
                          damage=Damage(T0, "verify", "endommagé"))
    status.record_disk_check(True, "probe")
    assert parse_status(json.dumps(to_json(status))) == status


def test_disk_checks_keep_the_most_recent_sixty() -> None:
    status = BackupStatus()
    for i in range(MAX_DISK_CHECKS + 5):
        status.record_disk_check(i >= MAX_DISK_CHECKS, "run")
    assert len(status.disk_checks) == MAX_DISK_CHECKS
    assert sum(bool(c.connected) for c in status.disk_checks) == 5


def test_wrong_types_are_taken_as_absent_never_as_good() -> None:
    status = parse_status(json.dumps({
        "schema": STATUS_SCHEMA, "last_success": "hier", "last_run": {"ok": "yes"},
        "disk_checks": [{"at": "2026-11-01T09:00:00+00:00", "connected": True}, 3, "x"]}))
    assert status.last_success is None
    assert status.last_run is not None and status.last_run.ok is False
    assert len(status.disk_checks) == 1


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=30))
def test_any_json_under_the_schema_parses(value: object) -> None:
    data = {"schema": STATUS_SCHEMA}
    if isinstance(value, dict):
        data.update(value)
    for key in ("last_run", "damage", "disk_checks", "providers", "last_success"):
        data[key] = value
    parse_status(json.dumps({**data, "schema": STATUS_SCHEMA}))


def test_save_is_atomic_and_private() -> None:
    status = BackupStatus()
    save_status(status)
    assert oct(status_path().stat().st_mode & 0o777) == "0o600"
    assert load_status() == status
    assert [p.name for p in status_path().parent.iterdir()] == ["status.json"]


def test_foreign_file_is_refused() -> None:
    status_path().parent.mkdir(parents=True)
    status_path().write_text(json.dumps({"schema": "autre/1"}))
    with pytest.raises(DentsecError):
        load_status()


def test_interrupted_run_means_its_process_is_gone() -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    assert run_interrupted(RunRecord(finished=None, pid=int(dead.stdout)))
    assert not run_interrupted(RunRecord(finished=None, pid=os.getpid()))
    assert not run_interrupted(RunRecord(finished=T0, pid=1))
    assert not run_interrupted(None)


def test_parse_iso_wants_a_timezone() -> None:
    assert parse_iso("2026-11-29T10:00:00+01:00") is not None
    assert parse_iso("2026-11-29T10:00:00") is None
    assert parse_iso("hier") is None
    assert parse_iso(3) is None
