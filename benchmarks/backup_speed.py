"""`dentsec backup run` against plain `restic backup` on the same generated files.

Three figures, each against its target:

* first run (everything new): dentsec's overhead in percent (target: at most 5 %);
* unchanged run: dentsec's fixed cost over restic in milliseconds, median of --repeat runs
  (target: at most 150 ms; a percentage of a 0.7 s no-op means nothing for a Python CLI);
* a week of daily runs with retention due once (dentsec prunes weekly, or when the disk
  runs low): the week's mean run against plain restic's (target: at most 1.3x). Each day
  adds a scan and drops an older one, so the weekly prune has packs to rewrite.

Each measurement uses a fresh
repository pair and alternates which tool goes first, so neither always finds the files in
the page cache. dentsec is timed as a user sees it: the whole CLI process, retention and
status record included. Wall-clock and CPU time (of the whole process tree) are both
printed: on a shared, loaded machine the CPU figure is the steadier one.

The week has a floor no wrapper can go under: every restic process derives the repository
key (scrypt, calibrated by restic to about half a second) before doing anything, and the
weekly retention is one more restic process than plain restic runs. The last lines print
that floor, measured (``restic cat config`` is a repository opening and nothing else), and
what dentsec's own start-up adds on top of it.

Two things would otherwise skew the comparison. restic calibrates its key derivation
(scrypt) at ``init`` against the machine's load at that instant, and opening the repository
costs most of an unchanged run: the plain repository is therefore a copy of the freshly
initialised dentsec one (same key, same parameters). And dentsec's modules are compiled to
bytecode first, as ``pip install`` does, so the figures are those of an installed copy.

    .venv/bin/python benchmarks/backup_speed.py [--size-mb 1024] [--rounds 2] [--repeat 6]
"""

from __future__ import annotations

import argparse
import compileall
import json
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


def repository_password(home: Path) -> str:
    """The password dentsec generated, from wherever it keeps it (keyring or file)."""
    outer = os.environ.get("DENTSEC_HOME")
    os.environ["DENTSEC_HOME"] = str(home)
    try:
        from dentsec.backup.config import load_config
        from dentsec.backup.secret import load_password

        return load_password(load_config())
    finally:
        if outer is None:
            del os.environ["DENTSEC_HOME"]
        else:
            os.environ["DENTSEC_HOME"] = outer


def dentsec_argv(*args: str) -> list[str]:
    return [sys.executable, "-c", "from dentsec.cli import main; main()", *args]


class Pair:
    """A plain restic repository and a dentsec-managed one, over the same data."""

    def __init__(self, work: Path, data: Path) -> None:
        self.data = data
        work.mkdir()
        self.plain_repo = work / "plain-repo"
        self.password = work / "pw"
        self.plain_env = {**os.environ, "RESTIC_REPOSITORY": str(self.plain_repo),
                          "RESTIC_PASSWORD_FILE": str(self.password),
                          "RESTIC_CACHE_DIR": str(work / "plain-cache")}
        home = work / "dentsec-home"
        self.dentsec_env = {**os.environ, "DENTSEC_HOME": str(home), "DENTSEC_LANG": "fr"}
        dentsec_repo = work / "dentsec-repo"
        for args in (("backup", "add", str(data)),
                     ("backup", "init", "--to", str(dentsec_repo), "--force")):
            subprocess.run(dentsec_argv(*args), env=self.dentsec_env, check=True,
                           capture_output=True)
        shutil.copytree(dentsec_repo, self.plain_repo)
        self.password.write_text(repository_password(home))
        self.password.chmod(0o600)

    def plain(self) -> Timing:
        return timed(["restic", "backup", "--host", "bench", str(self.data)], self.plain_env)

    def dentsec(self) -> Timing:
        return timed(dentsec_argv("backup", "run"), self.dentsec_env)

    def opening(self) -> Timing:
        """What any restic command pays before its work: reading the key (scrypt)."""
        return timed(["restic", "cat", "config"], self.plain_env)

    def retention_due(self) -> None:
        """As if dentsec's last retention were eight days old."""
        status = Path(self.dentsec_env["DENTSEC_HOME"]) / "backup" / "status.json"
        value = json.loads(status.read_text())
        value["last_retention"] = "2000-01-01T00:00:00+00:00"
        status.write_text(json.dumps(value))


