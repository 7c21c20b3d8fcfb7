from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from dentsec import proc
from dentsec.collect.linux.antivirus import parse_cvd_header


def test_header_of_a_database_built_by_sigtool(trees: Path, sample: Callable[[str], str]) -> None:
    header = (trees / "hardened/var/lib/clamav/daily.cud").read_bytes()[:512].decode("ascii")
    built = parse_cvd_header(header)
    assert built is not None
    # sigtool --info prints the same build time (to the minute).
    m = re.search(r"Build time: (.+)", sample("sigtool-info-fixture-cud.txt"))
    assert m is not None
    assert built.replace(second=0) == datetime.strptime(m.group(1).strip(), "%d %b %Y %H:%M %z")


def test_header_text_time_when_no_epoch() -> None:
    header = "ClamAV-VDB:14 Nov 2026 07-10 +0000:27000:2000000:90:abcd:sig:builder:"
    built = parse_cvd_header(header)
    assert built is not None and (built.day, built.hour, built.minute) == (14, 7, 10)
    assert parse_cvd_header("not a database") is None


def test_real_clamscan_runs() -> None:
    res = proc.run(["clamscan", "--version"])
    assert res.ok and res.stdout.startswith("ClamAV ")
