"""The reliability bar, with real restic and real failures: a killed run, a full disk, a
disk removed before or during a run, a wrong password, unreadable files, files changing
during the run, a damaged repository. Each gives a clear French message, a non-zero exit,
a status saying what happened, and earlier snapshots still restore byte-identical."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from tests.backup.support import (
    Practice,
    dentsec,
    dentsec_argv,
    latest_snapshot,
    start_practice,
    status_json,
    tree_hashes,
    write_random,
)

from dentsec.backup.locks import LOCK_NAME
from dentsec.backup.secret import key_file

BIG = 64 * 1024 * 1024  # enough for restic to still be writing when the test strikes


def first_backup(practice: Practice) -> tuple[str, dict[str, str]]:
    expected = tree_hashes(practice.data)
    result = dentsec("backup", "run")
    assert result.exit_code == 0, result.output
    return latest_snapshot(practice.home), expected


def wait_for_lock(repo: Path, child: subprocess.Popen[str], timeout: float = 60) -> None:
    """Until restic holds its lock: the run is really under way."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(LOCK_NAME.fullmatch(p.name) for p in (repo / "locks").iterdir()):
            return
        assert child.poll() is None, "the run ended before it could be interrupted"
        time.sleep(0.002)
    raise AssertionError("restic never took its lock")


def start_run(**kwargs: object) -> subprocess.Popen[str]:
    env = {**os.environ, "GOMAXPROCS": "1"}  # a slower restic: the strike lands mid-run
    return subprocess.Popen(dentsec_argv("backup", "run"), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, **kwargs)  # type: ignore[call-overload]


def test_killed_run_is_reported_and_its_lock_cleared(tmp_path: Path, practice: Practice) -> None:
    first, expected = first_backup(practice)
    write_random(practice.data / "scanner" / "cbct.bin", BIG)
    child = start_run(start_new_session=True)
    wait_for_lock(practice.repo, child)
    os.killpg(child.pid, signal.SIGKILL)  # dentsec and restic, like a power cut
    child.communicate()

    status = status_json()
    assert status["last_run"]["finished"] is None
    assert status["last_run"]["error_code"] == "interrupted"
    assert "interrompue" in status["last_run"]["error"]
    assert "interrompue" in dentsec("backup", "status").output
    assert any((practice.repo / "locks").iterdir()), "a killed restic leaves its lock"
    practice.restore_matches(first, expected, tmp_path / "avant")

    again = dentsec("backup", "run")
    assert again.exit_code == 0, again.output
    assert "Verrou abandonné" in again.output
    assert not any(LOCK_NAME.fullmatch(p.name) for p in (practice.repo / "locks").iterdir())
    assert status_json()["last_run"]["ok"] is True


