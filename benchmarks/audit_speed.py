"""How fast and how lean is `dentsec audit --format json`? (and Lynis, when installed)

Run: .venv/bin/python benchmarks/audit_speed.py [--runs 5]
Prints the median wall time and the peak resident memory of each tool over the runs.
Targets on a 2-core machine: median <= 2 s, peak RSS <= 80 MB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB of the process itself, exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)  # noqa: S603
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def bench(name: str, argv: list[str], runs: int, env: dict[str, str]) -> None:
    results = [measure(argv, env) for _ in range(runs)]
    walls = [r[0] for r in results]
    rss = max(r[1] for r in results)
    codes = sorted({r[2] for r in results})
    print(f"{name:<32} median {statistics.median(walls):6.2f} s   "
          f"min {min(walls):6.2f} s   max {max(walls):6.2f} s   peak RSS {rss:6.1f} MB   "
          f"exit {codes}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    dentsec = shutil.which("dentsec", path=str(Path(sys.executable).parent)) or "dentsec"
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, DENTSEC_HOME=home)
        print(f"{args.runs} runs each, {os.cpu_count()} CPU(s), user id {os.getuid()}")
        bench("dentsec audit --format json", [dentsec, "audit", "--format", "json"], args.runs, env)
        lynis = shutil.which("lynis")
        if lynis:
            bench("lynis audit system --quick",
                  [lynis, "audit", "system", "--quick", "--no-colors"], args.runs, env)
        else:
            print("lynis: not installed (apt-get install lynis to compare)")


if __name__ == "__main__":
    main()
