"""``dentsec audit``, ``collect``, ``checks`` and ``explain`` as a user runs them: French
words, the score method, clear refusals before any work is done."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "evidence"
DENTSEC = [sys.executable, "-c", "from dentsec.cli import run; run()"]


def dentsec(*args: str, home: Path, lang: str = "fr") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DENTSEC_HOME=str(home), DENTSEC_LANG=lang, COLUMNS="80")
    return subprocess.run([*DENTSEC, *args], capture_output=True, text=True, env=env,
                          timeout=180, check=False)


@pytest.mark.parametrize("args", [
    ["audit", "--format", "html", "--output"], ["collect", "--output"]])
def test_output_into_a_missing_folder_is_refused_before_the_audit(
        tmp_path: Path, args: list[str]) -> None:
    target = tmp_path / "absent" / "rapport.zip"
    res = dentsec(*args, str(target), home=tmp_path)
    assert res.returncode == 2, res.stderr
    assert f"Le dossier de {target} n'existe pas" in res.stderr
    assert not (tmp_path / "absent").exists()
    en = dentsec(*args, str(target), home=tmp_path, lang="en")
    assert "does not exist" in en.stderr


def test_checks_and_explain_speak_french(tmp_path: Path) -> None:
    listing = dentsec("checks", home=tmp_path)
    assert listing.returncode == 0
    assert re.search(r"FW-ENABLED\s+critique", listing.stdout)
    assert not re.search(r"\b(critical|medium)\b", listing.stdout)
    fr = dentsec("explain", "FW-ENABLED", home=tmp_path)
    assert "gravité critique · effort rapide" in fr.stdout
    en = dentsec("explain", "FW-ENABLED", "--lang", "en", home=tmp_path)
    assert "severity critical · effort quick" in en.stdout


def test_terminal_report_prints_the_score_method_and_reasons(tmp_path: Path) -> None:
    out = tmp_path / "rapport.txt"
    res = dentsec("audit", "--evidence", str(SAMPLES / "linux-weak-workstation"),
                  "--output", str(out), home=tmp_path)
    assert res.returncode == 1, res.stderr
    text = out.read_text(encoding="utf-8")
    assert "Score = points obtenus / points possibles" in text
    assert "Détail technique :" in text and "raison :" not in text
    assert "Impossible de vérifier" in text
    # hanging indent: a wrapped line of a finding starts under its text, not at the margin
    lines = text.splitlines()
    assert all(len(line) <= 100 for line in lines)
    first = next(n for n, line in enumerate(lines) if "Impossible de vérifier" in line)
    assert lines[first].startswith(" " * 16)


def test_an_accepted_risk_in_the_policy_file_is_shown_until_it_expires(tmp_path: Path) -> None:
    """``dentsec audit --policy cabinet.toml``: the failure stays a failure, the report says
    the practice accepted it and until when; an expired acceptance is not shown."""
    policy = tmp_path / "cabinet.toml"
    sample = SAMPLES / "linux-weak-workstation"  # audited 2026-11-29, FW-SSH fails
    policy.write_text('[[accepted_risks]]\ncheck = "FW-SSH"\n'
                      'reason = "Accès du prestataire pendant la migration"\n'
                      'until = 2026-12-31\n'
                      '[[accepted_risks]]\ncheck = "FW-SMB1"\nreason = "Ancien scanner"\n'
                      'until = 2026-11-28\n')
    out = tmp_path / "rapport.txt"
    res = dentsec("audit", "--evidence", str(sample), "--policy", str(policy),
                  "--output", str(out), home=tmp_path)
    assert res.returncode == 1, res.stderr
    text = " ".join(out.read_text(encoding="utf-8").split())
    assert ("Risque accepté jusqu'au 31/12/2026 : Accès du prestataire pendant "
            "la migration.") in text
    assert "Ancien scanner" not in text
