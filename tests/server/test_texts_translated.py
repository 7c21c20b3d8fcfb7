"""Every text a console user reads exists in French and English: the catalogue is
extracted afresh from the code and templates (as `makemessages` does) and no message may
lack its English."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

CONSOLE = Path(__file__).resolve().parents[2] / "src" / "dentsec" / "server" / "console"


@pytest.mark.skipif(shutil.which("msgattrib") is None,
                    reason="gettext missing (.ci/setup.d/40-server.sh installs it)")
def test_no_console_text_lacks_its_english(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "console"
    shutil.copytree(CONSOLE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["en"], no_location=True, no_obsolete=True,
                 verbosity=0)
    po = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
    missing = subprocess.run(["msgattrib", "--untranslated", "--no-wrap", str(po)],
                             capture_output=True, text=True, check=True).stdout
    fuzzy = subprocess.run(["msgattrib", "--only-fuzzy", "--no-wrap", str(po)],
                           capture_output=True, text=True, check=True).stdout
    ids = [line for line in (missing + fuzzy).splitlines()
           if line.startswith("msgid ") and line != 'msgid ""']
    assert not ids, "\n".join(ids)
