"""Fixtures for the backup toolkit: a private DENTSEC_HOME, real restic, a small practice
folder and a repository initialised on it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.backup.support import Practice, dentsec, make_data


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
    data = make_data(tmp_path / "cabinet")
    repo = tmp_path / "disque-externe" / "sauvegardes"
    assert dentsec("backup", "add", str(data)).exit_code == 0
    result = dentsec("backup", "init", "--to", str(repo), "--force")
    assert result.exit_code == 0, result.output
    yield Practice(data, repo, home)
