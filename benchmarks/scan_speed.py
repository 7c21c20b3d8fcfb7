"""`dentsec scan` of a namespace /24 with 5 live devices against plain `nmap` with the very
same options (the argv dentsec builds), in the same run.

Prints wall-clock and CPU time (whole process tree) of each, and dentsec's overhead in
percent (target: at most 10 %). The lab is tests/scan/netlab.py: TEST-NET-2 addresses that
exist only inside network namespaces created here, nothing routed out. The order of the two
tools alternates between rounds. Needs root (namespaces).

    .venv/bin/python benchmarks/scan_speed.py [--rounds 3] [--ports top]
"""

from __future__ import annotations

import argparse
import compileall
import json
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.scan import netlab  # noqa: E402

DENTSEC = str(Path(sys.executable).with_name("dentsec"))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(lab: netlab.Lab, argv: list[str]) -> tuple[float, float, str]:
    cpu, start = _children_cpu(), time.perf_counter()
    r = lab.run(argv, timeout=1800)
    wall = time.perf_counter() - start
    if r.returncode not in (0, 1):
        raise SystemExit(f"{argv[0]} failed ({r.returncode}): {r.stderr[-800:]}")
    return wall, _children_cpu() - cpu, r.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ports", default="top")
    args = parser.parse_args()
    why = netlab.why_not()
    if why:
        raise SystemExit(f"cannot build the namespace lab: {why}")
    compileall.compile_dir(str(ROOT / "src" / "dentsec"), quiet=1)  # as an installed copy
    dentsec_argv = [DENTSEC, "scan", netlab.NETWORK, "--ports", args.ports, "--format", "json"]
    with netlab.lab() as lab:
        netlab.practice(lab)
        # The nmap argv dentsec builds, taken from a first (warm-up) dentsec run.
        _, _, out = timed(lab, dentsec_argv)
        report = json.loads(out)
        (nmap_argv,) = report["engine"]["argv"]
        live = [h["address"] for h in report["hosts"] if h["address"] != netlab.SCANNER]
        print(f"lab: {netlab.NETWORK}, {len(live)} live devices + the scanner, "
              f"{report['ports']['count']} ports, nmap {report['engine']['version']}")
        print(f"nmap argv: {' '.join(nmap_argv[:14])} … ({len(' '.join(nmap_argv))} chars)")
        rows: dict[str, list[tuple[float, float]]] = {"dentsec": [], "nmap": []}
        for n in range(args.rounds):
            order = [("dentsec", dentsec_argv), ("nmap", nmap_argv)]
            for name, argv in order if n % 2 == 0 else order[::-1]:
                wall, cpu, _ = timed(lab, argv)
                rows[name].append((wall, cpu))
                print(f"round {n + 1} {name:<8} wall {wall:7.2f} s  cpu {cpu:6.2f} s")
    d_wall = statistics.median(w for w, _ in rows["dentsec"])
    n_wall = statistics.median(w for w, _ in rows["nmap"])
    d_cpu = statistics.median(c for _, c in rows["dentsec"])
    n_cpu = statistics.median(c for _, c in rows["nmap"])
    print(f"median wall: dentsec {d_wall:.2f} s, nmap {n_wall:.2f} s, "
          f"overhead {100 * (d_wall - n_wall) / n_wall:+.1f} % (target ≤ 10 %)")
    print(f"median cpu:  dentsec {d_cpu:.2f} s, nmap {n_cpu:.2f} s, "
          f"dentsec's own {d_cpu - n_cpu:+.2f} s")


if __name__ == "__main__":
    main()
