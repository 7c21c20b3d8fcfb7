"""How fast is `dentsec password check --stdin`, compared with zxcvbn, and how fast
does it start?

Run: .venv/bin/python benchmarks/password_speed.py [--count 10000] [--runs 5]
Prints, on the same --count passwords in the same run:
- checks per second of the real command (one process, word lists loaded, JSON out);
- checks per second of dentsec's assess() in this process, and of zxcvbn's Python API
  (zxcvbn.zxcvbn) in this process; target: the command >= 1.5x zxcvbn's API;
- how many of the passwords each accepts (dentsec: its verdict; zxcvbn: score >= 3);
- the start-up time of the command checking one password (median of --runs); target
  <= 0.6 s.
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
        ours = args.count / elapsed
        print(f"dentsec command: {args.count} passwords in {elapsed:.2f} s = {ours:.0f} "
              f"checks/s; CPU {cpu:.2f} s = {args.count / cpu:.0f} checks per CPU second; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        accepted = sum('"acceptable": true' in line for line in result.stdout.splitlines())
        in_process, zxcvbn_rate, zxcvbn_accepted = _in_process(passwords)
        print(f"dentsec assess(): {in_process:.0f} checks/s in this process")
        print(f"zxcvbn API:       {zxcvbn_rate:.0f} checks/s in this process; the command is "
              f"{ours / zxcvbn_rate:.2f}x zxcvbn (target >= 1.5x), assess() "
              f"{in_process / zxcvbn_rate:.2f}x")
        print(f"accepted: dentsec {accepted} of {args.count}, zxcvbn (score >= 3) "
              f"{zxcvbn_accepted} of {args.count}")
        starts, cpus = [], []
        for _ in range(args.runs):
            t0, c0 = time.perf_counter(), _children_cpu()
            run([DENTSEC, "password", "check", "--stdin"], env=env, input_text="Soleil2024!\n")
            starts.append(time.perf_counter() - t0)
            cpus.append(_children_cpu() - c0)
        print(f"start-up: median {statistics.median(starts):.2f} s, min {min(starts):.2f} s, "
              f"max {max(starts):.2f} s over {args.runs} runs, one password "
              f"(target <= 0.6 s); CPU median {statistics.median(cpus):.2f} s")


def _in_process(passwords: list[str]) -> tuple[float, float, int]:
    """(dentsec assess() checks/s, zxcvbn checks/s, zxcvbn's accepted count), both warmed
    up first (their lists loaded) so that only the checks are timed."""
    from zxcvbn import zxcvbn  # type: ignore[import-untyped]

    from dentsec.checks.policy import Policy
    from dentsec.passwords.assess import assess

    policy = Policy()
    assess("warm-up", policy)
    start = time.perf_counter()
    for password in passwords:
        assess(password, policy)
    ours = len(passwords) / (time.perf_counter() - start)
    zxcvbn("warm-up")
    start = time.perf_counter()
    # zxcvbn refuses more than 72 characters: it gets the first 72, as dentsec estimates
    scores = [zxcvbn(password[:72])["score"] for password in passwords]
    theirs = len(passwords) / (time.perf_counter() - start)
    return ours, theirs, sum(1 for score in scores if score >= 3)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
