"""The everyday path with real restic: init, run, status, verify, drill, restore."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.backup.support import (
    Practice,
    dentsec,
    latest_snapshot,
    status_json,
    tree_hashes,
)

from dentsec.backup.config import load_config
from dentsec.backup.restic import open_restic, parse_snapshots
from dentsec.backup.runner import run_backup
from dentsec.backup.secret import key_file
from dentsec.backup.status import load_status, save_status


def test_init_keeps_the_password_off_the_terminal(tmp_path: Path, practice: Practice) -> None:
    password = key_file().read_text()
    assert stat.S_IMODE(key_file().stat().st_mode) == 0o600
    sheet = practice.home / "backup" / "feuille-de-recuperation.html"
    assert password in sheet.read_text(encoding="utf-8")
    assert (practice.repo / "config").is_file()
    again = dentsec("backup", "init", "--to", str(tmp_path / "autre"), "--force")
    assert again.exit_code == 2
    assert "déjà configuré" in again.stderr
    assert password not in again.output


def test_init_output_never_shows_the_password(tmp_path: Path, restic_bin: str) -> None:
    data = tmp_path / "d"
    data.mkdir()
    dentsec("backup", "add", str(data))
    result = dentsec("backup", "init", "--to", str(tmp_path / "r"), "--force")
    assert result.exit_code == 0, result.output
    assert key_file().read_text() not in result.output
    assert "SUPPRIMEZ" in result.output


def test_init_into_a_non_empty_folder_is_refused(tmp_path: Path, restic_bin: str) -> None:
    target = tmp_path / "occupé"
    target.mkdir()
    (target / "photo.jpg").write_bytes(b"x")
    result = dentsec("backup", "init", "--to", str(target), "--force")
    assert result.exit_code == 2
    assert "n'est pas vide" in result.stderr
    assert not key_file().exists()


def test_run_status_verify_drill(practice: Practice) -> None:
    expected = tree_hashes(practice.data)
    result = dentsec("backup", "run")
    assert result.exit_code == 0, result.output
    assert "Sauvegarde terminée" in result.output
    status = status_json()
    last = status["last_run"]
    assert isinstance(last, dict)
    assert last["ok"] is True and last["error"] is None
    assert last["files"] == len(expected)
    assert status["last_success"] == last["finished"]
    assert status["current"]["connected"] is True  # type: ignore[index]
    assert status["disk_checks"][-1] == {"at": status["disk_checks"][-1]["at"],  # type: ignore[index]
                                         "connected": True, "by": "probe"}

    verify = dentsec("backup", "verify", "--subset", "100%")
    assert verify.exit_code == 0, verify.output
    drill = dentsec("backup", "drill", "--files", "3")
    assert drill.exit_code == 0, drill.output
    assert "identiques aux originaux" in drill.output
    status = status_json()
    assert status["last_verify"]["ok"] is True  # type: ignore[index]
    assert status["last_drill"]["ok"] is True and status["last_drill"]["files"] == 3  # type: ignore[index]
    text = dentsec("backup", "status")
    assert "Dernière sauvegarde réussie" in text.output and "disque branché" in text.output


def test_second_run_is_incremental_and_retention_applies(practice: Practice) -> None:
    assert dentsec("backup", "run").exit_code == 0
    second = run_backup(load_config())  # unchanged files: only metadata is new
    assert second.problem is None
    assert second.data_added < 20_000 < second.bytes
    with open_restic(load_config()) as restic:
        listed = parse_snapshots(restic.check(["snapshots", "--json"]).stdout)
    assert len(listed) == 2, "retention runs once a week, not on every run"
    status = load_status()
    status.last_retention = datetime(2026, 1, 1, tzinfo=UTC)  # as if last week's
    save_status(status)
    third = dentsec("backup", "run")
    assert third.exit_code == 0
    assert "nettoyées (rétention hebdomadaire)" in third.output  # with its cost
    retained = load_status().last_retention
    assert retained is not None and retained > datetime(2026, 1, 2, tzinfo=UTC)
    # 7 daily / 4 weekly / 12 monthly: runs on the same day leave one snapshot
    with open_restic(load_config()) as restic:
        snapshots = parse_snapshots(restic.check(["snapshots", "--json"]).stdout)
    assert [s.short_id for s in snapshots] == [latest_snapshot(practice.home)]


def test_excluded_files_are_not_saved(tmp_path: Path, practice: Practice) -> None:
    (practice.data / "cache.tmp").write_text("brouillon")
    assert dentsec("backup", "exclude", "*.tmp").exit_code == 0
    assert dentsec("backup", "run").exit_code == 0
    target = tmp_path / "restauré"
    result = dentsec("backup", "restore", "--snapshot", "latest", "--target", str(target))
    assert result.exit_code == 0, result.output
    restored = target / str(practice.data).lstrip("/")
    assert (restored / "compta.csv").exists()
    assert not (restored / "cache.tmp").exists()


def test_restore_never_overwrites_unless_asked(tmp_path: Path, practice: Practice) -> None:
    expected = tree_hashes(practice.data)
    assert dentsec("backup", "run").exit_code == 0
    snapshot = latest_snapshot(practice.home)
    target = tmp_path / "cible"
    practice.restore_matches(snapshot, expected, target)
    restored = target / str(practice.data).lstrip("/")
    (restored / "compta.csv").write_text("modifié localement")
    refused = dentsec("backup", "restore", "--snapshot", snapshot, "--target", str(target))
    assert refused.exit_code == 2
    assert "seraient écrasés" in refused.stderr and "compta.csv" in refused.stderr
    assert (restored / "compta.csv").read_text() == "modifié localement"
    forced = dentsec("backup", "restore", "--snapshot", snapshot, "--target", str(target),
                     "--overwrite")
    assert forced.exit_code == 0, forced.output
    assert tree_hashes(restored) == expected


def test_restore_some_paths_only(tmp_path: Path, practice: Practice) -> None:
    assert dentsec("backup", "run").exit_code == 0
    target = tmp_path / "partiel"
    wanted = str(practice.data / "agenda")
    result = dentsec("backup", "restore", "--snapshot", "latest", "--target", str(target),
                     wanted)
    assert result.exit_code == 0, result.output
    assert "1 fichier(s) restauré(s)" in result.output
    restored = target / str(practice.data).lstrip("/")
    assert (restored / "agenda" / "semaine.txt").read_text(encoding="utf-8").startswith("lundi")
    assert not (restored / "compta.csv").exists()
    missing = dentsec("backup", "restore", "--snapshot", "latest", "--target",
                      str(tmp_path / "x"), "/nulle/part")
    assert missing.exit_code == 2
    assert "Aucun des chemins" in missing.stderr


def test_drill_needs_a_backup_first(practice: Practice) -> None:
    result = dentsec("backup", "drill")
    assert result.exit_code == 2
    assert "dentsec backup run" in result.stderr
    assert status_json()["last_drill"]["ok"] is False  # type: ignore[index]


def test_missing_restic_says_how_to_install(tmp_path: Path, practice: Practice,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "sans-restic"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("DENTSEC_RESTIC", raising=False)
    result = dentsec("backup", "run")
    assert result.exit_code == 2
    assert "restic est introuvable" in result.stderr and "install" in result.stderr
    assert status_json()["last_run"]["error_code"] == "restic-missing"


def test_a_vanished_folder_is_not_silently_skipped(tmp_path: Path, practice: Practice) -> None:
    other = tmp_path / "radios-usb"
    other.mkdir()
    assert dentsec("backup", "add", str(other)).exit_code == 0
    other.rmdir()
    result = dentsec("backup", "run")
    assert result.exit_code == 3
    assert str(other) in result.stderr
    assert status_json()["last_run"]["unreadable_files"] == 1


def test_the_daily_job_also_reads_the_next_part(practice: Practice) -> None:
    result = dentsec("backup", "run", "--verify")
    assert result.exit_code == 0, result.output
    assert "Sauvegarde terminée" in result.output and "1/30 des données relues" in result.output
    assert status_json()["last_verify"]["subset"] == "1/30"
    assert status_json()["verify_cycle"]["next"] == 2
