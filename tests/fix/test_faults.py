"""Fault cases: full disk, a file changed between preview and confirmation, no root rights,
a fix whose check still fails. Each ends on what the practice is told and on the tree:
previous state restored, nothing half-written."""

from __future__ import annotations

import errno
import json
import os
import pty
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from tests.fix.conftest import Snapshot

Cli = Callable[..., Result]
Verdict = Callable[[Path, str], str]
Snap = Callable[[Path], Snapshot]
FIX = [sys.executable, "-c", "from dentsec.cli import run; run()", "fix"]


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs mounted for the test (root only)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root (CI runs as root)")
    point = tmp_path / "petit-disque"
    point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs",
                              str(point)], capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    yield point
    subprocess.run(["umount", "-l", str(point)], check=False)


def fill(folder: Path, leave_pages: int = 0) -> None:
    """Fill the file system with 4 KiB files, then free ``leave_pages`` of them."""
    folder.mkdir()
    n = 0
    try:
        while True:
            with open(folder / f"{n:05}", "wb") as fh:
                fh.write(b"\0" * 4096)
            n += 1
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    (folder / f"{n:05}").unlink(missing_ok=True)
    for k in range(1, leave_pages + 1):
        (folder / f"{n - k:05}").unlink()


def _history(cli: Cli) -> list[dict[str, object]]:
    fixes = json.loads(cli("fix", "--history", "--format", "json").output)["fixes"]
    assert isinstance(fixes, list)
    return fixes


def _fix_folders(home: Path) -> list[Path]:
    """Saved fix states (the lock file aside)."""
    fixes = home / "fixes"
    return [p for p in fixes.iterdir() if p.is_dir()] if fixes.exists() else []


def test_disk_full_in_the_middle_of_a_fix(weak: Path, small_fs: Path, cli: Cli,
                                          verdict: Verdict, snapshot: Snap) -> None:
    tree = small_fs / "poste"
    shutil.copytree(weak, tree, symlinks=True)
    before = snapshot(tree)
    # One page left: the new faillock.conf fits, the new copy of common-auth does not.
    fill(small_fs / "remplissage", leave_pages=1)
    res = cli("fix", "PWD-LOCKOUT", "--root", str(tree), "--yes")
    assert res.exit_code == 1
    assert "Non corrigé : Échec de l'écriture" in res.output
    assert "le disque est plein" in res.output
    assert "L'état précédent a été rétabli." in res.output
    shutil.rmtree(small_fs / "remplissage")
    after = snapshot(tree)
    assert after == before  # faillock.conf written then removed, no temporary file left
    assert verdict(tree, "PWD-LOCKOUT") == "fail"
    [record] = _history(cli)
    assert record["status"] == "failed" and record["verdict_after"] is None


def test_disk_full_where_the_state_is_saved(weak: Path, small_fs: Path, cli: Cli,
                                            snapshot: Snap, monkeypatch: pytest.MonkeyPatch) -> None:
    home = small_fs / "dentsec"
    monkeypatch.setenv("DENTSEC_HOME", str(home))
    before = snapshot(weak)
    fill(small_fs / "remplissage")
    res = cli("fix", "PWD-MIN-LENGTH", "--root", str(weak), "--yes")
    assert res.exit_code == 2
    assert "Impossible" in res.output and "Rien n'a été modifié." in res.output
    assert snapshot(weak) == before
    assert _fix_folders(home) == []


