"""What a practice needs around the daily run, with real restic: a recovery sheet whose
key was checked, the password typed back from the sheet on a new computer, pruning,
moving to a new disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.backup.support import Practice, dentsec, latest_snapshot, status_json, tree_hashes

from dentsec.backup.config import load_config
from dentsec.backup.restic import open_restic, parse_snapshots
from dentsec.backup.secret import key_file


def snapshot_ids() -> list[str]:
    with open_restic(load_config()) as restic:
        return [s.short_id for s in parse_snapshots(restic.check(["snapshots", "--json"]).stdout)]


def test_sheet_is_written_only_with_a_key_that_opens_the_repository(
        tmp_path: Path, practice: Practice) -> None:
    good = key_file().read_text()
    key_file().write_text("abcde-fghij-klmno-pqrst-uvwxy-zabcd")
    refused = dentsec("backup", "sheet", "--output", str(tmp_path / "mauvaise.html"))
    assert refused.exit_code == 2
    assert "n'ouvre pas le dépôt" in refused.stderr
    assert not (tmp_path / "mauvaise.html").exists()
    key_file().write_text(good)
    written = dentsec("backup", "sheet", "--output", str(tmp_path / "bonne.html"))
    assert written.exit_code == 0, written.output
    assert good in (tmp_path / "bonne.html").read_text(encoding="utf-8")


def test_password_from_the_sheet_on_a_new_computer(tmp_path: Path, practice: Practice,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    assert dentsec("backup", "run").exit_code == 0
    snapshot, expected = latest_snapshot(practice.home), tree_hashes(practice.data)
    password, host = key_file().read_text(), load_config().host
    monkeypatch.setenv("DENTSEC_HOME", str(tmp_path / "nouveau-poste"))
    wrong = dentsec("backup", "password", "--from-sheet", "--repository", str(practice.repo),
                    input_text="abcde-fghij\n")
    assert wrong.exit_code == 2 and "n'ouvre pas le dépôt" in wrong.stderr
    assert not key_file().exists()
    typed = password.replace("-", "  ")  # typed with spaces, not dashes
    done = dentsec("backup", "password", "--from-sheet", "--repository", str(practice.repo),
                   "--host", host, input_text=typed + "\n")
    assert done.exit_code == 0, done.output
    assert password not in done.output
    practice.restore_matches(snapshot, expected, tmp_path / "restauré")


def test_prune_applies_retention_now(practice: Practice) -> None:
    assert dentsec("backup", "run").exit_code == 0
    assert dentsec("backup", "run").exit_code == 0
    assert len(snapshot_ids()) == 2  # retention is weekly: the second run kept both
    result = dentsec("backup", "prune")
    assert result.exit_code == 0, result.output
    assert "Rétention appliquée" in result.output
    assert snapshot_ids() == [latest_snapshot(practice.home)]


def test_move_to_a_new_disk_copies_every_snapshot(tmp_path: Path, practice: Practice) -> None:
    assert dentsec("backup", "run").exit_code == 0
    before = snapshot_ids()
    expected = tree_hashes(practice.data)
    new = tmp_path / "nouveau-disque" / "sauvegardes"
    result = dentsec("backup", "move", "--to", str(new), "--force")
    assert result.exit_code == 0, result.output
    assert "Sauvegardes copiées" in result.output
    assert load_config().repository == str(new)
    assert len(snapshot_ids()) == len(before)
    assert dentsec("backup", "run").exit_code == 0  # the new identity is the one checked
    assert status_json()["repository"] == str(new)
    practice.restore_matches(latest_snapshot(practice.home), expected, tmp_path / "r")


def test_move_when_the_old_disk_is_gone_starts_anew(tmp_path: Path, practice: Practice) -> None:
    assert dentsec("backup", "run").exit_code == 0
    practice.repo.rename(practice.repo.with_name("disque-mort"))
    new = tmp_path / "disque-neuf" / "sauvegardes"
    result = dentsec("backup", "move", "--to", str(new), "--force")
    assert result.exit_code == 0, result.output
    assert "première sauvegarde faite" in result.output
    assert len(snapshot_ids()) == 1
    assert status_json()["last_run"]["ok"] is True


def test_leftovers_under_an_empty_mount_point_are_shown_then_removed_on_confirmation(
        tmp_path: Path, practice: Practice) -> None:
    assert dentsec("backup", "run").exit_code == 0
    away = practice.repo.with_name("disque-rangé")
    practice.repo.rename(away)
    # what restic's local backend leaves when the disk vanished mid-run: its folders
    (practice.repo / "data" / "3f").mkdir(parents=True)
    (practice.repo / "data" / "3f" / ("3f" + "0" * 62)).write_bytes(b"\0" * 300_000)
    (practice.repo / "snapshots").mkdir()
    assert "disque interne à la place" in dentsec("backup", "status").output
    shown = dentsec("backup", "leftovers")
    assert "PAS une sauvegarde utilisable" in shown.output and "--remove" in shown.output
    kept = dentsec("backup", "leftovers", "--remove", input_text="n\n")
    assert "Rien n'a été effacé" in kept.output and (practice.repo / "data").exists()
    removed = dentsec("backup", "leftovers", "--remove", input_text="o\n")
    assert "Effacé" in removed.output, removed.output
    assert not practice.repo.exists()
    assert status_json()["leftovers"] is None
    away.rename(practice.repo)
    assert "Aucune donnée de sauvegarde égarée" in dentsec("backup", "leftovers").output
    assert (practice.repo / "config").is_file()  # the real repository is never touched
