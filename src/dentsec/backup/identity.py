"""Is the repository on the backup disk the one dentsec set up, and is it still there?

restic's local backend creates any folder it misses: with the disk unplugged, a backup
writes into the empty mount point on the internal disk and "succeeds". dentsec therefore
checks, without the key (restic would pay its key derivation each time):

* identity: the SHA-256 of the repository's ``config`` file (written once by ``restic
  init``, encrypted, unique to the repository) against the digest recorded at ``init``;
* presence during the run: the file system (``st_dev``) holding the repository and its
  ``config`` file, before, during (at each progress line) and after the run;
* the result: the snapshot is listed in ``snapshots/`` on the disk (one file per snapshot,
  named by its full ID — what restic's local backend lists for ``restic snapshots``);
* leftovers: restic's folders found where the disk should be (data written to the
  internal disk), reported with their size.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from dentsec.backup import clock
from dentsec.backup.status import Leftovers, load_status, save_status
from dentsec.errors import DentsecError

RESTIC_FOLDERS = ("data", "index", "keys", "locks", "snapshots")


def config_digest(repository: str) -> str | None:
    try:
        return hashlib.sha256(Path(repository, "config").read_bytes()).hexdigest()
    except OSError:
        return None


@dataclass(frozen=True)
class Presence:
    dev: int
    digest: str


def presence(repository: str) -> Presence | None:
    """The repository as it is now, or None when its ``config`` cannot be read."""
    digest = config_digest(repository)
    if digest is None:
        return None
    try:
        return Presence(os.stat(repository).st_dev, digest)
    except OSError:
        return None


def still_there(repository: str, before: Presence) -> bool:
    """Cheap enough for every progress line: one stat, the digest only if needed."""
    try:
        if os.stat(repository).st_dev != before.dev:
            return False
        return Path(repository, "config").is_file()
    except OSError:
        return False


def snapshot_listed(repository: str, snapshot: str) -> bool:
    """``snapshot`` (short or full ID) is one of the repository's snapshot files."""
    if not snapshot or any(c not in "0123456789abcdef" for c in snapshot):
        return False
    try:
        return any(entry.name.startswith(snapshot)
                   for entry in os.scandir(Path(repository, "snapshots")))
    except OSError:
        return False


def leftover_bytes(repository: str) -> int | None:
    """Size of restic folders at ``repository`` when it holds no repository (``config``
    absent): data written to the disk under an empty mount point. None when there are none."""
    root = Path(repository)
    if (root / "config").exists():
        return None
    found = [root / name for name in RESTIC_FOLDERS if (root / name).is_dir()]
    if not found:
        return None
    total = 0
    for folder in found:
        for dirpath, _dirs, files in os.walk(folder):
            for name in files:
                try:
                    total += os.lstat(os.path.join(dirpath, name)).st_size
                except OSError:
                    continue
    return total


def find_leftovers(repository: str | None) -> Leftovers | None:
    if not repository:
        return None
    size = leftover_bytes(repository)
    return None if size is None else Leftovers(clock.now(), repository, size)


def remove_leftovers(found: Leftovers) -> None:
    """Delete restic's folders under an empty mount point, never a real repository."""
    root = Path(found.path)
    if (root / "config").exists():
        raise DentsecError(f"{root} contient un vrai dépôt : rien n'a été effacé.",
                           f"{root} holds a real repository: nothing was deleted.")
    for name in RESTIC_FOLDERS:
        shutil.rmtree(root / name, ignore_errors=True)
    with contextlib.suppress(OSError):
        root.rmdir()  # only if nothing else is left in it
    status = load_status()
    status.leftovers = None
    save_status(status)


def record_look(by: str = "probe") -> bool | None:
    """A look at the backup disk that does not need it (``backup status``, the agent's
    daily run), kept in status.json: BAK-OFFLINE-COPY asks whether the disk was seen
    absent between two backups. None (and nothing written) when no backup is set up."""
    from dentsec.backup.config import load_config

    repository = load_config().repository
    if not repository:
        return None
    connected = presence(repository) is not None
    status = load_status()
    status.record_disk_check(connected, by)
    if not connected:  # the mount point is visible: what restic left there can be seen
        status.leftovers = find_leftovers(repository)
    save_status(status)
    return connected
