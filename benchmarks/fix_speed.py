"""How long `dentsec fix` takes on a workstation tree, step by step, for each Linux fix.

For every fix: prepare (a whole audit, then the plan), apply (saved copies, atomic writes,
a second whole audit, the record) and undo (restore, a third audit), on a fresh copy of the
weak fixture tree each round; medians over the rounds, and one bare audit for comparison
(most of a fix is its two audits: the verdict is always the audit's).

    .venv/bin/python benchmarks/fix_speed.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fix.support import make_weak_tree  # noqa: E402

from dentsec.checks.policy import Policy  # noqa: E402
from dentsec.engine import audit_live  # noqa: E402
from dentsec.fix import flow  # noqa: E402

CASES = (("PWD-MIN-LENGTH", False), ("PWD-LOCKOUT", False), ("UPD-AUTO", False),
         ("ACC-SCREEN-LOCK", True), ("FW-ENABLED", False))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dentsec-fix-bench-") as tmp:
        os.environ["DENTSEC_HOME"] = str(Path(tmp) / "home")
        audits = []
        for n in range(args.rounds):
            tree = make_weak_tree(Path(tmp) / f"audit-{n}")
            start = time.perf_counter()
            audit_live(root=str(tree))
            audits.append(time.perf_counter() - start)
        print(f"bare audit of the tree: {statistics.median(audits) * 1000:.0f} ms (median of "
              f"{args.rounds})")
        print(f"{'check':<16} {'prepare':>9} {'apply':>9} {'undo':>9} {'files':>6}")
        for check, device_wide in CASES:
            times: dict[str, list[float]] = {"prepare": [], "apply": [], "undo": []}
            files = 0
            for n in range(args.rounds):
                tree = make_weak_tree(Path(tmp) / f"{check}-{n}")
                t0 = time.perf_counter()
                prepared = flow.prepare(check, str(tree), Policy(), device_wide)
                t1 = time.perf_counter()
                outcome = flow.apply(prepared)
                t2 = time.perf_counter()
                assert outcome.ok, outcome.message
                flow.undo(outcome.fix_id, str(tree), Policy())
                t3 = time.perf_counter()
                files = len(prepared.plan.edits)
                for key, value in (("prepare", t1 - t0), ("apply", t2 - t1), ("undo", t3 - t2)):
                    times[key].append(value)
            row = " ".join(f"{statistics.median(times[k]) * 1000:>7.0f}ms"
                           for k in ("prepare", "apply", "undo"))
            print(f"{check:<16} {row} {files:>6}")


if __name__ == "__main__":
    main()
