"""What to back up and where: ``$DENTSEC_HOME/backup/config.json``.

Fields: ``repository`` (restic repository folder, None before ``init``), ``host`` (the name
passed to every restic call with ``--host`` so incremental runs find their parent),
``password_store`` (``keyring`` or ``file``), ``paths``, ``excludes`` and the retention
counts (7 daily, 4 weekly, 12 monthly by default), ``status_key``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dentsec.backup.files import read_json, write_json
from dentsec.errors import DentsecError
from dentsec.paths import dentsec_home

CONFIG_SCHEMA = "dentsec.backup-config/1"


def backup_dir() -> Path:
    return dentsec_home() / "backup"


def this_host() -> str:
    """The computer's name, restic's ``--host`` by default (socket is imported only for a
    new configuration: a saved one carries its host)."""
    import socket

    return socket.gethostname()


def config_path() -> Path:
    return backup_dir() / "config.json"


@dataclass
class BackupConfig:
    repository: str | None = None
    host: str = field(default_factory=this_host)
    password_store: str | None = None
    paths: list[str] = field(default_factory=list)
    excludes: list[str] = field(default_factory=list)
    keep_daily: int = 7
    keep_weekly: int = 4
    keep_monthly: int = 12
    verify_parts: int = 30
    """The default verify reads 1/verify_parts of the data: all of it every 30 verifies."""
    status_key: str | None = None
    """Random key (hex) for the digests status.json keeps instead of file names."""

    def require_repository(self) -> str:
        if not self.repository:
            raise DentsecError(
                "Aucun dépôt de sauvegarde : lancez d'abord « dentsec backup init --to DOSSIER ».",
                "No backup repository: run \"dentsec backup init --to FOLDER\" first.",
            )
        return self.repository

    def require_paths(self) -> list[str]:
        if not self.paths:
            raise DentsecError(
                "Rien à sauvegarder : ajoutez des dossiers avec « dentsec backup add CHEMIN ».",
                "Nothing to back up: add folders with \"dentsec backup add PATH\".",
            )
        return self.paths


def load_config() -> BackupConfig:
    raw = read_json(config_path())
    if raw is None:
        return BackupConfig()
    if not isinstance(raw, dict) or raw.get("schema") != CONFIG_SCHEMA:
        raise DentsecError(
            f"Configuration de sauvegarde inattendue dans {config_path()}.",
            f"Unexpected backup configuration in {config_path()}.",
        )
    known = set(BackupConfig.__dataclass_fields__)
    values: dict[str, Any] = {k: v for k, v in raw.items() if k in known}
    return BackupConfig(**values)


def save_config(config: BackupConfig) -> None:
    write_json(config_path(), {"schema": CONFIG_SCHEMA, **asdict(config)})


def add_paths(config: BackupConfig, paths: list[str]) -> list[str]:
    """Add folders or files (made absolute); returns those that were new."""
    added = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise DentsecError(f"{raw} n'existe pas.", f"{raw} does not exist.")
        absolute = str(path.resolve())
        if absolute not in config.paths:
            config.paths.append(absolute)
            added.append(absolute)
    return added


def add_excludes(config: BackupConfig, patterns: list[str]) -> list[str]:
    added = []
    for pattern in patterns:
        if pattern and pattern not in config.excludes:
            config.excludes.append(pattern)
            added.append(pattern)
    return added
