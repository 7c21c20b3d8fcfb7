"""How fast and how lean is the live audit, where does its time go, and how does it compare
with Lynis in the same run?

Run: .venv/bin/python benchmarks/audit_speed.py [--runs 5] [--lynis-runs 1]
Lynis is the Debian package ``lynis`` (``apt-get install lynis``); without it the ratio is
not printed. Benchmarks are not run by CI, so no setup script installs it.

Prints, for ``dentsec audit --format json`` as a user runs it (a fresh process each time):
the median/min/max wall time and the peak resident memory over the runs; then one run taken
apart inside a fresh interpreter: imports, the OS identity, each fact collector (they run
concurrently: the collection lasts as long as the slowest one), evaluation and rendering,
with the slowest commands and probes; then ``lynis audit system --quick`` and the ratio.
Targets on a 2-core machine: >= 40x faster than Lynis, median <= 2 s, peak RSS <= 60 MB,
and no single probe holding the others (the collection wall time stays close to its
slowest collector, not to the sum of all of them). The load average is printed: the
machine is shared, and figures taken under load say so.

The slowest probe is ``apt list --upgradable`` (pending updates). On container images that
set ``Dir::Cache::pkgcache ""`` (Debian's docker-clean) apt rebuilds its package cache from
the lists at every call, about 0.75 s of one core; the audit never writes that cache (it
changes nothing), so it pays this on such machines only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB of the process itself, exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)  # noqa: S603
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def bench(name: str, argv: list[str], runs: int, env: dict[str, str]) -> float:
    """Print the figures of ``runs`` runs; returns the median wall time."""
    results = [measure(argv, env) for _ in range(runs)]
    walls = [r[0] for r in results]
    rss = max(r[1] for r in results)
    codes = sorted({r[2] for r in results})
    median = statistics.median(walls)
    print(f"{name:<32} median {median:6.2f} s   min {min(walls):6.2f} s   "
          f"max {max(walls):6.2f} s   peak RSS {rss:6.1f} MB   exit {codes}")
    return median


def breakdown() -> dict[str, Any]:
    """One live audit taken apart (run in a fresh interpreter, so imports are cold)."""
    t0 = time.perf_counter()
    from dentsec.checks.policy import load_policy
    from dentsec.collect import linux
    from dentsec.engine import evaluate
    from dentsec.host.bundle import EvidenceLog
    from dentsec.host.live import LiveHost
    from dentsec.report import json_report
    imports = time.perf_counter() - t0

    collectors: dict[str, float] = {}

    def timed(name: str, fn: Any) -> Any:
        def run(ctx: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(ctx)
            finally:
                collectors[name] = time.perf_counter() - start
        return run

    linux.FAMILY_COLLECTORS = {name: timed(name, fn)
                               for name, fn in linux.FAMILY_COLLECTORS.items()}
    original_os = linux.collect_os

    def timed_os(host: Any) -> Any:
        start = time.perf_counter()
        try:
            return original_os(host)
        finally:
            collectors["os"] = time.perf_counter() - start

    linux.collect_os = timed_os
    log = EvidenceLog()
    t1 = time.perf_counter()
    host = LiveHost(log=log)
    facts = linux.collect(host)
    collect_wall = time.perf_counter() - t1
    t2 = time.perf_counter()
    policy = load_policy()
    findings = evaluate(facts, policy)
    evaluated = time.perf_counter() - t2
    t3 = time.perf_counter()
    from dentsec.engine import Report
    json_report.render(Report(facts, findings, policy))
    rendered = time.perf_counter() - t3
    steps = []
    for item in log.items:
        ms = getattr(item, "duration_ms", None)
        label = getattr(item, "argv", None) or getattr(item, "name", None)
        if isinstance(ms, int | float) and label:
            steps.append((" ".join(label) if isinstance(label, tuple | list) else str(label), ms))
    steps.sort(key=lambda s: -s[1])
    return {"imports": imports, "collect": collect_wall, "collectors": collectors,
            "evaluate": evaluated, "render": rendered, "slowest": steps[:5],
            "total": time.perf_counter() - t0}


def print_breakdown(data: dict[str, Any]) -> None:
    collectors: dict[str, float] = data["collectors"]
    print("\none audit taken apart (fresh interpreter):")
    print(f"  imports                   {data['imports']:6.3f} s")
    print(f"  collection (concurrent)   {data['collect']:6.3f} s   "
          f"sum of collectors {sum(collectors.values()):6.3f} s")
    for name, seconds in sorted(collectors.items(), key=lambda kv: -kv[1]):
        print(f"    {name:<22}  {seconds:6.3f} s")
    print(f"  evaluate                  {data['evaluate']:6.3f} s")
    print(f"  render (json)             {data['render']:6.3f} s")
    print(f"  total in process          {data['total']:6.3f} s")
    if collectors:
        slowest = max(collectors, key=lambda n: collectors[n])
        others = max((s for n, s in collectors.items() if n != slowest), default=0.0)
        print(f"  slowest collector: {slowest} ({collectors[slowest]:.3f} s); the next one "
              f"takes {others:.3f} s: the collection waits for the slowest only "
              f"({data['collect']:.3f} s wall)")
    for label, ms in data["slowest"]:
        print(f"    slowest command {ms / 1000:6.3f} s  {label[:70]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lynis-runs", type=int, default=1)
    parser.add_argument("--breakdown", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.breakdown:
        print(json.dumps(breakdown()))
        return
    dentsec = shutil.which("dentsec", path=str(Path(sys.executable).parent)) or "dentsec"
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, DENTSEC_HOME=home)
        print(f"{args.runs} runs each, {os.cpu_count()} CPU(s), user id {os.getuid()}, "
              f"load average {os.getloadavg()[0]:.2f}")
        ours = bench("dentsec audit --format json", [dentsec, "audit", "--format", "json"],
                     args.runs, env)
        child = subprocess.run([sys.executable, __file__, "--breakdown"], env=env,  # noqa: S603
                               capture_output=True, text=True, check=True)
        print_breakdown(json.loads(child.stdout.strip().splitlines()[-1]))
        lynis = shutil.which("lynis")
        if not lynis:
            print("\nlynis: not installed (apt-get install lynis to compare)")
            return
        print()
        theirs = bench("lynis audit system --quick",
                       [lynis, "audit", "system", "--quick", "--no-colors"], args.lynis_runs, env)
        print(f"\ndentsec is {theirs / ours:.0f}x faster than Lynis (target >= 40x); "
              f"load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
