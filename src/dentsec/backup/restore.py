"""``dentsec backup restore``: put a snapshot (or some of its paths) back into a folder,
refusing to overwrite anything already there unless asked. Files restic cannot restore
(damaged data) are named, the others restored, and the damage recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dentsec.backup.config import BackupConfig
from dentsec.backup.proof import escape_pattern, note_damage, restore_errors
from dentsec.backup.restic import (
    LONG_TIMEOUT,
    Node,
    ResticFailure,
    failure_of,
    open_restic,
    parse_ls,
    parse_snapshots,
    repository_connected,
)
from dentsec.backup.status import load_status, save_status
from dentsec.errors import DentsecError


@dataclass
class RestoreOutcome:
    snapshot: str
    files: int
    target: Path
    unrestorable: list[str] = field(default_factory=list)
    """Files whose data is damaged in the repository (restored incomplete or not at all)."""


def selected(nodes: list[Node], paths: list[str]) -> list[Node]:
    """Nodes that are among ``paths`` or below them (all nodes when no path is given)."""
    if not paths:
        return nodes
    prefixes = [p.rstrip("/") for p in paths]
    return [n for n in nodes
            if any(n.path == p or n.path.startswith(p + "/") for p in prefixes)]


def conflicts(target: Path, nodes: list[Node]) -> list[Path]:
    found = []
    for node in nodes:
        if node.type == "dir":
            continue  # restic merges into existing folders
        where = target / node.path.lstrip("/")
        if where.exists() or where.is_symlink():
            found.append(where)
    return found


def restore(config: BackupConfig, snapshot_ref: str, target: Path, paths: list[str],
            overwrite: bool) -> RestoreOutcome:
    repository = config.require_repository()
    if not repository_connected(repository):
        raise ResticFailure("repository-missing", repository)
    if target.exists() and not target.is_dir():
        raise DentsecError(f"{target} existe et n'est pas un dossier.",
                           f"{target} exists and is not a folder.")
    with open_restic(config) as restic:
        args = ["snapshots", "--json"]
        if snapshot_ref == "latest":
            args += ["--host", config.host]
        listed = restic.check([*args, snapshot_ref])
        found = parse_snapshots(listed.stdout)
        if not found:
            raise DentsecError(f"Sauvegarde {snapshot_ref} introuvable.",
                               f"Backup {snapshot_ref} not found.")
        snapshot = found[-1]
        nodes = selected(parse_ls(restic.check(["ls", "--json", snapshot.id],
                                               LONG_TIMEOUT).stdout), paths)
        if paths and not nodes:
            raise DentsecError("Aucun des chemins demandés n'est dans cette sauvegarde.",
                               "None of the requested paths is in this backup.")
        if not overwrite:
            clashes = conflicts(target, nodes)
            if clashes:
                shown = "\n  ".join(str(c) for c in clashes[:10])
                more = len(clashes) - 10
                extra_fr = f"\n  … et {more} autre(s)" if more > 0 else ""
                extra_en = f"\n  … and {more} more" if more > 0 else ""
                raise DentsecError(
                    f"Restauration refusée : {len(clashes)} fichier(s) existent déjà dans "
                    f"{target} et seraient écrasés :\n  {shown}{extra_fr}\nChoisissez un "
                    "dossier vide, ou ajoutez --overwrite pour les remplacer.",
                    f"Restore refused: {len(clashes)} file(s) already exist in {target} and "
                    f"would be overwritten:\n  {shown}{extra_en}\nChoose an empty folder, or "
                    "add --overwrite to replace them.")
        target.mkdir(parents=True, exist_ok=True)
        argv = ["restore", snapshot.id, "--target", str(target)]
        for path in paths:
            argv += ["--include", escape_pattern(path.rstrip("/"))]
        result = restic.run(argv, LONG_TIMEOUT)
        output = result.stdout + "\n" + result.stderr
        lost = restore_errors(output)
        if not result.ok and not lost:
            raise failure_of(output, result.exit_code, result.error)
    if lost:
        status = load_status()
        note_damage(status, "restore", f"{len(lost)} fichier(s) non restaurable(s) : données "
                    "endommagées dans la sauvegarde")
        save_status(status)
    files = sum(1 for n in nodes if n.type == "file")
    return RestoreOutcome(snapshot.short_id, files - len(lost), target, lost)
