"""``--root``: the offline tree is resolved once and every read and listing stays inside it;
a folder that is not a Linux system is refused with a clear message (exit 2)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dentsec.errors import DentsecError
from dentsec.host.live import LiveHost
from dentsec.vocab import ErrorKind

DENTSEC = [sys.executable, "-c", "from dentsec.cli import run; run()"]


def linux_tree(root: Path) -> Path:
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "os-release").write_text('ID=debian\nVERSION_ID="12"\n')
    return root


def test_a_link_into_a_sibling_folder_is_outside_the_root(tmp_path: Path) -> None:
    # /x/tree-evil starts with /x/tree: a prefix test without a separator let it through.
    root = linux_tree(tmp_path / "tree")
    evil = tmp_path / "tree-evil"
    (evil / "home").mkdir(parents=True)
    (evil / "secret").write_text("auditing machine's file")
    (root / "etc" / "shadow").symlink_to(evil / "secret")
    (root / "home").symlink_to(evil / "home")
    host = LiveHost(root=str(root))
    assert host.read_text("/etc/shadow").error == ErrorKind.OUTSIDE_ROOT
    assert host.list_dir("/home").error == ErrorKind.OUTSIDE_ROOT
    assert host.read_text("/../tree-evil/secret").error == ErrorKind.OUTSIDE_ROOT


def test_links_inside_the_tree_are_followed(tmp_path: Path) -> None:
    root = linux_tree(tmp_path / "tree")
    (root / "usr" / "lib").mkdir(parents=True)
    (root / "usr" / "lib" / "os-release").write_text("ID=debian\n")
    (root / "etc" / "os-release").unlink()
    (root / "etc" / "os-release").symlink_to("../usr/lib/os-release")
    host = LiveHost(root=str(root))
    assert host.read_text("/etc/os-release").text == "ID=debian\n"


def test_the_root_is_resolved_once(tmp_path: Path) -> None:
    real = linux_tree(tmp_path / "disk")
    (tmp_path / "mnt").symlink_to(real)
    host = LiveHost(root=str(tmp_path / "mnt"))
    assert host.root == str(real.resolve())
    assert host.read_text("/etc/os-release").ok


@pytest.mark.parametrize("make", ["empty", "other-files"])
def test_a_folder_that_is_not_linux_is_refused(tmp_path: Path, make: str) -> None:
    if make == "other-files":
        (tmp_path / "Documents").mkdir()
        (tmp_path / "etc").mkdir()
    with pytest.raises(DentsecError) as exc:
        LiveHost(root=str(tmp_path))
    assert "n'est pas un système Linux" in exc.value.fr and "/etc/os-release" in exc.value.fr


@pytest.mark.parametrize("command", ["audit", "collect"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_audit_of_an_empty_folder_is_an_error_not_a_report(
        tmp_path: Path, command: str, lang: str) -> None:
    empty = tmp_path / "unmounted"
    empty.mkdir()
    args = [command, "--root", str(empty)]
    if command == "collect":
        args += ["--output", str(tmp_path / "b.zip")]
    env = dict(os.environ, DENTSEC_HOME=str(tmp_path / "home"), DENTSEC_LANG=lang)
    res = subprocess.run([*DENTSEC, *args], capture_output=True, text=True, env=env,
                         timeout=120, check=False)
    assert res.returncode == 2, res.stdout + res.stderr
    assert res.stdout == ""
    assert ("n'est pas un système Linux" if lang == "fr" else "is not a Linux system") in res.stderr
    assert not (tmp_path / "b.zip").exists()


def test_probes_stay_inside_the_tree(tmp_path: Path) -> None:
    """Probes open files themselves (sqlite counts, dconf databases): the same containment."""
    from dentsec.host.base import under_root

    root = linux_tree(tmp_path / "tree")
    (tmp_path / "tree-evil").mkdir()
    (root / "home").mkdir()
    (root / "home" / "alice").symlink_to(tmp_path / "tree-evil")
    host = LiveHost(root=str(root))

    def read_home(r: str) -> list[str]:
        return os.listdir(under_root(r, "/home/alice"))

    assert host.probe("home-listing", read_home).error == ErrorKind.OUTSIDE_ROOT
    assert under_root("", "/etc/passwd") == "/etc/passwd"
