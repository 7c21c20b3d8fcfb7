"""Fixtures of the Linux collector tests: fixture trees and recorded samples (see README.md)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dentsec.collect.linux import collect
from dentsec.engine import audit_host
from dentsec.facts import Facts
from dentsec.host.live import LiveHost

HERE = Path(__file__).parent
AS_OF = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
"""The "now" of the tree tests, so ages do not drift with the calendar."""


@pytest.fixture
def sample() -> Callable[[str], str]:
    def read(name: str) -> str:
        return (HERE / "samples" / name).read_text(encoding="utf-8")
    return read


@pytest.fixture
def trees() -> Path:
    return HERE / "trees"


@pytest.fixture
def collect_tree() -> Callable[..., Facts]:
    def run(root: Path, as_of: datetime = AS_OF) -> Facts:
        host = LiveHost(root=str(root))
        host.info.collected_at = as_of
        return collect(host)
    return run


@pytest.fixture
def tree_copy(tmp_path: Path) -> Callable[[str], Path]:
    """A copy of a fixture tree that a test may change."""
    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(HERE / "trees" / name, target, symlinks=True)
        return target
    return copy


@pytest.fixture
def audit_tree() -> Callable[..., dict[str, tuple[str, str]]]:
    """The audit of a tree as the practice reads it: check id -> (status, French message)."""
    def run(root: Path, as_of: datetime = AS_OF) -> dict[str, tuple[str, str]]:
        host = LiveHost(root=str(root))
        host.info.collected_at = as_of
        return {f.check.id: (f.status, f.message["fr"]) for f in audit_host(host).findings}
    return run
