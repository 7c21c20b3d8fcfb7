"""Fixtures of the fix tests: a writable copy of the weak fixture tree (see README.md),
a private DENTSEC_HOME, the CLI in-process and a byte-exact tree snapshot."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from tests.fix.support import MACHINE_UNITS, Snapshot, make_weak_tree, snapshot_tree

from dentsec.cli import main
from dentsec.engine import audit_live
from dentsec.i18n import set_language


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "dentsec-home"
    monkeypatch.setenv("DENTSEC_HOME", str(path))
    monkeypatch.setenv("DENTSEC_LANG", "fr")
    monkeypatch.delenv("SUDO_USER", raising=False)
    return path


@pytest.fixture
def weak(tmp_path: Path) -> Path:
    """The neglected workstation tree with what a real Debian install has (support.py)."""
    missing = [u for u in MACHINE_UNITS if not os.path.exists(u)]
    if missing:
        pytest.skip(f"{missing[0]} absent on this machine (.ci/setup.d/60-fix.sh installs nftables)")
    return make_weak_tree(tmp_path / "poste")


@pytest.fixture
def snapshot() -> Callable[[Path], Snapshot]:
    """Every file, link and folder of a tree: kind, bytes or link target, mode."""
    return snapshot_tree


@pytest.fixture
def cli() -> Callable[..., Result]:
    def run(*args: str, input: str | None = None) -> Result:
        set_language(None)  # as dentsec.cli.run does: each command starts from DENTSEC_LANG
        return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return run


@pytest.fixture
def verdict() -> Callable[[Path, str], str]:
    """What the audit of the tree tells the practice for one check."""
    def get(tree: Path, check: str) -> str:
        report = audit_live(root=str(tree))
        return next(str(f.status) for f in report.findings if f.check.id == check)
    return get
