"""`dentsec backup run` against plain `restic backup` on the same generated files.

Prints wall-clock times for a first run (everything new) and a second, unchanged run, and
dentsec's overhead in percent (target: at most 5 %). Each measurement uses a fresh
repository pair and alternates which tool goes first, so neither always finds the files in
the page cache. dentsec is timed as a user sees it: the whole CLI process, retention and
status record included. Wall-clock and CPU time (of the whole process tree) are both
printed: on a shared, loaded machine the CPU figure is the steadier one.

    .venv/bin/python benchmarks/backup_speed.py [--size-mb 1024] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FILE_MB = 8


def generate(root: Path, size_mb: int) -> None:
    """Incompressible files, 8 MB each, in a few folders (like scans and X-ray images)."""
    for i in range(max(1, size_mb // FILE_MB)):
        folder = root / f"patients-{i % 16:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"imagerie-{i:04d}.bin").write_bytes(os.urandom(FILE_MB * 1024 * 1024))


Timing = tuple[float, float]  # wall-clock seconds, CPU seconds of the whole process tree


def timed(argv: list[str], env: dict[str, str]) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{argv[0]} failed ({done.returncode}): {done.stderr[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def dentsec_argv(*args: str) -> list[str]:
    return [sys.executable, "-c", "from dentsec.cli import main; main()", *args]


class Pair:
    """A plain restic repository and a dentsec-managed one, over the same data."""

    def __init__(self, work: Path, data: Path) -> None:
        self.data = data
        work.mkdir()
        self.plain_repo = work / "plain-repo"
        self.password = work / "pw"
        self.password.write_text("benchmark-password")
        self.password.chmod(0o600)
        self.plain_env = {**os.environ, "RESTIC_REPOSITORY": str(self.plain_repo),
                          "RESTIC_PASSWORD_FILE": str(self.password),
                          "RESTIC_CACHE_DIR": str(work / "plain-cache")}
        self.dentsec_env = {**os.environ, "DENTSEC_HOME": str(work / "dentsec-home"),
                            "DENTSEC_LANG": "fr"}
        subprocess.run(["restic", "init"], env=self.plain_env, check=True,
                       capture_output=True)
        for args in (("backup", "add", str(data)),
                     ("backup", "init", "--to", str(work / "dentsec-repo"), "--force")):
            subprocess.run(dentsec_argv(*args), env=self.dentsec_env, check=True,
                           capture_output=True)

    def plain(self) -> Timing:
        return timed(["restic", "backup", "--host", "bench", str(self.data)], self.plain_env)

    def dentsec(self) -> Timing:
        return timed(dentsec_argv("backup", "run"), self.dentsec_env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("restic") is None:
        sys.exit("restic is not installed")
    with tempfile.TemporaryDirectory(prefix="dentsec-bench-") as tmp:
        work = Path(tmp)
        data = work / "cabinet"
        start = time.perf_counter()
        generate(data, args.size_mb)
        print(f"data: {args.size_mb} MB in {max(1, args.size_mb // FILE_MB)} files "
              f"(generated in {time.perf_counter() - start:.1f} s)")
        results: dict[str, dict[str, list[Timing]]] = {
            "first run": {"restic": [], "dentsec": []},
            "second run (unchanged)": {"restic": [], "dentsec": []},
        }
        for round_no in range(args.rounds):
            pair = Pair(work / f"round-{round_no}", data)
            order = ("restic", "dentsec") if round_no % 2 == 0 else ("dentsec", "restic")
            for scenario in results:
                for tool in order:
                    results[scenario][tool].append(
                        pair.plain() if tool == "restic" else pair.dentsec())
            shutil.rmtree(work / f"round-{round_no}")
        print(f"{'scenario':<24}{'measure':<10}{'restic backup':>15}{'dentsec run':>14}"
              f"{'overhead':>11}")
        for scenario, times in results.items():
            for index, measure in ((0, "wall"), (1, "CPU")):
                plain = statistics.median(t[index] for t in times["restic"])
                ours = statistics.median(t[index] for t in times["dentsec"])
                overhead = (ours - plain) / plain * 100
                print(f"{scenario:<24}{measure:<10}{plain:>13.2f} s{ours:>12.2f} s"
                      f"{overhead:>+10.1f} %")
        print("target: overhead <= 5 %")


if __name__ == "__main__":
    main()
