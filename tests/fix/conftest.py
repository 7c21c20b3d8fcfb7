"""Fixtures of the fix tests: a writable copy of the weak fixture tree (see README.md),
a private DENTSEC_HOME, the CLI in-process and a byte-exact tree snapshot."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dentsec.cli import main
from dentsec.engine import audit_live
from dentsec.i18n import set_language

HERE = Path(__file__).parent
TREES = HERE.parent / "collect" / "linux" / "trees"
DPKG_SAMPLE = HERE.parent / "collect" / "linux" / "samples" / "dpkg-status-debian12-excerpt.txt"
MACHINE_UNITS = ("/lib/systemd/system/apt-daily.timer", "/lib/systemd/system/apt-daily-upgrade.timer",
                 "/usr/lib/systemd/system/nftables.service")
PAM_DIR = "lib/x86_64-linux-gnu/security"

Snapshot = dict[str, tuple[str, bytes | str, int]]


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "dentsec-home"
    monkeypatch.setenv("DENTSEC_HOME", str(path))
    monkeypatch.setenv("DENTSEC_LANG", "fr")
    monkeypatch.delenv("SUDO_USER", raising=False)
    return path


def _stanza(name: str) -> str:
    """One package's stanza from the recorded Debian 12 dpkg status excerpt."""
    for block in DPKG_SAMPLE.read_text(encoding="utf-8").split("\n\n"):
        if block.startswith(f"Package: {name}\n"):
            return block.strip() + "\n"
    raise AssertionError(f"{name} not in {DPKG_SAMPLE}")


@pytest.fixture
def weak(tmp_path: Path) -> Path:
    """The neglected workstation tree, with the pieces a real Debian install has and the
    fixes look for: the PAM modules (placeholder files: only their presence is read), the
    apt and nftables systemd units (copied from this Debian machine), nftables installed."""
    tree = tmp_path / "poste"
    shutil.copytree(TREES / "weak", tree, symlinks=True)
    pam = tree / PAM_DIR
    pam.mkdir(parents=True)
    for module in ("pam_unix.so", "pam_pwquality.so", "pam_faillock.so"):
        (pam / module).write_bytes(b"placeholder: stands for the module libpam installs\n")
    for unit in MACHINE_UNITS:
        if not os.path.exists(unit):
            pytest.skip(f"{unit} absent on this machine (.ci/setup.d/60-fix.sh installs nftables)")
        dest = tree / unit.lstrip("/")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(unit, dest)
    status = tree / "var/lib/dpkg/status"
    status.write_text(status.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
                      + _stanza("nftables"), encoding="utf-8")
    return tree


@pytest.fixture
def snapshot() -> Callable[[Path], Snapshot]:
    """Every file, link and folder of a tree: kind, bytes or link target, mode."""
    def take(root: Path) -> Snapshot:
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
    return take


@pytest.fixture
def cli() -> Callable[..., Result]:
    def run(*args: str, input: str | None = None) -> Result:
        set_language(None)  # as dentsec.cli.run does: each command starts from DENTSEC_LANG
        return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return run


@pytest.fixture
def verdict() -> Callable[[Path, str], str]:
    """What the audit of the tree tells the practice for one check."""
    def get(tree: Path, check: str) -> str:
        report = audit_live(root=str(tree))
        return next(str(f.status) for f in report.findings if f.check.id == check)
    return get
