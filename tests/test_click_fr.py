"""Click's own words (usage, help, usage errors) follow --lang: French by default."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dentsec import click_fr

DENTSEC = [sys.executable, "-c", "from dentsec.cli import run; run()"]


def dentsec(*args: str, home: Path, lang: str = "fr") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DENTSEC_HOME=str(home), DENTSEC_LANG=lang)
    return subprocess.run([*DENTSEC, *args], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


def test_help_is_french_by_default(tmp_path: Path) -> None:
    res = dentsec("audit", "--help", home=tmp_path)
    assert res.returncode == 0
    assert res.stdout.startswith("Utilisation : dentsec audit [OPTIONS]")
    assert "Options :" in res.stdout and "Afficher cette aide et quitter." in res.stdout
    assert "Show this message" not in res.stdout and "Usage:" not in res.stdout
    top = dentsec("--help", home=tmp_path)
    assert "Commandes :" in top.stdout and "Afficher la version" in top.stdout


def test_help_in_english_on_request(tmp_path: Path) -> None:
    res = dentsec("audit", "--lang", "en", "--help", home=tmp_path)
    assert res.stdout.startswith("Usage: dentsec audit") and "Show this message and exit." in res.stdout


@pytest.mark.parametrize(("args", "french", "english"), [
    (["explain"], "Argument manquant 'CHECK_ID'", "Missing argument 'CHECK_ID'"),
    (["audit", "--format", "docx"], "ne fait pas partie de", "is not one of"),
    (["audit", "--frob"], "Option inconnue : '--frob'", "No such option"),
    (["audit", "--output"], "L'option '--output' demande une valeur", "requires an argument"),
    (["audit", "extra"], "Argument en trop : extra", "unexpected extra argument"),
])
def test_usage_errors_in_the_users_language(tmp_path: Path, args: list[str], french: str,
                                            english: str) -> None:
    fr = dentsec(*args, home=tmp_path)
    assert fr.returncode == 2 and french in fr.stderr, fr.stderr
    assert fr.stderr.startswith("Utilisation :") or "Erreur d'utilisation" in fr.stderr
    assert "Usage:" not in fr.stderr and "Error:" not in fr.stderr
    en = dentsec(*args, home=tmp_path, lang="en")
    assert en.returncode == 2 and english in en.stderr, en.stderr


def test_lang_anywhere_on_the_line_words_an_earlier_usage_error(tmp_path: Path) -> None:
    res = dentsec("audit", "--frob", "--lang", "en", home=tmp_path)
    assert res.returncode == 2 and "No such option" in res.stderr and "Usage:" in res.stderr


def test_every_french_text_keeps_the_placeholders() -> None:
    import string

    def fields(text: str) -> set[str]:
        return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}

    for english, french in click_fr.CLICK_FR.items():
        assert fields(french) <= fields(english), english
    for (one, many), (fr_one, fr_many) in click_fr.CLICK_FR_PLURAL.items():
        assert fields(fr_one) <= fields(one) | fields(many) and fields(fr_many) <= fields(many)


def test_the_keys_are_clicks_own_messages() -> None:
    """A Click upgrade that rewords a message must show here, not as English in a French
    screen."""
    import click

    source = "".join((Path(click.__file__).parent / f"{m}.py").read_text(encoding="utf-8")
                     for m in click_fr.CLICK_MODULES)
    flat = source.replace('"\n', "").replace('    "', "")
    missing = [k for k in click_fr.CLICK_FR if repr(k)[1:-1].split("{")[0][:20] not in flat]
    assert missing == []
