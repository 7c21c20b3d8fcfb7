"""Is the backup target a dedicated external disk? Compares the disk holding the target
with the disks holding the sources (st_dev, then the whole disk behind a partition) and
reads Linux's /sys/block/<disk>/removable and the device's bus (USB)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dentsec.backup import clock
from dentsec.backup.status import Placement

SYS = Path("/sys")


@dataclass(frozen=True)
class DiskInfo:
    dev: int | None
    """st_dev of the file system (None when the path does not exist at all)."""
    disk: str | None
    """Whole-disk name (``sda``, ``nvme0n1``) when known."""
    removable: bool | None
    """None when unknown (not Linux, virtual device, network or memory file system)."""


def existing_ancestor(path: Path) -> Path | None:
    path = path.expanduser().absolute()
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return None


def disk_info(path: Path, sys_root: Path = SYS) -> DiskInfo:
    anchor = existing_ancestor(path)
    if anchor is None:
        return DiskInfo(None, None, None)
    dev = os.stat(anchor).st_dev
    if not hasattr(os, "major"):
        return DiskInfo(dev, None, None)  # Windows: no sysfs to ask
    node = sys_root / "dev" / "block" / f"{os.major(dev)}:{os.minor(dev)}"
    try:
        real = node.resolve(strict=True)
    except OSError:
        return DiskInfo(dev, None, None)  # no block device: tmpfs, network, other OS
    disk_dir = real.parent if (real / "partition").exists() else real
    name = disk_dir.name
    if "/virtual/" in str(disk_dir):
        return DiskInfo(dev, name, None)  # loop, device-mapper, ram: cannot tell
    try:
        flag = (sys_root / "block" / name / "removable").read_text().strip()
    except OSError:
        flag = ""
    # USB hard disks often say removable=0: the bus tells them apart from internal ones.
    removable = flag == "1" or "/usb" in str(disk_dir)
    return DiskInfo(dev, name, removable)


@dataclass(frozen=True)
class Concern:
    code: str  # same-disk | internal-disk | unknown-disk
    blocking: bool
    fr: str
    en: str


def target_concerns(target: Path, sources: list[str], sys_root: Path = SYS) -> list[Concern]:
    """Why ``target`` may not be a dedicated external disk, most serious first."""
    concerns = []
    info = disk_info(target, sys_root)
    for source in sources:
        other = disk_info(Path(source), sys_root)
        same = (info.disk is not None and info.disk == other.disk) or (
            info.dev is not None and info.dev == other.dev)
        if same:
            concerns.append(Concern(
                "same-disk", True,
                f"{target} est sur le même disque que {source} : une panne ou un rançongiciel "
                "emporterait les deux.",
                f"{target} is on the same disk as {source}: a failure or ransomware would "
                "take both."))
            break
    if info.removable is False:
        concerns.append(Concern(
            "internal-disk", True,
            f"{target} est sur un disque interne fixe ({info.disk}) : utilisez un disque "
            "externe dédié.",
            f"{target} is on a fixed internal disk ({info.disk}): use a dedicated external "
            "disk."))
    elif info.removable is None:
        concerns.append(Concern(
            "unknown-disk", False,
            f"Impossible de savoir si {target} est un disque externe : vérifiez-le.",
            f"Cannot tell whether {target} is an external disk: please check."))
    return concerns


def placement_of(repository: str, paths: list[str]) -> Placement:
    """Checked at init and at every run (a few stat calls): ``init --force`` may have put
    the repository beside the data, and a later ``add`` may bring data onto its disk."""
    try:
        codes = {c.code for c in target_concerns(Path(repository), paths)}
    except OSError:
        return Placement(clock.now(), None, None)
    internal = True if "internal-disk" in codes else None if "unknown-disk" in codes else False
    return Placement(clock.now(), "same-disk" in codes, internal)
