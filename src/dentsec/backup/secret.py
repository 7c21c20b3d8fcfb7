"""The repository password: generated here, kept in the OS keyring, or — where no keyring
works (a headless Linux box) — in a 0600 file under DENTSEC_HOME readable only by the
account that runs the backups (root for the scheduled job).

It reaches restic only through ``RESTIC_PASSWORD_FILE`` pointing at a 0600 file (never
argv, never an environment variable holding the secret itself). With a keyring, that file
is a temporary copy in a private folder, deleted as soon as restic returns.

``keyring`` is imported only where used: it scans its backends at import (about 0.15 s),
a cost every scheduled run with the file store would otherwise pay.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dentsec.backup.config import BackupConfig, backup_dir
from dentsec.errors import DentsecError
from dentsec.fileio import atomic_write_bytes

KEYRING_SERVICE = "dentsec-backup"
# No 0/O, 1/l/I: the password is also copied by hand from the paper recovery sheet.
ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GROUPS, GROUP_LEN = 6, 5  # 30 characters, about 173 bits


def generate_password() -> str:
    import secrets  # hashlib and hmac behind it: only init needs them

    groups = ("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LEN)) for _ in range(GROUPS))
    return "-".join(groups)


def key_file() -> Path:
    return backup_dir() / "repository.key"


def keyring_usable() -> bool:
    import keyring
    from keyring.backends import fail, null

    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001 - a broken keyring configuration means "not usable"
        return False
    return not isinstance(backend, fail.Keyring | null.Keyring)


def store_password(repository: str, password: str, prefer_keyring: bool = True) -> str:
    """Keep the password; returns the store used (``keyring`` or ``file``)."""
    if prefer_keyring and keyring_usable():
        import keyring
        import keyring.errors

        try:
            keyring.set_password(KEYRING_SERVICE, repository, password)
            return "keyring"
        except keyring.errors.KeyringError:
            pass  # fall back to the private file below
    atomic_write_bytes(key_file(), password.encode("utf-8"), mode=0o600)
    return "file"


def forget_password(config: BackupConfig) -> None:
    if config.password_store == "keyring" and config.repository:
        import keyring
        import keyring.errors

        try:
            keyring.delete_password(KEYRING_SERVICE, config.repository)
        except keyring.errors.KeyringError:
            pass
    elif config.password_store == "file":
        key_file().unlink(missing_ok=True)


def load_password(config: BackupConfig) -> str:
    repository = config.require_repository()
    if config.password_store == "keyring":
        import keyring
        import keyring.errors

        try:
            value = keyring.get_password(KEYRING_SERVICE, repository)
        except keyring.errors.KeyringError:
            value = None
        if value:
            return value
        raise DentsecError(
            "Mot de passe du dépôt introuvable dans le trousseau du système : reprenez-le "
            "sur la feuille de récupération imprimée.",
            "Repository password not found in the system keyring: take it from the "
            "printed recovery sheet.",
        )
    try:
        return key_file().read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise DentsecError(
            f"Mot de passe du dépôt illisible ({key_file()}) : {exc.strerror or exc}. "
            "Reprenez-le sur la feuille de récupération imprimée.",
            f"Repository password unreadable ({key_file()}): {exc.strerror or exc}. "
            "Take it from the printed recovery sheet.",
        ) from exc


@contextmanager
def password_file(config: BackupConfig) -> Iterator[Path]:
    """A 0600 file holding the password for the length of one restic call."""
    if config.password_store == "file":
        load_password(config)  # a clear error when missing, before restic says less
        yield key_file()
        return
    with temporary_password_file(load_password(config)) as path:
        yield path


@contextmanager
def temporary_password_file(password: str) -> Iterator[Path]:
    """``password`` in a 0600 file of a private folder, removed when the block ends."""
    private = backup_dir() / "tmp"
    private.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(private, 0o700)
    folder = Path(tempfile.mkdtemp(dir=private))
    try:
        path = folder / "pw"
        atomic_write_bytes(path, password.encode("utf-8"), mode=0o600)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def from_sheet(typed: str) -> str:
    """The password as copied by hand from the sheet: spaces and line breaks dropped,
    groups joined by dashes whatever was typed between them."""
    words = typed.replace("-", " ").split()
    return "-".join(words)


def clear_leftovers(max_age_s: float = 3600.0) -> None:
    """Remove temporary password copies left by a killed process (old enough that no
    running restic can still need them)."""
    private = backup_dir() / "tmp"
    if not private.is_dir():
        return
    limit = time.time() - max_age_s
    for entry in private.iterdir():
        try:
            if entry.stat().st_mtime < limit:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue
