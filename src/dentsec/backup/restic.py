"""Running restic (0.14 and later): where it is, how it gets the password, how its JSON
lines read and what its failures mean.

Only ``backup``, ``snapshots``, ``ls`` and ``stats`` speak ``--json`` in restic 0.14; for the
other commands the exit code decides and stderr only names the reason. Formats follow
restic's documentation ("Scripting" chapter) and outputs captured from restic 0.14.0.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dentsec import proc
from dentsec.backup.config import BackupConfig, backup_dir
from dentsec.backup.secret import password_file
from dentsec.errors import DentsecError

LONG_TIMEOUT = 24 * 3600.0
SHORT_TIMEOUT = 600.0


def restic_binary() -> str:
    found = os.environ.get("DENTSEC_RESTIC") or shutil.which("restic")
    if found:
        return found
    system = platform.system()
    if system == "Windows":
        how_fr = "téléchargez restic.exe sur https://github.com/restic/restic/releases"
        how_en = "download restic.exe from https://github.com/restic/restic/releases"
    elif system == "Darwin":
        how_fr = how_en = "brew install restic"
    else:
        how_fr = how_en = "apt-get install restic"
    raise ResticMissing(
        f"restic est introuvable : installez-le ({how_fr}) puis recommencez.",
        f"restic is not installed: install it ({how_en}) and try again.",
    )


class ResticMissing(DentsecError):
    code = "restic-missing"


# reason code -> (French, English) explanation shown to the user and kept in status.json
REASONS: dict[str, tuple[str, str]] = {
    "wrong-password": (
        "le mot de passe du dépôt est refusé (mauvais mot de passe ou clé absente)",
        "the repository password is refused (wrong password or no key)",
    ),
    "disk-full": (
        "le disque de sauvegarde est plein : « dentsec backup prune » supprime les "
        "sauvegardes sorties de la rétention, sinon passez à un disque plus grand "
        "(« dentsec backup move --to DOSSIER »)",
        "the backup disk is full: \"dentsec backup prune\" removes the backups outside "
        "the retention, or switch to a larger disk (\"dentsec backup move --to FOLDER\")",
    ),
    "repository-missing": (
        "le dépôt de sauvegarde est introuvable : le disque est-il branché ?",
        "the backup repository cannot be found: is the disk plugged in?",
    ),
    "foreign-repository": (
        "le disque branché porte un autre dépôt que celui de ce poste : branchez le disque "
        "de sauvegarde de ce poste (pour changer de disque : « dentsec backup move »)",
        "the disk plugged in holds another repository than this computer's: plug in this "
        "computer's backup disk (to change disks: \"dentsec backup move\")",
    ),
    "locked": (
        "le dépôt est verrouillé par une autre opération en cours",
        "the repository is locked by another operation in progress",
    ),
    "sources-missing": (
        "aucun des dossiers à sauvegarder n'existe",
        "none of the folders to back up exists",
    ),
    "interrupted": (
        "la sauvegarde a été interrompue avant la fin",
        "the backup was interrupted before the end",
    ),
    "timeout": ("restic n'a pas répondu à temps", "restic did not answer in time"),
    "io-error": (
        "erreur d'écriture ou de lecture sur le disque de sauvegarde (disque retiré ?)",
        "read or write error on the backup disk (disk removed?)",
    ),
    "damaged": (
        "la vérification a trouvé des erreurs : le dépôt est endommagé",
        "the check found errors: the repository is damaged",
    ),
    "restic-failed": ("restic a échoué", "restic failed"),
}


class ResticFailure(DentsecError):
    def __init__(self, code: str, detail: str = "", detail_en: str | None = None) -> None:
        """``detail`` (a path, restic's own words) is shown in both languages unless
        ``detail_en`` gives its English."""
        fr, en = REASONS.get(code, REASONS["restic-failed"])
        if detail:
            fr, en = f"{fr} ({detail})", f"{en} ({detail if detail_en is None else detail_en})"
        super().__init__(fr[0].upper() + fr[1:] + ".", en[0].upper() + en[1:] + ".")
        self.code = code


def classify(output: str, exit_code: int | None, error: str | None) -> str:
    """The reason code for a failed restic call, from its exit and its messages."""
    if error == "timeout":
        return "timeout"
    if exit_code is not None and exit_code < 0:
        return "interrupted"  # killed by a signal
    text = output.lower()
    if "wrong password" in text or "no key found" in text:
        return "wrong-password"
    if "no space left on device" in text or "disk quota exceeded" in text:
        return "disk-full"
    if "unable to open config file" in text or "is there a repository at" in text:
        return "repository-missing"
    if "repository contains errors" in text:
        return "damaged"
    if "already locked" in text or "unable to create lock" in text:
        return "locked"
    if "all target directories/files do not exist" in text:
        return "sources-missing"
    if "no such file or directory" in text or "input/output error" in text:
        return "io-error"
    return "restic-failed"


def last_line(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("{")]
    return lines[-1][:300] if lines else ""


def json_line(line: str) -> dict[str, Any] | None:
    """One restic JSON message, or None for anything else (text, broken JSON, non-object)."""
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


@dataclass(frozen=True)
class LockInfo:
    hostname: str
    pid: int
    exclusive: bool
    time: str


def parse_lock(text: str) -> LockInfo | None:
    """``restic cat lock ID`` (a JSON object with time, exclusive, hostname, pid…)."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    hostname, pid = value.get("hostname"), value.get("pid")
    if not isinstance(hostname, str) or not isinstance(pid, int) or isinstance(pid, bool):
        return None
    when = value.get("time")
    return LockInfo(hostname, pid, value.get("exclusive") is True,
                    when if isinstance(when, str) else "")


@dataclass(frozen=True)
class Snapshot:
    id: str
    short_id: str
    time: str
    hostname: str
    paths: tuple[str, ...]


def parse_snapshots(text: str) -> list[Snapshot]:
    """``restic snapshots --json``: a JSON array of snapshot objects (oldest first)."""
    try:
        value = json.loads(text)
    except ValueError:
        return []
    if not isinstance(value, list):
        return []
    found = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        paths = item.get("paths")
        found.append(Snapshot(
            id=item["id"],
            short_id=str(item.get("short_id") or item["id"][:8]),
            time=str(item.get("time") or ""),
            hostname=str(item.get("hostname") or ""),
            paths=tuple(p for p in paths if isinstance(p, str)) if isinstance(paths, list) else (),
        ))
    return found


@dataclass(frozen=True)
class Node:
    path: str
    type: str
    size: int
    mtime: str


def parse_ls(text: str) -> list[Node]:
    """``restic ls --json ID``: one snapshot line then one ``node`` line per entry."""
    nodes = []
    for line in text.splitlines():
        item = json_line(line)
        if item is None or item.get("struct_type") != "node":
            continue
        path, kind, size = item.get("path"), item.get("type"), item.get("size", 0)
        if not isinstance(path, str) or not isinstance(kind, str):
            continue
        nodes.append(Node(path, kind, size if isinstance(size, int) else 0,
                          str(item.get("mtime") or "")))
    return nodes


@dataclass
class Restic:
    """restic bound to one repository, with the password file valid for this session."""

    binary: str
    repository: str
    password_path: Path
    host: str

    def env(self) -> dict[str, str]:
        return {
            "RESTIC_REPOSITORY": self.repository,
            "RESTIC_PASSWORD_FILE": str(self.password_path),
            # a password set elsewhere in the environment would take precedence: neutralise
            "RESTIC_PASSWORD": "",
            "RESTIC_PASSWORD_COMMAND": "",
            "RESTIC_CACHE_DIR": str(backup_dir() / "cache"),
        }

    def run(self, args: Sequence[str], timeout: float = SHORT_TIMEOUT) -> proc.ProcResult:
        return proc.run([self.binary, *args], timeout=timeout, env=self.env())

    def check(self, args: Sequence[str], timeout: float = SHORT_TIMEOUT) -> proc.ProcResult:
        """Run and raise a ResticFailure (with its reason code) unless it succeeded."""
        result = self.run(args, timeout)
        if not result.ok:
            raise failure_of(result.stdout + "\n" + result.stderr, result.exit_code, result.error)
        return result

    def stream(self, args: Sequence[str], on_line: Callable[[str], None],
               progress_fps: float = 60.0) -> int | None:
        """Run, handing each output line (stdout and stderr merged) to ``on_line`` as it
        comes: the backup progress bar needs restic's JSON status lines while it runs,
        which proc.run (capture at the end) cannot give."""
        result = proc.stream([self.binary, *args], on_line,
                             env={**self.env(), "RESTIC_PROGRESS_FPS": str(progress_fps)})
        if result.error is not None:
            raise DentsecError(f"restic n'a pas pu démarrer : {result.error}",
                               f"restic could not start: {result.error}")
        return result.exit_code


def failure_of(output: str, exit_code: int | None, error: str | None) -> ResticFailure:
    code = classify(output, exit_code, error)
    return ResticFailure(code, last_line(output) if code == "restic-failed" else "")


@contextmanager
def open_restic(config: BackupConfig) -> Iterator[Restic]:
    binary = restic_binary()
    repository = config.require_repository()
    with password_file(config) as path:
        yield Restic(binary, repository, path, config.host)


def repository_connected(repository: str | None) -> bool:
    """The disk is there and holds a restic repository (its ``config`` file)."""
    return bool(repository) and Path(str(repository), "config").is_file()
