"""Errors from the operating system reach the user in French (English with --lang en)."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dentsec.errors import os_error, os_reason

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "evidence" / "linux-weak-workstation"


@pytest.mark.parametrize(("code", "french", "english"), [
    (errno.ENOENT, "fichier ou dossier introuvable", "no such file or directory"),
    (errno.EACCES, "accès refusé", "permission denied"),
    (errno.EROFS, "le disque est en lecture seule", "read-only file system"),
    (errno.ENOSPC, "le disque est plein", "the disk is full"),
])
def test_os_reasons_in_french(code: int, french: str, english: str) -> None:
    fr, en = os_reason(OSError(code, os.strerror(code), "/media/usb/rapport.html"))
    assert fr.startswith(french) and fr.endswith(" (/media/usb/rapport.html)")
    assert en.startswith(english)
    err = os_error(OSError(code, os.strerror(code)), "Impossible d'écrire X", "Cannot write X")
    assert err.fr.startswith(f"Impossible d'écrire X : {french}")


def test_an_unlisted_os_error_still_says_so_in_french() -> None:
    fr, _en = os_reason(OSError(errno.ELOOP, os.strerror(errno.ELOOP)))
    assert fr.startswith("erreur du système (")


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"),
                    reason="mounting a read-only disk needs root and unshare")
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_onto_a_read_only_disk(tmp_path: Path, lang: str) -> None:
    """A real read-only file system (tmpfs mounted ro in a private mount namespace)."""
    disk = tmp_path / "usb"
    disk.mkdir()
    command = [sys.executable, "-c", "from dentsec.cli import run; run()", "audit", "--evidence",
               str(SAMPLE), "--output", str(disk / "rapport.txt")]
    script = f"mount -t tmpfs -o ro tmpfs {disk} && exec \"$@\""
    env = dict(os.environ, DENTSEC_HOME=str(tmp_path / "home"), DENTSEC_LANG=lang)
    res = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", *command],
                         capture_output=True, text=True, env=env, timeout=180, check=False)
    assert res.returncode == 2, res.stderr
    expected = "le disque est en lecture seule" if lang == "fr" else "read-only file system"
    assert expected in res.stderr and "Traceback" not in res.stderr
    assert ("Read-only file system" not in res.stderr) if lang == "fr" else True
