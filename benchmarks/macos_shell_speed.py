"""How long does the shell collector (dentsec-collect.sh) take, and how big is its bundle?

Run: .venv/bin/python benchmarks/macos_shell_speed.py [--runs 5]   (as root: setpriv)

For each sample bundle (macos-unmanaged, macos-wellkept) and each shell (dash, bash
--posix), the script runs on the fake Mac the tests build (tests/collect/macos/shellworld.py:
each tool replays its recorded answer at once, so this measures the script's own work:
forks for every item, the JSON escaping, the listings and readings, the zip) and prints
the median/min/max wall time, the number of items and the zip's size, with the Python
collector's replay of the same bundle (``dentsec audit --evidence``, the whole audit) for
scale. On a Mac the tools' own time adds to this (softwareupdate --list asks Apple's
servers: up to its 180 s limit). The load average is printed: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.collect.macos import shellworld  # noqa: E402

from dentsec.collect.macos.shell import script_path  # noqa: E402

SAMPLES = ROOT / "samples" / "evidence"
SHELLS = {"dash": ["dash"], "bash --posix": ["bash", "--posix"]}


def one_run(sample: str, shell: list[str]) -> tuple[float, int, int]:
    """Wall seconds, items, zip bytes."""
    with tempfile.TemporaryDirectory(prefix="dentsec-bench-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)
        world = shellworld.build(SAMPLES / sample, work / "mac")
        out = work / "out"
        out.mkdir()
        out.chmod(0o777)
        start = time.perf_counter()
        res = shellworld.run_as_nobody([*shell, str(script_path()), "--output", str(out / "b.zip")],
                                       world.env, out)
        wall = time.perf_counter() - start
        if res.returncode != 0:
            raise SystemExit(res.stderr.decode())
        with zipfile.ZipFile(out / "b.zip") as zf:
            items = len(json.loads(zf.read("manifest.json"))["items"])
        return wall, items, (out / "b.zip").stat().st_size


def replay_seconds(sample: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from dentsec.cli import main; main()", "audit",
                    "--evidence", str(SAMPLES / sample), "--format", "json"],
                   capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for sample in ("macos-unmanaged", "macos-wellkept"):
        for name, shell in SHELLS.items():
            runs = [one_run(sample, shell) for _ in range(args.runs)]
            walls = [r[0] for r in runs]
            print(f"{sample:16} {name:13} median {statistics.median(walls):.2f} s "
                  f"(min {min(walls):.2f}, max {max(walls):.2f}), {runs[0][1]} items, "
                  f"zip {runs[0][2] / 1024:.1f} KiB")
        print(f"{sample:16} python replay (dentsec audit --evidence): {replay_seconds(sample):.2f} s")


if __name__ == "__main__":
    main()
