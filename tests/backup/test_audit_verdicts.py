"""What the audit tells the practice after the backups went wrong, with real restic:
ten days of failed runs, the same files never saved whole, a disk replugged during a run,
an empty mount point, a damaged pack that a lucky check must not make forgotten.

Only dentsec's clock is moved (dentsec.backup.clock); restic and the audit keep the real
time, so the runs are dated in the past and the audit judges them today."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from tests.backup.support import (
    Practice,
    audit_backup,
    dentsec,
    dentsec_argv,
    latest_snapshot,
    start_practice,
    status_json,
    tree_hashes,
    write_random,
)

from dentsec.backup import clock
from dentsec.backup.locks import LOCK_NAME

BIG = 64 * 1024 * 1024


class FakeClock:
    """dentsec's clock from ``start``, until ``stop()`` gives it back the real time."""

    def __init__(self, start: datetime) -> None:
        self.at = start
        self.patch = pytest.MonkeyPatch()
        self.patch.setattr(clock, "now", lambda: self.at)

    def next_day(self) -> None:
        self.at += timedelta(days=1)

    def stop(self) -> None:
        self.patch.undo()


@pytest.fixture
def fake_clock() -> Iterator[FakeClock]:
    fake = FakeClock(clock.now())
    yield fake
    fake.stop()


def test_ten_days_of_failures_fail_the_audit(tmp_path: Path, practice: Practice,
                                             fake_clock: FakeClock) -> None:
    fake = fake_clock
    fake.at -= timedelta(days=10, hours=1)
    first = dentsec("backup", "run")
    assert first.exit_code == 0, first.output
    snapshot, expected = latest_snapshot(practice.home), tree_hashes(practice.data)
    away = practice.repo.with_name("disque-oublié-au-cabinet")
    practice.repo.rename(away)
    for _day in range(10):
        fake.next_day()
        result = dentsec("backup", "run")
        assert result.exit_code == 2 and "le disque est-il branché" in result.stderr
    fake.stop()  # the audit judges with today's date

    findings = audit_backup()
    status, message = findings["BAK-RECENT"]
    assert status == "fail", message
    assert "il y a 10," in message
    assert "a échoué" in message and "le disque est-il branché" in message
    away.rename(practice.repo)
    practice.restore_matches(snapshot, expected, tmp_path / "avant")


def test_restic_installed_without_a_backup_fails_every_check(restic_bin: str) -> None:
    findings = audit_backup()
    if findings["BAK-CONFIGURED"][0] != "fail":
        pytest.skip(f"this machine has a backup set up: {findings['BAK-CONFIGURED']}")
    for check_id in ("BAK-RECENT", "BAK-VERIFIED", "BAK-RESTORE-TESTED", "BAK-OFFLINE-COPY"):
        status, message = findings[check_id]
        assert status == "fail", (check_id, message)
        assert "Aucune sauvegarde configurée" in message


def test_a_backup_forced_onto_the_data_disk_never_passes(practice: Practice) -> None:
    """The practice fixture forces its repository beside the data (same file system)."""
    assert dentsec("backup", "run").exit_code == 0
    findings = audit_backup()
    assert findings["BAK-CONFIGURED"][0] == "warn", findings["BAK-CONFIGURED"]
    assert findings["BAK-OFFLINE-COPY"][0] == "warn"
    assert "même disque" in findings["BAK-OFFLINE-COPY"][1]


def test_a_database_always_open_is_named_with_its_fix(practice: Practice,
                                                      fake_clock: FakeClock) -> None:
    fake = fake_clock
    fake.at -= timedelta(days=3)
    assert dentsec("backup", "run").exit_code == 0
    database = practice.data / "logiciel" / "patients.db"
    write_random(database, 4096)
    stop = threading.Event()

    def keep_writing() -> None:  # the practice software, open all day
        with database.open("ab") as fh:
            while not stop.is_set():
                fh.write(b"x" * 64)
                fh.flush()
                time.sleep(0.002)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        for _day in range(2):
            fake.next_day()
            assert dentsec("backup", "run").exit_code == 3
    finally:
        stop.set()
        writer.join()
    assert status_json()["incomplete"]["runs"] == 2
    assert str(database) not in str(status_json())
    fake.stop()
    status, message = audit_backup()["BAK-RECENT"]
    assert status == "warn", message
    assert "2 sauvegardes de suite sont incomplètes" in message
    assert "fermez le logiciel" in message and "VSS" in message


