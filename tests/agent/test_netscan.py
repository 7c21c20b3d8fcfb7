"""`dentsec agent scan` end to end: the console (a real `dentsec serve`) assigns the scan,
the agent runs real nmap on loopback only (the console's own port and one the test opens),
uploads, and the next scan tells the newly open port."""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from dentsec.agent.schedule import JOB
from dentsec.cli import main

from .conftest import DENTSEC, ConsoleServer, free_port, sample_report

pytestmark = pytest.mark.skipif(shutil.which("nmap") is None,
                                reason="nmap absent: .ci/setup.d/50-scan.sh installs it")


@pytest.fixture
def listener() -> Iterator[tuple[int, list[socket.socket]]]:
    """A port the test opens later (nothing listens on it at first)."""
    opened: list[socket.socket] = []
    yield free_port(), opened
    for s in opened:
        s.close()


def _scans(server: ConsoleServer) -> list[tuple[int, int]]:
    with sqlite3.connect(server.home / "server" / "dentsec.sqlite3") as conn:
        return conn.execute("SELECT hosts, fail_count FROM netscan_networkscan "
                            "ORDER BY started_at").fetchall()


def test_agent_scan_assigned_by_the_console(console_server: ConsoleServer, agent_home: Path,
                                            listener: tuple[int, list[socket.socket]]) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["agent", "scan"])
    assert result.exit_code == 2 and "dentsec agent enroll" in result.output

    token = console_server.cli("server", "create-token", "--practice",
                               str(console_server.practice_id)).strip()
    result = runner.invoke(main, ["agent", "enroll", "--server", console_server.url,
                                  "--token", token, "--name", "poste-accueil"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["agent", "scan"])
    assert result.exit_code == 2 and "Aucun scan du réseau n'est confié à ce poste" in result.output

    port, opened = listener
    out = console_server.cli("server", "scan-plan", "--practice",
                             str(console_server.practice_id), "--device", "poste-accueil",
                             "--ports", f"{console_server.port},{port}", "127.0.0.1")
    assert "Scan confié à poste-accueil : 127.0.0.1" in out

    result = runner.invoke(main, ["agent", "scan"])
    # the console's port is open (to check), nothing to fix, nothing to compare with yet
    assert result.exit_code == 0, result.output
    assert "Scan envoyé : 1 appareil(s), 0 à corriger." in result.output
    assert "Nouveau" not in result.output
    assert _scans(console_server) == [(1, 0)]

    s = socket.socket()
    s.bind(("127.0.0.1", port))
    s.listen(4)
    opened.append(s)
    result = runner.invoke(main, ["agent", "scan"])
    assert result.exit_code == 1, result.output
    assert f"Nouveau port ouvert : tcp/{port}" in result.output
    assert "sur 127.0.0.1" in result.output
    assert len(_scans(console_server)) == 2


def test_daily_job_scans_only_what_the_console_assigned(console_server: ConsoleServer,
                                                       agent_home: Path,
                                                       tmp_path: Path) -> None:
    """The scheduled command (JOB.args) uploads the audit, then scans only when this
    workstation holds the console's plan; a report file keeps the audit short."""
    token = console_server.cli("server", "create-token", "--practice",
                               str(console_server.practice_id)).strip()
    runner = CliRunner()
    assert runner.invoke(main, ["agent", "enroll", "--server", console_server.url,
                                "--token", token, "--name", "poste-accueil"]).exit_code == 0
    daily = [*JOB.args, "--report-file", str(tmp_path / "r.json")]
    (tmp_path / "r.json").write_bytes(sample_report(1))
    result = runner.invoke(main, daily)
    assert result.exit_code == 0, result.output  # no plan: the audit alone, no error
    assert "Envoyés : 1." in result.output and "Scan" not in result.output
    assert _scans(console_server) == []

    console_server.cli("server", "scan-plan", "--practice", str(console_server.practice_id),
                       "--device", "poste-accueil", "--ports", str(console_server.port),
                       "127.0.0.1")
    (tmp_path / "r.json").write_bytes(sample_report(2))
    result = runner.invoke(main, daily)
    assert result.exit_code == 0, result.output
    assert "Envoyés : 1." in result.output
    assert "Scan envoyé : 1 appareil(s), 0 à corriger." in result.output
    assert _scans(console_server) == [(1, 0)]
    assert console_server.count_reports() == 2


def test_plan_with_a_public_target_is_refused(console_server: ConsoleServer,
                                             agent_home: Path) -> None:
    token = console_server.cli("server", "create-token", "--practice",
                               str(console_server.practice_id)).strip()
    assert CliRunner().invoke(main, ["agent", "enroll", "--server", console_server.url,
                                     "--token", token, "--name", "poste-accueil"]).exit_code == 0
    done = subprocess.run([*DENTSEC, "server", "scan-plan", "--practice",
                           str(console_server.practice_id), "--device", "poste-accueil",
                           "192.168.1.0/24", "8.8.8.8"], env=console_server.env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert "8.8.8.8 est une adresse publique" in done.stderr
