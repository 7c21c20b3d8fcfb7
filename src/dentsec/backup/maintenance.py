"""Making room and changing disks: ``backup prune`` (retention now, the way out of a full
disk) and ``backup move --to NEWDISK`` (copy every snapshot to a new repository, or start
one with a first backup when the old disk is gone, then switch)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from dentsec.backup import clock
from dentsec.backup.config import BackupConfig, save_config
from dentsec.backup.disks import Concern, target_concerns
from dentsec.backup.proof import check_unlocked
from dentsec.backup.restic import (
    LONG_TIMEOUT,
    Restic,
    ResticFailure,
    open_restic,
    repository_connected,
    restic_binary,
)
from dentsec.backup.runner import retention_args, run_backup, space_low
from dentsec.backup.secret import load_password, store_password, temporary_password_file
from dentsec.backup.status import load_status, save_status
from dentsec.errors import DentsecError


@dataclass
class PruneOutcome:
    seconds: float
    gentle: bool
    """The disk was (nearly) full: only unused packs were deleted, nothing rewritten."""


def prune(config: BackupConfig) -> PruneOutcome:
    """Apply the retention policy now and free the space of forgotten snapshots. On a
    (nearly) full disk restic cannot write the packs a prune rewrites: ``--max-repack-size
    0`` then only deletes packs no snapshot uses (restic's own advice before anything
    riskier)."""
    repository = config.require_repository()
    if not repository_connected(repository):
        raise ResticFailure("repository-missing", repository)
    gentle = space_low(repository)
    began = time.monotonic()
    with open_restic(config) as restic:
        args = [*retention_args(config), "--prune"]
        if gentle:
            args += ["--max-repack-size", "0"]
        check_unlocked(restic, args, LONG_TIMEOUT)
    status = load_status()
    status.last_retention = clock.now()
    save_status(status)
    return PruneOutcome(time.monotonic() - began, gentle)


@dataclass
class MoveOutcome:
    repository: str
    copied: bool
    """Snapshots copied from the old disk (False: a new repository and a first backup)."""
    warnings: list[Concern]


def move(config: BackupConfig, target: Path, force: bool) -> MoveOutcome:
    old = config.require_repository()
    target = target.expanduser().absolute()
    new = str(target)
    if new == old:
        raise DentsecError("C'est déjà le dépôt de ce poste.", "This is already this computer's repository.")
    concerns = target_concerns(target, config.paths)
    blocking = [c for c in concerns if c.blocking]
    if blocking and not force:
        raise DentsecError(
            "Ce dossier ne convient pas à la sauvegarde :\n  " + "\n  ".join(c.fr for c in blocking)
            + "\nBranchez un disque externe dédié (ou ajoutez --force si vous êtes sûr).",
            "This folder is not suitable for backups:\n  " + "\n  ".join(c.en for c in blocking)
            + "\nPlug in a dedicated external disk (or add --force if you are sure).")
    if target.exists() and any(target.iterdir()):
        raise DentsecError(f"{target} n'est pas vide : choisissez un dossier vide ou nouveau.",
                           f"{target} is not empty: choose an empty or new folder.")
    password = load_password(config)
    copied = repository_connected(old)
    binary = restic_binary()
    with temporary_password_file(password) as pw:
        restic = Restic(binary, new, pw, config.host)
        if copied:
            # same chunker parameters: the copy deduplicates like the original
            restic.check(["init", "--from-repo", old, "--from-password-file", str(pw),
                          "--copy-chunker-params"])
            restic.check(["copy", "--from-repo", old, "--from-password-file", str(pw)],
                         LONG_TIMEOUT)
        else:
            restic.check(["init"])
        from dentsec.backup.setup import read_repository_id, record_repository

        repository_id = read_repository_id(restic)
    # switch: the same password now opens the new repository
    config.repository = new
    config.password_store = store_password(new, password,
                                           prefer_keyring=config.password_store == "keyring")
    save_config(config)
    status = load_status()
    status.config_digest = None  # the new repository's identity is recorded just below
    status.damage = status.leftovers = None
    save_status(status)
    record_repository(new, config, repository_id)
    if not copied and config.paths:
        run_backup(config)
    return MoveOutcome(new, copied, [c for c in concerns if not c.blocking or force])