@pytest.fixture
def plug(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """An "external disk": a tmpfs (the disk) bind-mounted at a mount point; unmounting
    the bind is unplugging it, binding again is plugging it back (its data kept)."""
    if os.geteuid() != 0:
        pytest.skip("mounting needs root (CI runs as root)")
    disk, point = tmp_path / "le-disque", tmp_path / "media-usb"
    disk.mkdir()
    point.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400m", "tmpfs", str(disk)],
                          capture_output=True, text=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    plug_in(disk, point)
    yield disk, point
    subprocess.run(["umount", "-l", str(point)], capture_output=True, check=False)
    subprocess.run(["umount", "-l", str(disk)], capture_output=True, check=False)


def plug_in(disk: Path, point: Path) -> None:
    subprocess.run(["mount", "--bind", str(disk), str(point)], check=True)


def unplug(point: Path) -> None:
    subprocess.run(["umount", "-l", str(point)], check=True)


def test_empty_mount_point_is_refused_before_restic_runs(
        tmp_path: Path, home: Path, restic_bin: str, plug: tuple[Path, Path]) -> None:
    disk, point = plug
    practice = start_practice(tmp_path / "cabinet", point / "depot", home)
    assert dentsec("backup", "run").exit_code == 0
    snapshot, expected = latest_snapshot(home), tree_hashes(practice.data)
    unplug(point)
    result = dentsec("backup", "run")
    assert result.exit_code == 2
    assert "le disque est-il branché" in result.stderr
    assert list(point.iterdir()) == [], "nothing may be written on the internal disk"
    assert status_json()["last_run"]["error_code"] == "repository-missing"
    status, message = audit_backup()["BAK-RECENT"]
    assert status == "warn" and "a échoué" in message, message
    plug_in(disk, point)
    practice.restore_matches(snapshot, expected, tmp_path / "avant")


def test_disk_replugged_during_the_run_is_no_success(
        tmp_path: Path, home: Path, restic_bin: str, plug: tuple[Path, Path]) -> None:
    disk, point = plug
    practice = start_practice(tmp_path / "cabinet", point / "depot", home)
    assert dentsec("backup", "run").exit_code == 0
    snapshot, expected = latest_snapshot(home), tree_hashes(practice.data)
    success_before = status_json()["last_success"]
    write_random(practice.data / "scanner" / "cbct.bin", BIG)
    write_random(practice.data / "scanner" / "cbct-2.bin", BIG)
    child = subprocess.Popen(dentsec_argv("backup", "run"), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "GOMAXPROCS": "1"})
    deadline = time.monotonic() + 60
    while not any(LOCK_NAME.fullmatch(p.name) for p in (practice.repo / "locks").iterdir()):
        assert child.poll() is None and time.monotonic() < deadline
        time.sleep(0.002)
    unplug(point)
    time.sleep(3)
    plug_in(disk, point)
    _out, err = child.communicate(timeout=300)
    assert child.returncode == 2, err
    assert "le disque est-il branché" in err
    status = status_json()
    assert status["last_run"]["snapshot"] is None
    assert status["last_success"] == success_before
    listed = dentsec("backup", "restore", "--snapshot", "latest", "--target",
                     str(tmp_path / "dernier"))
    assert f"depuis {snapshot}" in listed.output, "only the first snapshot is in the repository"
    if "débranché pendant la sauvegarde" in err:  # restic still ran once the disk was back
        assert status["damage"]["by"] == "run"
        findings = audit_backup()
        assert findings["BAK-VERIFIED"][0] == "fail"
        assert "endommagé" in findings["BAK-VERIFIED"][1]
    else:  # restic ended while the disk was away: what it wrote was found in its place
        assert "écrits sur le disque interne" in err and status["leftovers"]["bytes"] > 0
    # what restic wrote while unplugged is hidden under the mount point: seen once unplugged
    unplug(point)
    shown = dentsec("backup", "leftovers")
    if "Aucune donnée" not in shown.output:  # backup status tells it too
        assert "disque interne à la place" in dentsec("backup", "status").output
    if "Aucune donnée" not in shown.output:
        assert "NE sont PAS" in shown.output or "PAS une" in shown.output
        removed = dentsec("backup", "leftovers", "--remove", "--yes")
        assert removed.exit_code == 0 and "Effacé" in removed.output
        assert not (point / "depot" / "data").exists()
    plug_in(disk, point)
    practice.restore_matches(snapshot, expected, tmp_path / "avant")


def corrupt_largest_pack(repo: Path) -> Path:
    packs = [p for p in (repo / "data").rglob("*") if p.is_file()]
    victim = max(packs, key=lambda p: p.stat().st_size)
    victim.chmod(0o644)
    raw = bytearray(victim.read_bytes())
    middle = len(raw) // 2
    raw[middle:middle + 64] = bytes(b ^ 0xFF for b in raw[middle:middle + 64])
    victim.write_bytes(bytes(raw))
    return victim


def test_damaged_pack_is_not_forgotten(tmp_path: Path, practice: Practice) -> None:
    assert dentsec("backup", "run").exit_code == 0
    victim = corrupt_largest_pack(practice.repo)
    found = dentsec("backup", "verify", "--subset", "100%")
    assert found.exit_code == 2 and "endommagé" in found.stderr
    # a later check that happens to read other packs passes...
    other_bucket = (int(victim.name[:2], 16) + 1) % 256 + 1
    lucky = dentsec("backup", "verify", "--subset", f"{other_bucket}/256")
    assert lucky.exit_code == 0, lucky.output
    # ...but the damage is remembered, by the run, the restore and the audit
    findings = audit_backup()
    assert findings["BAK-VERIFIED"][0] == "fail", findings["BAK-VERIFIED"]
    assert "endommagé" in findings["BAK-VERIFIED"][1]
    run = dentsec("backup", "run")
    assert "dentsec backup repair" in run.stderr
    restored = dentsec("backup", "restore", "--snapshot", "latest", "--target",
                       str(tmp_path / "restauré"))
    assert restored.exit_code == 2
    assert "NON restaurés" in restored.stderr and str(practice.data) in restored.stderr
    assert (tmp_path / "restauré" / str(practice.data).lstrip("/") / "compta.csv").exists()
    # the documented repair path clears it, and only a full read does
    repaired = dentsec("backup", "repair")
    assert repaired.exit_code == 0, repaired.output
    assert status_json()["damage"] is None
    assert audit_backup()["BAK-VERIFIED"][0] == "pass"
