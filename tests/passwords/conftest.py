"""Shared fixtures: an isolated DENTSEC_HOME and temp dir, a local HIBP range server on
127.0.0.1, and KeePass databases built with pykeepass itself."""

from __future__ import annotations

import hashlib
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from dentsec.i18n import set_language
from dentsec.proc import ProcResult, run

DENTSEC = str(Path(sys.executable).parent / "dentsec")
NOW = datetime.now(UTC)


@pytest.fixture(autouse=True)
def french() -> None:
    """The language is process state: each test starts in French."""
    set_language("fr")


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """DENTSEC_HOME and TMPDIR in a fresh folder each; returned as an env for subprocesses."""
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    env = {"DENTSEC_HOME": str(home), "TMPDIR": str(tmp), "DENTSEC_LANG": "fr"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def dentsec(args: list[str], stdin: str | None, env: dict[str, str],
            timeout: float = 60) -> ProcResult:
    """The real command, in a child process."""
    return run([DENTSEC, *args], timeout=timeout, env=env, input_text=stdin)


@dataclass
class RangeServer:
    """Speaks the HIBP range API: GET /range/<5 hex> -> SUFFIX:COUNT lines."""

    url: str
    breached: dict[str, int] = field(default_factory=dict)  # password -> count
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def body(self, prefix: str) -> str:
        lines = []
        for password, count in self.breached.items():
            sha1 = hashlib.sha1(password.encode()).hexdigest().upper()
            if sha1.startswith(prefix):
                lines.append(f"{sha1[5:]}:{count}")
        # Padding lines, as the real service adds with Add-Padding: count 0, to ignore.
        lines += [f"{i:035X}:0" for i in range(3)]
        return "\r\n".join(lines)


@pytest.fixture
def hibp() -> Iterator[RangeServer]:
    holder: dict[str, RangeServer] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            server = holder["s"]
            server.requests.append((self.path, {k: v for k, v in self.headers.items()}))
            prefix = self.path.rsplit("/", 1)[-1]
            payload = server.body(prefix).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["s"] = RangeServer(f"http://127.0.0.1:{httpd.server_address[1]}")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder["s"]
    finally:
        httpd.shutdown()
        httpd.server_close()


def days_ago(n: int) -> datetime:
    return NOW - timedelta(days=n)


VaultBuilder = Callable[..., Path]


@pytest.fixture
def make_vault(tmp_path: Path) -> VaultBuilder:
    """A practice's KeePass file: reuse, weak, old (by history) and recent entries."""

    def build(master: str, key_file: Path | None = None, canary: str = "",
              name: str = "cabinet.kdbx") -> Path:
        from pykeepass import create_database  # type: ignore[import-untyped]

        path = tmp_path / name
        kp = create_database(str(path), password=master,
                             keyfile=str(key_file) if key_file else None)
        admin = kp.add_group(kp.root_group, "Administratif")
        soins = kp.add_group(kp.root_group, "Soins")
        shared = "Velours-Orage7-Falaise#Pivoine"
        kp.add_entry(admin, "Banque", "cabinet", shared, url="https://banque.example.org")
        kp.add_entry(soins, "Logiciel dentaire", "dr", shared, url="https://logiciel.example.org")
        kp.add_entry(admin, "Messagerie", "accueil", "Marseille2024!",
                     url="https://mail.example.org")
        kp.add_entry(admin, "Wifi invités", "", "")
        if canary:
            kp.add_entry(soins, "Radio", "assistante", canary)

        # Password set 400 days ago; only the notes changed 10 days ago: old.
        old = kp.add_entry(soins, "Imagerie", "dr", "Cerise-Lagon5-Vitrail=Moka",
                           url="https://imagerie.example.org")
        old.ctime = days_ago(400)
        old.mtime = days_ago(400)
        old.save_history()
        old.notes = "nouveau numéro de support"
        old.mtime = days_ago(10)

        # Password changed 20 days ago after 500 days: recent, not old.
        fresh = kp.add_entry(admin, "Mutuelle", "cabinet", "Ancien-Mot-2019!",
                             url="https://mutuelle.example.org")
        fresh.ctime = days_ago(500)
        fresh.mtime = days_ago(500)
        fresh.save_history()
        fresh.password = "Grotte-Sorbet8-Anneau+Tulipe"
        fresh.mtime = days_ago(20)

        trashed = kp.add_entry(admin, "Ancien site", "x", "azerty")
        kp.trash_entry(trashed)
        kp.save()
        return path

    return build
