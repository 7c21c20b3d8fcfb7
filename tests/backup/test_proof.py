"""verify and drill with real restic: a rotation that reads everything over its cycle, a
drill drawn from every snapshot, a drill that meets damaged data."""

from __future__ import annotations

from pathlib import Path

from tests.backup.support import Practice, dentsec, status_json, write_random

from dentsec.backup.config import load_config, save_config


def test_default_verify_rotates_and_says_when_all_was_read(practice: Practice) -> None:
    config = load_config()
    config.verify_parts = 3
    save_config(config)
    assert dentsec("backup", "run").exit_code == 0
    said = [dentsec("backup", "verify").output for _ in range(3)]
    assert ["1/3" in said[0], "2/3" in said[1], "3/3" in said[2]] == [True] * 3
    status = status_json()
    assert status["verify_cycle"]["next"] == 1
    assert status["last_full_read"] == status["verify_cycle"]["started"]
    assert "Dépôt relu en entier : " in dentsec("backup", "status").output


def test_drill_samples_across_snapshots(practice: Practice) -> None:
    assert dentsec("backup", "run").exit_code == 0
    write_random(practice.data / "radios" / "pano-003.bin", 50_000)
    assert dentsec("backup", "run").exit_code == 0
    write_random(practice.data / "radios" / "pano-004.bin", 50_000)
    assert dentsec("backup", "run").exit_code == 0
    result = dentsec("backup", "drill", "--files", "100")  # every candidate: all snapshots
    assert result.exit_code == 0, result.output
    assert "depuis 3 instantané(s)" in result.output
    assert status_json()["last_drill"]["snapshots"] == 3


def test_drill_that_meets_damage_names_the_files_and_remembers(
        tmp_path: Path, practice: Practice) -> None:
    from tests.backup.test_audit_verdicts import corrupt_largest_pack

    assert dentsec("backup", "run").exit_code == 0
    corrupt_largest_pack(practice.repo)
    result = dentsec("backup", "drill", "--files", "100")
    assert result.exit_code == 2
    assert "la sauvegarde est endommagée" in result.stderr
    assert str(practice.data / "radios") in result.stderr  # the largest files are named
    status = status_json()
    assert status["last_drill"]["ok"] is False
    assert status["damage"]["by"] == "drill"
    assert "DÉPÔT ENDOMMAGÉ" in dentsec("backup", "status").output
