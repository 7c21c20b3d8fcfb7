"""The dentsec command as a user runs it: real process, exit codes, messages in French."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dentsec.checks.catalog import load_catalog

DENTSEC = [sys.executable, "-c", "from dentsec.cli import run; run()"]


def dentsec(*args: str, home: Path, lang: str = "fr") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DENTSEC_HOME=str(home), DENTSEC_LANG=lang)
    return subprocess.run([*DENTSEC, *args], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


def test_checks_json_lists_the_catalog(tmp_path: Path) -> None:
    res = dentsec("checks", "--format", "json", home=tmp_path)
    assert res.returncode == 0
    listed = json.loads(res.stdout)
    assert [c["id"] for c in listed] == list(load_catalog())
    assert all(c["title"]["fr"] and c["title"]["en"] for c in listed)


def test_explain_in_french_and_english(tmp_path: Path) -> None:
    fr = dentsec("explain", "fw-remote-desktop", home=tmp_path)
    assert fr.returncode == 0 and "bureau à distance" in fr.stdout and "mesure 17" in fr.stdout
    en = dentsec("explain", "FW-REMOTE-DESKTOP", "--lang", "en", home=tmp_path)
    assert en.returncode == 0 and "Remote desktop is not open" in en.stdout


@pytest.mark.parametrize(("args", "needle"), [
    (["audit", "--format", "docx"], "Erreur d'utilisation"),
    (["audit", "--format", "pdf"], "ajoutez --output"),
    (["audit", "--root", "/x", "--evidence", "/y"], "ne vont pas ensemble"),
    (["audit", "--evidence", "/nonexistent.zip"], "Paquet de preuves introuvable"),
    (["audit", "--policy", "/nonexistent.toml"], "politique introuvable"),
    (["explain", "NOPE-1"], "Contrôle inconnu"),
    (["frobnicate"], "Erreur d'utilisation"),
])
def test_usage_and_runtime_errors_exit_2_with_a_french_message(
        tmp_path: Path, args: list[str], needle: str) -> None:
    res = dentsec(*args, home=tmp_path)
    assert res.returncode == 2, res.stderr
    assert needle in res.stderr
    assert "Traceback" not in res.stderr


def test_english_messages_on_request(tmp_path: Path) -> None:
    res = dentsec("audit", "--evidence", "/nonexistent.zip", "--lang", "en", home=tmp_path)
    assert res.returncode == 2 and "Evidence bundle not found" in res.stderr
