"""How fast is `dentsec password check --stdin`, French dictionaries loaded?

Run: .venv/bin/python benchmarks/password_speed.py [--count 10000] [--runs 5]
Prints checks per second for --count passwords piped through the real command (one
process), and the start-up time of the command checking a single password (median of
--runs). Targets on a 2-core machine: >= 200 checks/s, start-up <= 1 s.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import string
import sys
import tempfile
import time
from pathlib import Path

from dentsec.paths import data_path
from dentsec.proc import run

DENTSEC = str(Path(sys.executable).parent / "dentsec")


def sample(count: int) -> list[str]:
    """A realistic mix: listed passwords, mangled ones, random strings, passphrases, and a
    few over zxcvbn's 72 characters. Fixed seed: the same input on every run."""
    rng = random.Random(2026)
    common = data_path("french_passwords_top20000.txt").read_text().split()
    alphabet = string.ascii_letters + string.digits + "!#$%&*+-=?@_"
    out = []
    for i in range(count):
        kind = i % 5
        word = rng.choice(common)
        if kind == 0:
            out.append(word)
        elif kind == 1:
            out.append(word.capitalize() + str(rng.randint(1950, 2030)) + rng.choice("!?*#"))
        elif kind == 2:
            out.append("".join(rng.choice(alphabet) for _ in range(rng.randint(8, 20))))
        elif kind == 3:
            out.append("-".join(rng.choice(common).capitalize() for _ in range(5)) + "7")
        else:
            out.append("".join(rng.choice(alphabet) for _ in range(rng.choice((12, 40, 90)))))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {"DENTSEC_HOME": home}
        passwords = sample(args.count)
        cpu0 = _children_cpu()
        start = time.perf_counter()
        result = run([DENTSEC, "password", "check", "--stdin", "--format", "json"],
                     timeout=3600, env=env, input_text="\n".join(passwords) + "\n")
        elapsed = time.perf_counter() - start
        cpu = _children_cpu() - cpu0
        lines = result.stdout.count("\n")
        if lines != args.count:
            sys.exit(f"expected {args.count} verdicts, got {lines}: {result.error} "
                     f"{result.stderr[-500:]}")
        print(f"checks:   {args.count} passwords in {elapsed:.2f} s = "
              f"{args.count / elapsed:.0f} checks/s (target >= 200/s); CPU {cpu:.2f} s = "
              f"{args.count / cpu:.0f} checks per CPU second; load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        starts, cpus = [], []
        for _ in range(args.runs):
            t0, c0 = time.perf_counter(), _children_cpu()
            run([DENTSEC, "password", "check", "--stdin"], env=env, input_text="Soleil2024!\n")
            starts.append(time.perf_counter() - t0)
            cpus.append(_children_cpu() - c0)
        print(f"start-up: median {statistics.median(starts):.2f} s, min {min(starts):.2f} s, "
              f"max {max(starts):.2f} s over {args.runs} runs, one password "
              f"(target <= 1 s); CPU median {statistics.median(cpus):.2f} s")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
