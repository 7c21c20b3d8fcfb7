"""``dentsec backup init``: a restic repository on a dedicated external disk, its password
kept on this computer and printed on a recovery sheet."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from dentsec.backup.config import BackupConfig, backup_dir, save_config
from dentsec.backup.disks import Concern, placement_of, target_concerns
from dentsec.backup.identity import config_digest
from dentsec.backup.restic import Restic, failure_of, restic_binary
from dentsec.backup.secret import forget_password, generate_password, password_file, store_password
from dentsec.backup.sheet import write_sheet
from dentsec.backup.status import load_status, save_status
from dentsec.errors import DentsecError


@dataclass
class InitOutcome:
    repository: str
    store: str
    sheet: Path
    warnings: list[Concern]


def default_sheet_path() -> Path:
    return backup_dir() / "feuille-de-recuperation.html"


def read_repository_id(restic: Restic) -> str | None:
    """restic's repository id (``restic cat config``, a JSON object with ``id``)."""
    shown = restic.run(["cat", "config"])
    if not shown.ok:
        return None
    try:
        value = json.loads(shown.stdout)
    except ValueError:
        return None
    found = value.get("id") if isinstance(value, dict) else None
    return found if isinstance(found, str) else None


def record_repository(repository: str, config: BackupConfig, repository_id: str | None) -> None:
    """A new repository in status.json: its identity, where it sits, the disk seen."""
    status = load_status()
    status.repository, status.host = repository, config.host
    status.repository_id, status.config_digest = repository_id, config_digest(repository)
    status.placement = placement_of(repository, config.paths)
    status.record_disk_check(True, "init")
    save_status(status)


def init_repository(config: BackupConfig, target: Path, force: bool,
                    sheet: Path | None = None) -> InitOutcome:
    if config.repository:
        raise DentsecError(
            f"Un dépôt est déjà configuré ({config.repository}). Pour passer à un nouveau "
            "disque : « dentsec backup move --to DOSSIER ».",
            f"A repository is already configured ({config.repository}). To switch to a new "
            "disk: \"dentsec backup move --to FOLDER\".")
    binary = restic_binary()
    target = target.expanduser().absolute()
    concerns = target_concerns(target, config.paths)
    blocking = [c for c in concerns if c.blocking]
    if blocking and not force:
        reasons_fr = "\n  ".join(c.fr for c in blocking)
        reasons_en = "\n  ".join(c.en for c in blocking)
        raise DentsecError(
            f"Ce dossier ne convient pas à la sauvegarde :\n  {reasons_fr}\n"
            "Branchez un disque externe dédié (ou ajoutez --force si vous êtes sûr).",
            f"This folder is not suitable for backups:\n  {reasons_en}\n"
            "Plug in a dedicated external disk (or add --force if you are sure).")
    if target.exists() and any(target.iterdir()):
        raise DentsecError(f"{target} n'est pas vide : choisissez un dossier vide ou nouveau.",
                           f"{target} is not empty: choose an empty or new folder.")
    repository = str(target)
    password = generate_password()
    config.repository = repository
    config.password_store = store_password(repository, password)
    try:
        with password_file(config) as pw:
            restic = Restic(binary, repository, pw, config.host)
            result = restic.run(["init"])
            if not result.ok:
                raise failure_of(result.stdout + "\n" + result.stderr, result.exit_code,
                                 result.error)
            repository_id = read_repository_id(restic)
        sheet_path = write_sheet(sheet or default_sheet_path(), config.host, repository,
                                 password, config.password_store)
    except DentsecError:
        forget_password(config)
        config.repository = config.password_store = None
        raise
    if not config.status_key:
        import secrets

        config.status_key = secrets.token_hex(16)
    save_config(config)
    record_repository(repository, config, repository_id)
    return InitOutcome(repository, config.password_store, sheet_path,
                       [c for c in concerns if not c.blocking or force])
