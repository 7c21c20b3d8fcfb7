from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from dentsec import proc
from dentsec.collect.linux.antivirus import parse_cvd_header


def test_header_of_a_database_built_by_sigtool(trees: Path) -> None:
    path = trees / "hardened/var/lib/clamav/daily.cud"
    built = parse_cvd_header(path.read_bytes()[:512].decode("ascii"))
    assert built is not None
    # The real sigtool --info prints the same build time (to the minute).
    info = proc.run(["sigtool", f"--info={path}"])
    m = re.search(r"Build time: (.+)", info.stdout)
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
