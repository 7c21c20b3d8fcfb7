"""Helpers shared by the backup tests: the CLI in-process or as a process, data files,
tree hashes, and the practice under test."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from dentsec.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


def dentsec(*args: str, input_text: str | None = None) -> Result:
    """Run the real CLI in-process (click's runner), French by default."""
    return CliRunner().invoke(main, list(args), input=input_text, catch_exceptions=False)


def dentsec_argv(*args: str) -> list[str]:
    """The CLI as a separate process (for kills and other users)."""
    return [sys.executable, "-c", "from dentsec.cli import main; main()", *args]


def run_process(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(dentsec_argv(*args), capture_output=True, text=True, check=False,
                          env={**os.environ, **(env or {})}, timeout=600)


def write_random(path: Path, size: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(os.urandom(size))
    return path


def tree_hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@dataclass
class Practice:
    data: Path
    repo: Path
    home: Path

    def restore_matches(self, snapshot: str, expected: dict[str, str], where: Path) -> None:
        """Restore ``snapshot`` into the empty folder ``where`` and compare every file."""
        result = dentsec("backup", "restore", "--snapshot", snapshot, "--target", str(where))
        assert result.exit_code == 0, result.output
        restored = where / str(self.data).lstrip("/")
        assert tree_hashes(restored) == expected


def make_data(root: Path) -> Path:
    write_random(root / "radios" / "pano-001.bin", 300_000)
    write_random(root / "radios" / "pano-002.bin", 200_000)
    (root / "agenda").mkdir(parents=True)
    (root / "agenda" / "semaine.txt").write_text("lundi : 9h détartrage\n", encoding="utf-8")
    (root / "compta.csv").write_text("date;montant\n2026-11-02;60\n", encoding="utf-8")
    return root


def latest_snapshot(home: Path) -> str:
    status = json.loads((home / "backup" / "status.json").read_text())
    snapshot = status["last_run"]["snapshot"]
    assert isinstance(snapshot, str)
    return snapshot


def start_practice(data: Path, repo: Path, home: Path) -> Practice:
    """Folders to back up plus a repository at ``repo`` (forced: tests use any disk)."""
    make_data(data)
    assert dentsec("backup", "add", str(data)).exit_code == 0
    result = dentsec("backup", "init", "--to", str(repo), "--force")
    assert result.exit_code == 0, result.output
    return Practice(data, repo, home)


def status_json() -> dict[str, Any]:
    result = dentsec("backup", "status", "--format", "json")
    assert result.exit_code == 0, result.output
    value = json.loads(result.stdout)
    assert isinstance(value, dict)
    return value


def audit_backup() -> dict[str, tuple[str, str]]:
    """The live audit of this machine (reading DENTSEC_HOME's status like a scheduled
    audit would): each rule-4 finding's status and French message."""
    from dentsec.engine import audit_live

    report = audit_live()
    return {f.check.id: (f.status, f.message["fr"]) for f in report.findings
            if f.check.id.startswith("BAK-")}
