"""The PDF engine shared by `dentsec audit --format pdf` and the console: numbered pages."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dentsec.report import pdf

from .test_reports import weak_report


@pytest.mark.skipif(shutil.which("pdftotext") is None,
                    reason="poppler-utils missing (.ci/setup.d/45-server-pdf.sh)")
def test_every_page_says_its_number_and_the_count(tmp_path: Path) -> None:
    out = tmp_path / "audit.pdf"
    out.write_bytes(pdf.render(weak_report()))
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, check=True,
                          text=True).stdout
    pages = text.split("\f")[:-1]
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        assert re.search(rf"\s{number} ?/ ?{len(pages)}\s*$", page), page[-200:]
