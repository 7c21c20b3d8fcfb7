"""The English catalogue is complete and its compiled form is current."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

PO = (Path(__file__).resolve().parents[2] / "src" / "dentsec" / "server" / "console" / "locale"
      / "en" / "LC_MESSAGES" / "django.po")


def test_every_text_has_an_english_translation() -> None:
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    assert entries
    for entry in entries:
        assert "#, fuzzy" not in entry
        assert not re.search(r'^msgstr(\[\d\])? ""$', entry, re.M) or \
            re.search(r'^msgstr(\[\d\])? ""\n"', entry, re.M), entry


@pytest.mark.skipif(shutil.which("msgfmt") is None,
                    reason="gettext's msgfmt is absent (.ci/setup.d/40-server.sh installs it)")
def test_compiled_catalogue_is_current(tmp_path: Path) -> None:
    out = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(out), str(PO)], check=True,
                   capture_output=True)
    assert out.read_bytes() == PO.with_suffix(".mo").read_bytes()
