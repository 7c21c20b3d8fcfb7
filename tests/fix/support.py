"""The tree the fix tests and benchmark change: a copy of the weak fixture workstation
(tests/collect/linux/trees/weak) with the pieces a real Debian install has and the fixes
look for: the PAM modules (placeholder files: only their presence is read), the apt and
nftables systemd units (copied from this Debian machine), nftables in the dpkg status (its
stanza from the recorded Debian 12 excerpt)."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

HERE = Path(__file__).parent
TREES = HERE.parent / "collect" / "linux" / "trees"
DPKG_SAMPLE = HERE.parent / "collect" / "linux" / "samples" / "dpkg-status-debian12-excerpt.txt"
MACHINE_UNITS = ("/lib/systemd/system/apt-daily.timer",
                 "/lib/systemd/system/apt-daily-upgrade.timer",
                 "/usr/lib/systemd/system/nftables.service")
PAM_DIR = "lib/x86_64-linux-gnu/security"
Snapshot = dict[str, tuple[str, bytes | str, int]]


def stanza(name: str) -> str:
    """One package's stanza from the recorded Debian 12 dpkg status excerpt."""
    for block in DPKG_SAMPLE.read_text(encoding="utf-8").split("\n\n"):
        if block.startswith(f"Package: {name}\n"):
            return block.strip() + "\n"
    raise AssertionError(f"{name} not in {DPKG_SAMPLE}")


def make_weak_tree(tree: Path) -> Path:
    shutil.copytree(TREES / "weak", tree, symlinks=True)
    pam = tree / PAM_DIR
    pam.mkdir(parents=True)
    for module in ("pam_unix.so", "pam_pwquality.so", "pam_faillock.so"):
        (pam / module).write_bytes(b"placeholder: stands for the module libpam installs\n")
    for unit in MACHINE_UNITS:
        dest = tree / unit.lstrip("/")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(unit, dest)
    status = tree / "var/lib/dpkg/status"
    status.write_text(status.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
                      + stanza("nftables"), encoding="utf-8")
    return tree


def snapshot_tree(root: Path) -> Snapshot:
    """Every file, link and folder of a tree: kind, bytes or link target, mode."""
    out: Snapshot = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            rel = str(path.relative_to(root))
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                out[rel] = ("link", os.readlink(path), 0)
            elif stat.S_ISDIR(info.st_mode):
                out[rel] = ("dir", "", stat.S_IMODE(info.st_mode))
            else:
                out[rel] = ("file", path.read_bytes(), stat.S_IMODE(info.st_mode))
    return out