def test_file_changed_between_preview_and_confirmation(weak: Path, cli: Cli, snapshot: Snap,
                                                       home: Path) -> None:
    """The real terminal path: the prompt is answered in a pseudo-terminal."""
    conf = weak / "etc/security/faillock.conf"
    env = dict(os.environ, DENTSEC_HOME=str(home), DENTSEC_LANG="fr")
    pid, fd = pty.fork()
    if pid == 0:  # the child: dentsec fix on a terminal
        os.execvpe(FIX[0], [*FIX, "PWD-LOCKOUT", "--root", str(weak)], env)
    output = b""
    deadline = time.monotonic() + 60
    while b"[o/N]" not in output and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if ready:
            output += os.read(fd, 4096)
    assert b"deny : (absent) \xe2\x86\x92 5" in output
    conf.write_text("deny = 50\n", encoding="utf-8")  # someone edits it meanwhile
    changed = snapshot(weak)
    os.write(fd, b"o\n")
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    _, status = os.waitpid(pid, 0)
    text = output.decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 2, text
    assert "/etc/security/faillock.conf a changé depuis l'aperçu : rien n'a été modifié" in text
    assert snapshot(weak) == changed
    assert _history(cli) == []


def test_terminal_answer_no_changes_nothing(weak: Path, snapshot: Snap, home: Path) -> None:
    before = snapshot(weak)
    env = dict(os.environ, DENTSEC_HOME=str(home), DENTSEC_LANG="fr")
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(FIX[0], [*FIX, "PWD-LOCKOUT", "--root", str(weak)], env)
    output = b""
    while b"[o/N]" not in output:
        output += os.read(fd, 4096)
    os.write(fd, b"n\n")
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 2
    assert "Annulé : rien n'a été modifié." in output.decode()
    assert snapshot(weak) == before


def test_no_root_rights(weak: Path, snapshot: Snap) -> None:
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("dropping to an unprivileged account needs root and setpriv")
    # pytest's own temporary folders are private to root: a folder 'nobody' may walk into.
    base = Path(tempfile.mkdtemp(prefix="dentsec-fix-nobody-"))
    try:
        base.chmod(0o755)
        tree = base / "poste"
        shutil.copytree(weak, tree, symlinks=True)
        home = base / "home"
        home.mkdir()
        home.chmod(0o777)
        before = snapshot(tree)
        res = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                              *FIX, "PWD-LOCKOUT", "--root", str(tree), "--yes"],
                             capture_output=True, text=True, timeout=120, check=False,
                             env=dict(os.environ, DENTSEC_HOME=str(home), DENTSEC_LANG="fr",
                                      HOME=str(home)))
        if "python" in res.stderr.lower() and "denied" in res.stderr.lower():
            pytest.skip("this Python is not usable by an unprivileged account")
        assert res.returncode == 2, res.stdout + res.stderr
        assert "Droits insuffisants pour modifier /etc/security/faillock.conf" in res.stderr
        assert "relancez en administrateur (sudo dentsec fix …). Rien n'a été modifié." in res.stderr
        assert snapshot(tree) == before
        assert _fix_folders(home) == []
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_a_fix_whose_check_still_fails_is_rolled_back(weak: Path, cli: Cli, verdict: Verdict,
                                                      snapshot: Snap) -> None:
    """The guest's home folder is missing: the downloads fix cannot prove the check passes."""
    before = snapshot(weak)
    res = cli("fix", "DL-AUTO-OPEN", "--root", str(weak), "--yes", "--device-wide")
    assert res.exit_code == 1
    assert "Non corrigé : Après correction, DL-AUTO-OPEN n'est toujours pas réussi" in res.output
    assert "/home/invite: missing" in res.output  # the reason of the unknown, told
    assert "L'état précédent a été rétabli." in res.output
    assert snapshot(weak) == before
    assert verdict(weak, "DL-AUTO-OPEN") == "fail"
    [record] = _history(cli)
    assert (record["status"], record["verdict_after"]) == ("rolled-back", "unknown")
    assert cli("fix", "--undo", "last", "--yes").exit_code == 2  # nothing in place to undo


