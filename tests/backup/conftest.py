"""Fixtures for the backup toolkit: a private DENTSEC_HOME, real restic, a small practice
folder and a repository initialised on it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.backup.support import Practice, start_practice


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "dentsec-home"
    monkeypatch.setenv("DENTSEC_HOME", str(path))
    monkeypatch.setenv("DENTSEC_LANG", "fr")
    return path


@pytest.fixture
def restic_bin() -> str:
    found = shutil.which("restic")
    if found is None:
        pytest.skip("restic absent: .ci/setup.d/30-backup.sh installs it (apt-get install restic)")
    return found


@pytest.fixture
def practice(tmp_path: Path, home: Path, restic_bin: str) -> Iterator[Practice]:
    yield start_practice(tmp_path / "cabinet", tmp_path / "disque-externe" / "sauvegardes", home)
