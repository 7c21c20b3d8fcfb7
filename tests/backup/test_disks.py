"""Disk classification on a sysfs-shaped folder (the layout of Linux's /sys/dev/block and
/sys/block, see the kernel's Documentation/ABI/stable/sysfs-block)."""

from __future__ import annotations

import os
from pathlib import Path

from dentsec.backup.disks import disk_info, target_concerns


def fake_sys(root: Path, target: Path, device_dir: str, disk: str, partition: bool,
             removable: str) -> Path:
    """A /sys where ``target``'s st_dev resolves to ``device_dir``/``disk``[1]."""
    sys_root = root / "sys"
    dev = os.stat(target).st_dev
    disk_path = sys_root / device_dir / "block" / disk
    node = disk_path / f"{disk}1" if partition else disk_path
    node.mkdir(parents=True)
    if partition:
        (node / "partition").write_text("1\n")
    (sys_root / "block").mkdir(parents=True)
    (sys_root / "block" / disk).symlink_to(disk_path)
    (disk_path / "removable").write_text(removable + "\n")
    (sys_root / "dev" / "block").mkdir(parents=True)
    (sys_root / "dev" / "block" / f"{os.major(dev)}:{os.minor(dev)}").symlink_to(node)
    return sys_root


def test_usb_disk_is_external_even_when_not_flagged_removable(tmp_path: Path) -> None:
    sys_root = fake_sys(tmp_path, tmp_path, "devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0"
                        "/host6/target6:0:0/6:0:0:0", "sdb", True, "0")
    info = disk_info(tmp_path / "depot", sys_root)
    assert (info.disk, info.removable) == ("sdb", True)


def test_internal_disk_and_same_disk_are_blocking(tmp_path: Path) -> None:
    sys_root = fake_sys(tmp_path, tmp_path, "devices/pci0000:00/0000:00:1f.2/ata1/host0"
                        "/target0:0:0/0:0:0:0", "sda", True, "0")
    (tmp_path / "data").mkdir()
    concerns = target_concerns(tmp_path / "depot", [str(tmp_path / "data")], sys_root)
    assert [(c.code, c.blocking) for c in concerns] == [("same-disk", True),
                                                        ("internal-disk", True)]
    assert "même disque" in concerns[0].fr


def test_sd_card_flagged_removable(tmp_path: Path) -> None:
    sys_root = fake_sys(tmp_path, tmp_path, "devices/platform/mmc0/mmc0:0001", "mmcblk0",
                        False, "1")
    assert disk_info(tmp_path, sys_root).removable is True


def test_virtual_or_unknown_devices_only_warn(tmp_path: Path) -> None:
    sys_root = fake_sys(tmp_path, tmp_path, "devices/virtual", "loop3", False, "0")
    concerns = target_concerns(tmp_path / "x", [], sys_root)
    assert [(c.code, c.blocking) for c in concerns] == [("unknown-disk", False)]
    empty = tmp_path / "empty-sys"
    empty.mkdir()
    assert disk_info(tmp_path, empty).removable is None


def test_init_refuses_a_fixed_disk_without_force(tmp_path: Path, restic_bin: str) -> None:
    from tests.backup.support import dentsec

    data = tmp_path / "data"
    data.mkdir()
    dentsec("backup", "add", str(data))
    result = dentsec("backup", "init", "--to", str(tmp_path / "depot"))
    if result.exit_code == 0:
        # the test folder happens to sit on a removable or unidentifiable disk
        assert "Attention" in result.stderr or "créé" in result.output
        return
    assert result.exit_code == 2
    assert "--force" in result.stderr
    assert not (tmp_path / "depot").exists()
