"""When this session runs on PostgreSQL, the core server tests run again on SQLite (the
embedded default of `dentsec serve`), in a separate pytest process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

HERE = Path(__file__).parent
CORE = ["test_ingest.py", "test_isolation.py", "test_dashboard.py", "test_alerts.py",
        "test_security.py", "test_retention.py"]


@pytest.mark.skipif(connection.vendor == "sqlite", reason="this session already runs on SQLite")
def test_core_suite_on_sqlite(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DENTSEC_DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DENTSEC_HOME")}
    env["DENTSEC_TEST_DATABASE"] = "sqlite"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:warnings",
         *(str(HERE / name) for name in CORE)],
        env=env, cwd=HERE.parents[1], capture_output=True, text=True, timeout=1200,
        check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
