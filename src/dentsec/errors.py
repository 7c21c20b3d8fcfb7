"""Errors a user can read: each carries a French and an English message."""

from __future__ import annotations

import errno

from dentsec.i18n import tr


class DentsecError(Exception):
    """A failure explained to the user; the CLI prints it and exits with status 2."""

    exit_code = 2

    def __init__(self, fr: str, en: str) -> None:
        super().__init__(en)
        self.fr = fr
        self.en = en

    def message(self) -> str:
        return tr(self.fr, self.en)


# The operating system's own messages are English ("No such file or directory"): a French
# user reads these instead. errno values are the same on Linux, macOS and Windows' CRT.
_OS_REASONS: dict[int, tuple[str, str]] = {
    errno.ENOENT: ("fichier ou dossier introuvable", "no such file or directory"),
    errno.EACCES: ("accès refusé (droits insuffisants)", "permission denied"),
    errno.EPERM: ("opération non permise", "operation not permitted"),
    errno.EROFS: ("le disque est en lecture seule", "read-only file system"),
    errno.ENOSPC: ("le disque est plein", "the disk is full"),
    errno.EISDIR: ("c'est un dossier, pas un fichier", "is a directory"),
    errno.ENOTDIR: ("un élément du chemin n'est pas un dossier", "not a directory"),
    errno.EEXIST: ("existe déjà", "file exists"),
    errno.EIO: ("erreur de lecture ou d'écriture du disque (disque abîmé ou débranché ?)",
                "input/output error (damaged or unplugged disk?)"),
    errno.ENAMETOOLONG: ("nom de fichier trop long", "file name too long"),
    errno.ENOTEMPTY: ("le dossier n'est pas vide", "directory not empty"),
    errno.EXDEV: ("déplacement impossible entre deux disques", "cross-device link"),
    errno.EMFILE: ("trop de fichiers ouverts", "too many open files"),
    errno.ETIMEDOUT: ("délai dépassé", "timed out"),
    errno.ECONNREFUSED: ("connexion refusée", "connection refused"),
}


def os_reason(exc: OSError) -> tuple[str, str]:
    """(French, English) for an OS error, naming the file when there is one."""
    fr, en = _OS_REASONS.get(exc.errno or -1, (None, None))
    if fr is None or en is None:
        en = exc.strerror or str(exc) or type(exc).__name__
        fr = f"erreur du système ({en})"
    if exc.filename:
        fr, en = f"{fr} ({exc.filename})", f"{en} ({exc.filename})"
    return fr, en


def os_error(exc: OSError, fr_context: str = "", en_context: str = "") -> DentsecError:
    """A DentsecError for an OS error, optionally after a context ("Impossible de lire X")."""
    fr, en = os_reason(exc)
    if fr_context:
        fr, en = f"{fr_context} : {fr}", f"{en_context}: {en}"
    return DentsecError(fr, en)
