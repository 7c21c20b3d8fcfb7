"""The status record read by the audit: ``$DENTSEC_HOME/backup/status.json``, schema
``dentsec.backup-status/1`` (fields documented in docs/ARCHITECTURE.md).

No file path of the practice is ever written here (a file name can carry a patient's
name): failures keep counts and a reason code, never the paths themselves.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dentsec.backup.config import backup_dir
from dentsec.backup.files import read_json, write_json
from dentsec.errors import DentsecError

STATUS_SCHEMA = "dentsec.backup-status/1"
MAX_DISK_CHECKS = 60

Status = dict[str, Any]


def status_path() -> Path:
    return backup_dir() / "status.json"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def parse_iso(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def empty_status() -> Status:
    return {
        "schema": STATUS_SCHEMA,
        "repository": None,
        "host": None,
        "last_run": None,
        "last_success": None,
        "last_verify": None,
        "last_drill": None,
        "disk_checks": [],
        "providers": [],
    }


def load_status() -> Status:
    raw = read_json(status_path())
    status = empty_status()
    if raw is None:
        return status
    if not isinstance(raw, dict) or raw.get("schema") != STATUS_SCHEMA:
        raise DentsecError(
            f"Fichier d'état de sauvegarde inattendu : {status_path()}.",
            f"Unexpected backup status file: {status_path()}.",
        )
    status.update(raw)
    return status


def save_status(status: Status) -> None:
    write_json(status_path(), status)


def record_disk_check(status: Status, connected: bool) -> None:
    checks = [c for c in status.get("disk_checks") or [] if isinstance(c, dict)]
    checks.append({"at": now_iso(), "connected": connected})
    status["disk_checks"] = checks[-MAX_DISK_CHECKS:]


def pid_alive(pid: int) -> bool:
    # psutil, not os.kill(pid, 0): on Windows os.kill terminates the process
    import psutil  # 12 ms at import: only a killed run or a lock needs it

    return pid > 0 and psutil.pid_exists(pid)


def run_interrupted(last_run: object) -> bool:
    """A run record left unfinished by a process that no longer exists (killed, power cut)."""
    if not isinstance(last_run, dict) or last_run.get("finished") is not None:
        return False
    pid = last_run.get("pid")
    return not (isinstance(pid, int) and pid_alive(pid))
