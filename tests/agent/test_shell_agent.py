"""dentsec-agent.sh (the macOS agent without Python): generated, valid sh, its
LaunchDaemon as launchd.plist(5) describes it, install and uninstall run for real in sh
with a fake launchctl and security (the HTTP side: tests/server/test_shell_agent.py)."""

from __future__ import annotations

import plistlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dentsec.agent import shell

SCRIPT = shell.script_path()
LAUNCHD_KEYS = {
    "Label": str, "ProgramArguments": list, "EnvironmentVariables": dict,
    "StartCalendarInterval": dict, "RunAtLoad": bool, "LowPriorityIO": bool,
    "ProcessType": str, "StandardOutPath": str, "StandardErrorPath": str,
}
"""The launchd.plist(5) keys the daemon may use, with their types (Apple's launchd man
page: https://leancrew.com/all-this/man/man5/launchd.plist.html)."""


def test_committed_agent_is_the_generated_one() -> None:
    assert SCRIPT.read_text(encoding="utf-8") == shell.render(), (
        "dentsec-agent.sh differs from agent.sh: run python -m dentsec.agent.shell")


@pytest.mark.parametrize("check", [["sh", "-n"], ["bash", "--posix", "-n"],
                                   ["shellcheck", "-s", "sh", "-S", "style"]])
def test_agent_is_valid_sh(check: list[str]) -> None:
    if not shutil.which(check[0]):
        pytest.skip(f"{check[0]} missing")
    res = subprocess.run([*check, str(SCRIPT)], capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stdout + res.stderr


def embedded_daemon() -> dict[str, object]:
    match = re.search(r"^DAEMON='(.*?)'$", SCRIPT.read_text(encoding="utf-8"), re.M | re.S)
    assert match
    data: dict[str, object] = plistlib.loads(match.group(1).encode("utf-8"))
    return data


def test_launch_daemon_follows_launchd_plist() -> None:
    daemon = embedded_daemon()
    assert daemon == plistlib.loads(shell.daemon_plist())
    assert set(daemon) <= set(LAUNCHD_KEYS)
    for key, kind in LAUNCHD_KEYS.items():
        assert isinstance(daemon.get(key, kind()), kind), key
    assert daemon["Label"] == "fr.dentsec.agent-shell"
    assert daemon["ProcessType"] in ("Background", "Standard", "Adaptive", "Interactive")
    assert daemon["ProcessType"] == "Background" and daemon["LowPriorityIO"] is True
    when = daemon["StartCalendarInterval"]
    assert isinstance(when, dict) and set(when) == {"Hour", "Minute"}
    assert 0 <= when["Hour"] <= 23 and 0 <= when["Minute"] <= 59
    assert daemon["ProgramArguments"] == [
        "/bin/sh", "__DENTSEC_DIR__/dentsec-agent.sh", "run", "--delay", "3600"]
    assert daemon["RunAtLoad"] is False


FAKES = {
    "id": '[ "$1" = -u ] && echo 0',
    "launchctl": 'printf \'%s\\n\' "$*" >>"$FAKE_LOG"; [ "$1" != print ] || [ -e "$FAKE_LOADED" ]',
    "security": 'printf \'%s\\n\' "$*" >>"$FAKE_LOG"',
}


@pytest.fixture
def mac(tmp_path: Path) -> tuple[dict[str, str], Path]:
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    for name, body in FAKES.items():
        (fake_bin / name).write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
        (fake_bin / name).chmod(0o755)
    root = tmp_path / "root"
    env = {"PATH": f"{fake_bin}:/usr/bin:/bin", "DENTSEC_AGENT_ROOT": str(root),
           "FAKE_LOG": str(tmp_path / "calls.log"), "FAKE_LOADED": str(tmp_path / "loaded"),
           "TMPDIR": str(tmp_path)}
    return env, root


def agent(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", str(SCRIPT), *args], env=env, capture_output=True, text=True,
                          check=False, timeout=60)


def test_install_writes_the_daemon_and_uninstall_removes_everything(
        mac: tuple[dict[str, str], Path]) -> None:
    env, root = mac
    state = root / "Library/Application Support/dentsec-agent"
    refused = agent(env, "install")
    assert refused.returncode == 2 and "n'est pas inscrit" in refused.stderr
    state.mkdir(parents=True)
    (state / "agent.conf").write_text("server=https://console.example\npin=\n", encoding="utf-8")
    done = agent(env, "install")
    assert done.returncode == 0, done.stderr
    assert "Tâche quotidienne installée (fr.dentsec.agent-shell)." in done.stdout
    daemon_file = root / "Library/LaunchDaemons/fr.dentsec.agent-shell.plist"
    daemon = plistlib.loads(daemon_file.read_bytes())
    program = daemon["ProgramArguments"][1]
    assert program == "/Library/Application Support/dentsec-agent/bin/dentsec-agent.sh"
    assert (root / program.lstrip("/")).read_bytes() == SCRIPT.read_bytes()
    assert (state / "bin/dentsec-collect.sh").read_bytes() == SCRIPT.with_name(
        "dentsec-collect.sh").read_bytes()
    assert oct(daemon_file.stat().st_mode & 0o777) == "0o644"
    calls = Path(env["FAKE_LOG"]).read_text(encoding="utf-8")
    assert f"bootstrap system {daemon_file}" in calls

    Path(env["FAKE_LOADED"]).touch()
    status = agent(env, "status", "--lang", "en")
    assert "Enrolled: yes" in status.stdout and "Daily job: yes" in status.stdout

    gone = agent(env, "uninstall")
    assert gone.returncode == 0 and "Agent dentsec désinstallé." in gone.stdout
    assert not state.exists() and not daemon_file.exists()
    calls = Path(env["FAKE_LOG"]).read_text(encoding="utf-8")
    assert "bootout system/fr.dentsec.agent-shell" in calls
    assert "delete-generic-password -s dentsec -a device /Library/Keychains/System.keychain" in calls


def test_bad_use_is_told_in_french_and_english(mac: tuple[dict[str, str], Path]) -> None:
    env, _ = mac
    assert "Indiquez enroll, install, run, status ou uninstall." in agent(env).stderr
    res = agent(env, "--lang", "en", "enroll", "--server", "ftp://x", "--token", "dse_a")
    assert res.returncode == 2 and "Invalid console address: https://... expected." in res.stderr
    res = agent(env, "enroll", "--server", "https://x.example", "--token", "dse_a;rm")
    assert res.returncode == 2 and "Jeton d'inscription invalide." in res.stderr
    fake_id = Path(env["PATH"].split(":")[0]) / "id"
    fake_id.write_text('#!/bin/sh\necho 501\n', encoding="utf-8")
    res = agent(env, "run")
    assert res.returncode == 2 and "Lancez ce script avec sudo (administrateur)." in res.stderr
