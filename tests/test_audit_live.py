"""The real machine the tests run on, audited as root and as an unprivileged user."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from dentsec.report.json_report import report_schema

AUDIT = [sys.executable, "-c", "from dentsec.cli import run; run()", "audit", "--format", "json"]
TEST_USER = "dentsec-audit-test"


def _audit(prefix: list[str], home: Path) -> tuple[int, dict[str, object]]:
    env = dict(os.environ, DENTSEC_HOME=str(home), HOME=str(home), DENTSEC_LANG="fr")
    argv = [*prefix, *AUDIT] if not prefix else [*prefix, *AUDIT[1:]]
    res = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=180,
                         check=False)
    assert res.returncode in (0, 1), res.stderr
    report = json.loads(res.stdout)
    jsonschema.validate(report, report_schema())
    return res.returncode, report


def _by_id(report: dict[str, object]) -> dict[str, dict[str, object]]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return {f["id"]: f for f in findings}


def test_live_audit_of_this_machine(tmp_path: Path) -> None:
    code, report = _audit([], tmp_path)
    findings = _by_id(report)
    assert report["facts"]["os"]["family"] == "linux"  # type: ignore[index]
    assert report["facts"]["is_admin"] == (os.geteuid() == 0)  # type: ignore[index]
    assert code == (1 if any(f["status"] == "fail" for f in findings.values()) else 0)
    for f in findings.values():
        if f["status"] == "unknown":
            assert f["evidence"], f"{f['id']} is unknown without a reason"


@pytest.fixture
def unprivileged_user() -> Iterator[str]:
    if os.geteuid() != 0 or not shutil.which("useradd") or not shutil.which("runuser"):
        pytest.skip("creating an unprivileged user needs root, useradd and runuser")
    try:
        pwd.getpwnam(TEST_USER)
    except KeyError:
        subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", TEST_USER],
                       check=True)
    yield TEST_USER


def _as_user(user: str, argv: list[str]) -> bool:
    return subprocess.run(["runuser", "-u", user, "--", *argv], capture_output=True,
                          check=False).returncode == 0


def _interpreter_for(user: str) -> list[str]:
    """A Python the user may run, importing this checkout and the venv's packages.

    The venv's interpreter often lives under /root (pyenv); Debian's python3.11 has the same
    ABI, so it can import the venv's compiled packages."""
    import pydantic

    import dentsec

    src = str(Path(dentsec.__file__).resolve().parents[1])
    site = str(Path(pydantic.__file__).resolve().parents[1])
    if not _as_user(user, ["test", "-r", f"{src}/dentsec/cli.py"]) or not _as_user(
            user, ["test", "-r", f"{site}/pydantic/__init__.py"]):
        pytest.skip(f"{src} or {site} is not readable by an unprivileged user on this machine")
    for candidate in (sys.executable, f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"):
        if _as_user(user, [candidate, "-c", "pass"]):
            return ["env", f"PYTHONPATH={src}:{site}", candidate]
    pytest.skip("no Python interpreter this user may run")


def test_live_audit_without_root_says_what_it_could_not_see(unprivileged_user: str) -> None:
    home = Path(tempfile.mkdtemp(prefix="dentsec-unpriv-"))
    home.chmod(0o777)
    python = _interpreter_for(unprivileged_user)
    try:
        _, report = _audit(["runuser", "-u", unprivileged_user, "--", *python], home)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    assert report["facts"]["is_admin"] is False  # type: ignore[index]
    findings = _by_id(report)
    # /etc/shadow is root-only: whether an account has an empty password cannot be seen.
    assert findings["ACC-EMPTY-PASSWORD"]["status"] == "unknown"
    assert "permission" in " ".join(findings["ACC-EMPTY-PASSWORD"]["evidence"])  # type: ignore[arg-type]
    assert all(f["status"] != "pass" or f["id"] != "ACC-EMPTY-PASSWORD" for f in findings.values())