def test_killed_restic_gives_a_clear_error(tmp_path: Path, practice: Practice) -> None:
    first, expected = first_backup(practice)
    success_before = status_json()["last_success"]
    write_random(practice.data / "scanner" / "cbct.bin", BIG)
    child = start_run()
    wait_for_lock(practice.repo, child)
    for proc in psutil.Process(child.pid).children(recursive=True):
        if proc.name() == "restic":
            proc.send_signal(signal.SIGKILL)
    _out, err = child.communicate(timeout=120)
    assert child.returncode == 2
    assert "interrompue" in err
    last = status_json()["last_run"]
    assert last["error_code"] == "interrupted" and last["finished"] is not None
    # Timestamps have one-second resolution: compare with the value before the run, not
    # with this run's start, which can fall in the same second.
    assert status_json()["last_success"] == success_before
    practice.restore_matches(first, expected, tmp_path / "avant")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 6 MB file system mounted for the test: tmpfs, else a loop-mounted ext4 image."""
    if os.geteuid() != 0:
        pytest.skip("mounting a size-limited file system needs root (CI runs as root)")
    point = tmp_path / "petit-disque"
    point.mkdir()
    tried = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(point)],
                           capture_output=True, text=True, check=False)
    if tried.returncode != 0:
        image = tmp_path / "disque.img"
        with image.open("wb") as fh:
            fh.truncate(8 * 1024 * 1024)
        made = subprocess.run(["mkfs.ext4", "-q", str(image)], capture_output=True, text=True,
                              check=False)
        looped = subprocess.run(["mount", "-o", "loop", str(image), str(point)],
                                capture_output=True, text=True, check=False)
        if made.returncode != 0 or looped.returncode != 0:
            pytest.skip("cannot mount a small file system here (tmpfs: "
                        f"{tried.stderr.strip()}; loop: {looped.stderr.strip()})")
    yield point
    subprocess.run(["umount", "-l", str(point)], check=False)


def test_full_disk(tmp_path: Path, home: Path, restic_bin: str, small_disk: Path) -> None:
    practice = start_practice(tmp_path / "cabinet", small_disk / "depot", home)
    first, expected = first_backup(practice)
    write_random(practice.data / "scanner" / "cbct.bin", 12 * 1024 * 1024)
    result = dentsec("backup", "run")
    assert result.exit_code == 2
    assert "Le disque de sauvegarde est plein" in result.stderr
    status = status_json()
    assert status["last_run"]["error_code"] == "disk-full"
    assert status["last_success_run"]["snapshot"] == first
    assert "dentsec backup prune" in result.stderr  # the way out is named
    freed = dentsec("backup", "prune")
    assert freed.exit_code == 0, freed.output
    practice.restore_matches(first, expected, tmp_path / "avant")
    assert dentsec("backup", "verify", "--subset", "100%").exit_code == 0


def test_disk_unplugged_before_the_run(tmp_path: Path, practice: Practice) -> None:
    first, expected = first_backup(practice)
    away = practice.repo.with_name("rangé-dans-le-tiroir")
    practice.repo.rename(away)
    result = dentsec("backup", "run")
    assert result.exit_code == 2
    assert "le disque est-il branché" in result.stderr
    status = status_json()
    assert status["last_run"]["error_code"] == "repository-missing"
    assert status["disk_checks"][-1]["connected"] is False
    assert "NON branché" in dentsec("backup", "status").output
    away.rename(practice.repo)
    practice.restore_matches(first, expected, tmp_path / "avant")


def test_disk_removed_during_the_run(tmp_path: Path, practice: Practice) -> None:
    first, expected = first_backup(practice)
    write_random(practice.data / "scanner" / "cbct.bin", BIG)
    child = start_run()
    wait_for_lock(practice.repo, child)
    away = practice.repo.with_name("arraché")
    practice.repo.rename(away)
    _out, err = child.communicate(timeout=120)
    assert child.returncode == 2, err
    assert "le disque est-il branché" in err
    last = status_json()["last_run"]
    assert (last["error_code"], last["snapshot"]) == ("repository-missing", None)
    # restic recreated folders where the disk was (an empty mount point in real life)
    shutil.rmtree(practice.repo, ignore_errors=True)
    away.rename(practice.repo)
    practice.restore_matches(first, expected, tmp_path / "avant")


def test_wrong_password(tmp_path: Path, practice: Practice) -> None:
    first, expected = first_backup(practice)
    good = key_file().read_text()
    key_file().write_text("pas-le-bon-mot-de-passe")
    result = dentsec("backup", "run")
    assert result.exit_code == 2
    assert "mot de passe du dépôt est refusé" in result.stderr
    assert status_json()["last_run"]["error_code"] == "wrong-password"
    key_file().write_text(good)
    practice.restore_matches(first, expected, tmp_path / "avant")


def without_read_override() -> list[str]:
    """A prefix running a command that cannot read a mode-000 file. Root reads anything
    through CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH, so root drops both (setpriv)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("root reads every file and setpriv (util-linux) is missing to drop that")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]


def test_unreadable_source_file(tmp_path: Path, practice: Practice) -> None:
    first, expected = first_backup(practice)
    locked = practice.data / "compta.csv"
    locked.chmod(0)
    try:
        done = subprocess.run([*without_read_override(), *dentsec_argv("backup", "run")],
                              capture_output=True, text=True, check=False, timeout=600)
    finally:
        locked.chmod(0o644)
    assert done.returncode == 3, done.stderr
    assert "Sauvegarde incomplète : 1 fichier(s) illisible(s)" in done.stderr
    assert str(locked) in done.stderr
    status = status_json()
    last = status["last_run"]
    assert (last["ok"], last["error_code"], last["unreadable_files"]) == (
        False, "unreadable-files", 1)
    assert last["snapshot"] and last["snapshot"] != first
    assert str(locked) not in str(status)  # file names stay out of the status
    assert status["last_success_run"]["snapshot"] == first
    practice.restore_matches(first, expected, tmp_path / "avant")


def test_files_changing_during_the_run(tmp_path: Path, practice: Practice) -> None:
    first, expected = first_backup(practice)
    journal = practice.data / "agenda" / "journal.log"
    stop = threading.Event()

    def keep_writing() -> None:
        with journal.open("a") as fh:
            while not stop.is_set():
                fh.write("rendez-vous modifié\n")
                fh.flush()
                time.sleep(0.002)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        result = dentsec("backup", "run")
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 3
    assert "ont changé pendant la sauvegarde" in result.stderr
    assert str(journal) in result.stderr
    last = status_json()["last_run"]
    assert last["error_code"] == "changed-files" and last["changed_files"] >= 1
    practice.restore_matches(first, expected, tmp_path / "avant")


def test_damaged_repository_is_reported_by_verify(practice: Practice) -> None:
    first_backup(practice)
    packs = sorted((practice.repo / "data").rglob("*"), key=lambda p: p.stat().st_size
                   if p.is_file() else -1)
    victim = packs[-1]
    victim.chmod(0o644)
    raw = bytearray(victim.read_bytes())
    middle = len(raw) // 2
    raw[middle:middle + 64] = bytes(b ^ 0xFF for b in raw[middle:middle + 64])
    victim.write_bytes(bytes(raw))
    result = dentsec("backup", "verify", "--subset", "100%")
    assert result.exit_code == 2
    assert "le dépôt est endommagé" in result.stderr
    last = status_json()["last_verify"]
    assert (last["ok"], last["error_code"]) == (False, "damaged")
