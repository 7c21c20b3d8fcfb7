"""A real practice console (`dentsec serve`, SQLite) in a subprocess, for the agent tests."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "tests" / "server" / "fixtures" / "report-windows.json"
DENTSEC = [str(Path(sys.executable).parent / "dentsec")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sample_report(index: int = 0) -> bytes:
    """The sample report, made unique by its collection time."""
    data: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=index)
    data["generated_at"] = at.isoformat()
    return json.dumps(data).encode("utf-8")


class ConsoleServer:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.practice_id = 0
        self.log: Any = None
        self.env = {**os.environ, "DENTSEC_HOME": str(home), "DENTSEC_LANG": "fr"}
        self.env.pop("DENTSEC_DATABASE_URL", None)
        self.env.pop("DJANGO_SETTINGS_MODULE", None)

    def cli(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run([*DENTSEC, *args], env=self.env, input=stdin, text=True,
                              capture_output=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self) -> None:
        # Output to a file: a pipe nobody reads would fill up and block the server.
        self.log = (self.home / "serve.log").open("ab")
        self.proc = subprocess.Popen(
            [*DENTSEC, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/connexion/", timeout=2).status_code < 500:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
            if self.proc.poll() is not None:
                raise RuntimeError("dentsec serve exited: "
                                   + (self.home / "serve.log").read_text(errors="replace"))
        raise RuntimeError("dentsec serve did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        self.proc = None
        if self.log is not None:
            self.log.close()
            self.log = None

    def count_reports(self) -> int:
        db = self.home / "server" / "dentsec.sqlite3"
        with sqlite3.connect(db) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM console_report").fetchone()[0])

    def distinct_reports(self) -> int:
        db = self.home / "server" / "dentsec.sqlite3"
        with sqlite3.connect(db) as conn:
            row = conn.execute("SELECT COUNT(DISTINCT generated_at) FROM console_report")
            return int(row.fetchone()[0])


@pytest.fixture
def console_server(tmp_path: Path) -> Iterator[ConsoleServer]:
    server = ConsoleServer(tmp_path / "server-home")
    server.cli("server", "create-admin", "--username", "admin", "--organisation", "Presta",
               "--password-stdin", stdin="Un-mot-de-passe-solide-2026\n")
    server.practice_id = int(server.cli("server", "add-practice", "Cabinet du Parc"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def agent_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "agent-home"
    monkeypatch.setenv("DENTSEC_HOME", str(home))
    # No desktop keyring here: the credential goes to the 0600 file.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    return home


def set_revoked(server: ConsoleServer, revoked: bool) -> None:
    """What the console's revoke / undo buttons do to the device row."""
    db = server.home / "server" / "dentsec.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE console_device SET revoked_at = ?",
                     (datetime.now(UTC).isoformat() if revoked else None,))
