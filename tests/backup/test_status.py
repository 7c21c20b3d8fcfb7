from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from dentsec.backup.status import (
    MAX_DISK_CHECKS,
    STATUS_SCHEMA,
    empty_status,
    load_status,
    parse_iso,
    record_disk_check,
    run_interrupted,
    save_status,
    status_path,
)
from dentsec.errors import DentsecError


def test_empty_status_has_every_documented_field() -> None:
    status = empty_status()
    assert status["schema"] == STATUS_SCHEMA
    for key in ("repository", "host", "last_run", "last_success", "last_verify",
                "last_drill", "disk_checks", "providers"):
        assert key in status


def test_disk_checks_keep_the_most_recent_sixty() -> None:
    status = empty_status()
    for i in range(MAX_DISK_CHECKS + 5):
        record_disk_check(status, connected=i >= MAX_DISK_CHECKS)
    checks = status["disk_checks"]
    assert len(checks) == MAX_DISK_CHECKS
    assert sum(c["connected"] for c in checks) == 5  # the five most recent are kept
    assert all(parse_iso(c["at"]) is not None for c in checks)


def test_save_is_atomic_and_private() -> None:
    status = empty_status()
    save_status(status)
    assert oct(status_path().stat().st_mode & 0o777) == "0o600"
    assert json.loads(status_path().read_text()) == status
    assert [p.name for p in status_path().parent.iterdir()] == ["status.json"]


def test_foreign_file_is_refused() -> None:
    status_path().parent.mkdir(parents=True)
    status_path().write_text(json.dumps({"schema": "autre/1"}))
    with pytest.raises(DentsecError):
        load_status()


def test_interrupted_run_means_its_process_is_gone() -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    assert run_interrupted({"finished": None, "pid": int(dead.stdout)})
    assert not run_interrupted({"finished": None, "pid": os.getpid()})
    assert not run_interrupted({"finished": "2026-01-01T00:00:00+00:00", "pid": 1})
    assert not run_interrupted(None)


def test_parse_iso_wants_a_timezone() -> None:
    assert parse_iso("2026-11-29T10:00:00+01:00") is not None
    assert parse_iso("2026-11-29T10:00:00") is None
    assert parse_iso("hier") is None
    assert parse_iso(3) is None