def test_undo_after_someone_changed_the_file(weak: Path, cli: Cli, snapshot: Snap) -> None:
    before = snapshot(weak)
    assert cli("fix", "PWD-LOCKOUT", "--root", str(weak), "--yes").exit_code == 0
    (weak / "etc/security/faillock.conf").write_text("deny = 3\n", encoding="utf-8")
    res = cli("fix", "--undo", "last", "--yes")
    assert res.exit_code == 0
    assert "ATTENTION : modifiés depuis le correctif ; ces changements ultérieurs seront perdus : " \
        "/etc/security/faillock.conf" in res.output  # told before the confirmation
    assert "modifiés depuis le correctif, remis quand même" in res.output
    assert snapshot(weak) == before


def test_an_interrupted_fix_is_undone_from_its_copies(weak: Path, cli: Cli, verdict: Verdict,
                                                      snapshot: Snap, home: Path) -> None:
    """A fix killed after writing but before its record was finished (power cut): the record
    still says "applying"; the undo puts every file back from the copies saved first."""
    before = snapshot(weak)
    assert cli("fix", "PWD-MIN-LENGTH", "--root", str(weak), "--yes").exit_code == 0
    [folder] = [p for p in (home / "fixes").iterdir() if p.is_dir()]
    record = json.loads((folder / "record.json").read_text(encoding="utf-8"))
    record.update(status="applying", finished_at=None, verdict_after=None, message=None)
    (folder / "record.json").write_text(json.dumps(record), encoding="utf-8")
    (weak / "etc/login.defs").write_bytes(b"PASS_MAX_DAYS\t18")  # torn by the power cut
    res = cli("fix", "--undo", "last", "--yes")
    assert res.exit_code == 0, res.output
    assert "Ce correctif a été interrompu" in res.output
    assert "ATTENTION" not in res.output
    assert snapshot(weak) == before
    assert verdict(weak, "PWD-MIN-LENGTH") == "fail"


def test_one_fix_at_a_time(weak: Path, cli: Cli, snapshot: Snap) -> None:
    from dentsec.fix import store

    before = snapshot(weak)
    with store.locked():
        res = cli("fix", "PWD-LOCKOUT", "--root", str(weak), "--yes")
    assert res.exit_code == 2
    assert "Un autre correctif est en cours sur ce poste" in res.output
    assert snapshot(weak) == before
    assert cli("fix", "PWD-LOCKOUT", "--root", str(weak), "--yes").exit_code == 0


def test_an_unreadable_file_is_told_not_raised(weak: Path, snapshot: Snap) -> None:
    """Planning as an unprivileged account a fix whose file only root may read."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("dropping to an unprivileged account needs root and setpriv")
    base = Path(tempfile.mkdtemp(prefix="dentsec-fix-nobody-"))
    try:
        base.chmod(0o755)
        tree = base / "poste"
        shutil.copytree(weak, tree, symlinks=True)
        (tree / "etc/pam.d/common-auth").chmod(0o600)
        home = base / "home"
        home.mkdir()
        home.chmod(0o777)
        res = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                              *FIX, "PWD-LOCKOUT", "--root", str(tree), "--dry-run"],
                             capture_output=True, text=True, timeout=120, check=False,
                             env=dict(os.environ, DENTSEC_HOME=str(home), DENTSEC_LANG="fr",
                                      HOME=str(home)))
        assert res.returncode == 2, res.stdout + res.stderr
        assert "Traceback" not in res.stderr
        assert "relancez en administrateur" in res.stderr
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_ctrl_c_during_the_verification_restores(weak: Path, snapshot: Snap,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C after the files are written (during the re-audit): nothing stays changed."""
    from dentsec.checks.policy import Policy
    from dentsec.errors import DentsecError
    from dentsec.fix import flow

    before = snapshot(weak)
    prepared = flow.prepare("PWD-LOCKOUT", str(weak), Policy())

    def interrupted(*_: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(flow, "verdicts", interrupted)  # the person presses Ctrl-C here
    with pytest.raises(DentsecError) as told:
        flow.apply(prepared)
    assert told.value.fr == "Interrompu. L'état précédent a été rétabli."
    assert snapshot(weak) == before
