from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from tests.backup.support import dentsec

from dentsec.backup.config import (
    BackupConfig,
    add_excludes,
    add_paths,
    config_path,
    load_config,
    save_config,
)
from dentsec.errors import DentsecError


def test_add_and_exclude_are_kept_in_a_private_file(tmp_path: Path) -> None:
    folder = tmp_path / "patients"
    folder.mkdir()
    result = dentsec("backup", "add", str(folder), str(folder))
    assert result.exit_code == 0, result.output
    assert "Ajouté" in result.output
    assert dentsec("backup", "exclude", "*.tmp", "cache").exit_code == 0
    config = load_config()
    assert config.paths == [str(folder.resolve())]
    assert config.excludes == ["*.tmp", "cache"]
    assert stat.S_IMODE(config_path().stat().st_mode) == 0o600
    assert json.loads(config_path().read_text())["schema"] == "dentsec.backup-config/1"


def test_adding_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = dentsec("backup", "add", str(tmp_path / "nulle-part"))
    assert result.exit_code == 2
    assert "n'existe pas" in result.stderr
    assert not config_path().exists()


def test_round_trip_and_duplicates(tmp_path: Path) -> None:
    config = BackupConfig(host="poste-1")
    assert add_paths(config, [str(tmp_path)]) == [str(tmp_path.resolve())]
    assert add_paths(config, [str(tmp_path)]) == []
    assert add_excludes(config, ["*.log", "*.log", ""]) == ["*.log"]
    save_config(config)
    assert load_config() == config


def test_damaged_config_is_reported_not_overwritten() -> None:
    config_path().parent.mkdir(parents=True)
    config_path().write_text("{pas du json", encoding="utf-8")
    with pytest.raises(DentsecError) as err:
        load_config()
    assert "endommagé" in err.value.fr
    assert config_path().read_text(encoding="utf-8") == "{pas du json"


def test_commands_needing_a_repository_say_so() -> None:
    result = dentsec("backup", "run")
    assert result.exit_code == 2
    assert "dentsec backup init" in result.stderr
