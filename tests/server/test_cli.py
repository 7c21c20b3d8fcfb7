"""`dentsec serve` and `dentsec server …` as a user runs them (subprocesses, SQLite)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

DENTSEC = str(Path(sys.executable).parent / "dentsec")


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DENTSEC_", "DJANGO_"))}
    env.update(DENTSEC_HOME=str(home), DENTSEC_LANG="fr")
    return env


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_first_run_docs_and_static(tmp_path: Path) -> None:
    port = _port()
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen([DENTSEC, "serve", "--port", str(port)], env=_env(tmp_path),
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                first = httpx.get(base + "/", follow_redirects=True, timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        assert first.url.path == "/premier-demarrage/"
        output = (tmp_path / "serve.log").read_text()
        code = re.search(r"saisissez le code (\S+)", output)
        assert code is not None and (tmp_path / "server" / "first-run-code").read_text() == \
            code.group(1)
        assert (tmp_path / "server" / "dentsec.sqlite3").exists()
        docs = httpx.get(base + "/api/docs", timeout=5)
        assert docs.status_code == 200
        assert "cdn" not in docs.text.lower() and "/static/ninja/swagger-ui-bundle.js" in docs.text
        assert httpx.get(base + "/static/ninja/swagger-ui-bundle.js").status_code == 200
        assert httpx.get(base + "/static/console/htmx.min.js").status_code == 200
        spec = httpx.get(base + "/api/openapi.json").json()
        assert "/api/v1/agent/reports" in spec["paths"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_create_admin_reads_the_password_from_stdin_only(tmp_path: Path) -> None:
    env = _env(tmp_path)
    weak = subprocess.run([DENTSEC, "server", "create-admin", "--username", "a",
                           "--organisation", "O", "--password-stdin"], input="1234\n",
                          env=env, capture_output=True, text=True, check=False)
    assert weak.returncode == 2 and "mot de passe refusé" in weak.stderr
    done = subprocess.run([DENTSEC, "server", "create-admin", "--username", "a",
                           "--organisation", "O", "--password-stdin"],
                          input="Un-mot-de-passe-solide\n", env=env, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    again = subprocess.run([DENTSEC, "server", "create-admin", "--username", "a",
                            "--password-stdin"], input="Un-mot-de-passe-solide\n", env=env,
                           capture_output=True, text=True, check=False)
    assert again.returncode == 2 and "existe déjà" in again.stderr
    help_text = subprocess.run([DENTSEC, "server", "create-admin", "--help"], env=env,
                               capture_output=True, text=True, check=True).stdout
    assert "--password " not in help_text


def test_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    env = _env(tmp_path)
    env["DENTSEC_DATABASE_URL"] = f"postgres://nobody:x@127.0.0.1:{_port()}/none"
    done = subprocess.run([DENTSEC, "server", "migrate"], env=env, capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 2
    assert "base de données inaccessible" in done.stderr
