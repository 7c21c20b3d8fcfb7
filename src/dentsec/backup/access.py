"""The repository password checked against the repository itself: before the recovery
sheet is printed (a sheet with the wrong key is worse than none), and when it is typed
back from the paper sheet on a new computer."""

from __future__ import annotations

from dentsec.backup.config import BackupConfig, save_config
from dentsec.backup.restic import (
    Restic,
    ResticFailure,
    failure_of,
    repository_connected,
    restic_binary,
)
from dentsec.backup.secret import (
    forget_password,
    load_password,
    store_password,
    temporary_password_file,
)
from dentsec.errors import DentsecError


def password_opens(repository: str, password: str, host: str) -> bool:
    """restic accepts ``password`` for ``repository`` (``restic cat config``)."""
    if not repository_connected(repository):
        raise ResticFailure("repository-missing", repository)
    with temporary_password_file(password) as path:
        result = Restic(restic_binary(), repository, path, host).run(["cat", "config"])
    if result.ok:
        return True
    failure = failure_of(result.stdout + "\n" + result.stderr, result.exit_code, result.error)
    if failure.code == "wrong-password":
        return False
    raise failure


def checked_password(config: BackupConfig) -> str:
    """The stored password, once the repository has accepted it."""
    repository = config.require_repository()
    password = load_password(config)
    if not password_opens(repository, password, config.host):
        raise DentsecError(
            "Le mot de passe enregistré sur ce poste n'ouvre pas le dépôt : la feuille n'a "
            "pas été écrite. Reprenez le mot de passe de la feuille imprimée avec « dentsec "
            "backup password --from-sheet ».",
            "The password stored on this computer does not open the repository: no sheet "
            "was written. Enter the one from the printed sheet with \"dentsec backup "
            "password --from-sheet\".")
    return password


def adopt_password(config: BackupConfig, repository: str, typed: str,
                   host: str | None) -> str:
    """Store the password typed from the sheet once it opens ``repository``; returns the
    store used. The previous password (if any) is forgotten only after that."""
    from dentsec.backup.secret import from_sheet
    from dentsec.backup.setup import read_repository_id, record_repository

    password = from_sheet(typed)
    target_host = host or config.host
    if not password_opens(repository, password, target_host):
        raise DentsecError(
            "Ce mot de passe n'ouvre pas le dépôt : vérifiez chaque caractère sur la feuille "
            "(ni 0/O ni 1/l/I n'y figurent).",
            "This password does not open the repository: check each character on the "
            "sheet (it has no 0/O nor 1/l/I).")
    if config.repository and config.password_store:
        forget_password(config)
    config.repository, config.host = repository, target_host
    config.password_store = store_password(repository, password)
    save_config(config)
    with temporary_password_file(password) as path:
        repository_id = read_repository_id(Restic(restic_binary(), repository, path,
                                                  target_host))
    record_repository(repository, config, repository_id)
    return config.password_store