def new_day(data: Path, day: int) -> None:
    """The day's work: a new scan, and an old one deleted (it leaves the retention later)."""
    folder = data / "jour"
    folder.mkdir(exist_ok=True)
    (folder / f"scan-{day:02d}.bin").write_bytes(os.urandom(FILE_MB * 1024 * 1024))
    old = sorted(data.glob("patients-*/imagerie-*.bin"))
    if old:
        old[0].unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=6,
                        help="unchanged runs per round and tool")
    args = parser.parse_args()
    if shutil.which("restic") is None:
        sys.exit("restic is not installed")
    import dentsec

    compileall.compile_dir(Path(dentsec.__file__).parent, quiet=1)
    startup = [timed(dentsec_argv("--version"), dict(os.environ)) for _ in range(5)]
    print(f"dentsec start-up alone (dentsec --version): "
          f"{statistics.median(t[0] for t in startup) * 1000:.0f} ms wall")
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
        week: dict[str, list[Timing]] = {"restic": [], "dentsec": []}
        verify_part: list[Timing] = []
        openings: list[Timing] = []
        retention_day: dict[str, list[Timing]] = {"restic": [], "dentsec": []}
        for round_no in range(args.rounds):
            pair = Pair(work / f"round-{round_no}", data)
            order = ("restic", "dentsec") if round_no % 2 == 0 else ("dentsec", "restic")
            for tool in order:
                results["first run"][tool].append(
                    pair.plain() if tool == "restic" else pair.dentsec())
            # an unchanged run is short (~0.7 s) and noisy: several, alternating who starts
            for repeat in range(args.repeat):
                for tool in order if repeat % 2 == 0 else order[::-1]:
                    results["second run (unchanged)"][tool].append(
                        pair.plain() if tool == "restic" else pair.dentsec())
            # what the scheduled job adds after the backup (not part of the comparison)
            verify_part.append(timed(dentsec_argv("backup", "verify"), pair.dentsec_env))
            openings += [pair.opening() for _ in range(3)]
            pair.retention_due()
            for day in range(7):
                new_day(data, day + 7 * round_no)
                for tool in order if day % 2 == 0 else order[::-1]:
                    timing = pair.plain() if tool == "restic" else pair.dentsec()
                    week[tool].append(timing)
                    if day == 0:
                        retention_day[tool].append(timing)
            shutil.rmtree(work / f"round-{round_no}")
        print(f"{'scenario':<24}{'measure':<10}{'restic backup':>15}{'dentsec run':>14}"
              f"{'overhead':>11}")
        for scenario, times in results.items():
            for index, measure in ((0, "wall"), (1, "CPU")):
                plain = statistics.median(t[index] for t in times["restic"])
                ours = statistics.median(t[index] for t in times["dentsec"])
                overhead = (ours - plain) / plain * 100
                print(f"{scenario:<24}{measure:<10}{plain:>13.2f} s{ours:>12.2f} s"
                      f"{overhead:>+10.1f} %  ({(ours - plain) * 1000:+.0f} ms)")
        for scenario, times, how in (("retention day", retention_day, statistics.median),
                                     ("week (mean run)", week, statistics.mean)):
            for index, measure in ((0, "wall"), (1, "CPU")):
                plain = how(t[index] for t in times["restic"])
                ours = how(t[index] for t in times["dentsec"])
                print(f"{scenario:<24}{measure:<10}{plain:>13.2f} s{ours:>12.2f} s"
                      f"{ours / plain:>10.2f} x")
        unchanged = results["second run (unchanged)"]
        for index, measure in ((0, "wall"), (1, "CPU")):
            plain = statistics.mean(t[index] for t in week["restic"])
            opening = statistics.median(t[index] for t in openings)
            fixed = (statistics.median(t[index] for t in unchanged["dentsec"])
                     - statistics.median(t[index] for t in unchanged["restic"]))
            floor = 1 + opening / (7 * plain)
            print(f"week's floor ({measure}): one more repository opening "
                  f"({opening:.2f} s) over 7 runs = {floor:.2f} x; with dentsec's fixed "
                  f"cost per run ({fixed * 1000:+.0f} ms) = {floor + fixed / plain:.2f} x")
        print(f"scheduled job's extra verify of 1/30 (backup run --verify): "
              f"{statistics.median(t[0] for t in verify_part):.2f} s wall (not compared)")
        print("targets: first run <= +5 %; unchanged run <= +150 ms (median); "
              "week with one retention <= 1.3 x plain restic (mean run)")


if __name__ == "__main__":
    main()
