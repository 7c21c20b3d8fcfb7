"""Evidence bundles: what a collection read, saved so it can be evaluated anywhere.

A bundle is a zip file (or a folder with the same layout) holding ``manifest.json`` and
one member per captured output. The same layout is written by the standalone
PowerShell collector, so keep it simple::

    {"schema": "dentsec.evidence/1", "created_at": "...", "collector": "dentsec 0.1.0",
     "host": {"os_family": "linux", "hostname": "...", "is_admin": false, "mode": "live"},
     "items": [
       {"kind": "command", "argv": [...], "exit_code": 0, "error": null,
        "duration_ms": 12, "stdout": "items/0001.out", "stderr": "items/0001.err"},
       {"kind": "file", "path": "/etc/os-release", "error": null, "truncated": false,
        "content": "items/0002.txt"},
       {"kind": "dir", "path": "/home", "error": null, "entries": ["alice"]},
       {"kind": "probe", "name": "sockets", "error": null, "content": "items/0003.json"}
     ]}
"""

from __future__ import annotations

import io
import json
import threading
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dentsec import __version__
from dentsec.errors import DentsecError, os_reason
from dentsec.fileio import atomic_write_bytes
from dentsec.host.base import CommandResult, DirResult, FileResult, HostInfo, ProbeResult
from dentsec.vocab import OS_FAMILIES

SCHEMA = "dentsec.evidence/1"
MAX_MEMBER_BYTES = 64 * 1024 * 1024

Evidence = CommandResult | FileResult | DirResult | ProbeResult


@dataclass
class EvidenceLog:
    """Thread-safe list of everything a live host answered, in order."""

    items: list[Evidence] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, item: Evidence) -> None:
        with self._lock:
            self.items.append(item)


def write_bundle(
    path: Path, info: HostInfo, items: list[Evidence], collector: str | None = None
) -> None:
    """Write a zip bundle atomically: a failure leaves no partial file behind."""
    manifest: dict[str, Any] = {
        "schema": SCHEMA,
        "created_at": info.collected_at.isoformat(),
        "collector": collector or f"dentsec {__version__}",
        "host": {"os_family": info.os_family, "hostname": info.hostname, "is_admin": info.is_admin,
                 "mode": info.recorded_mode if info.mode == "evidence" else info.mode},
        "items": [],
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, item in enumerate(items, start=1):
            stem = f"items/{n:04d}"
            entry: dict[str, Any]
            if isinstance(item, CommandResult):
                entry = {"kind": "command", "argv": list(item.argv), "exit_code": item.exit_code,
                         "error": item.error, "duration_ms": item.duration_ms,
                         "stdout": f"{stem}.out", "stderr": f"{stem}.err"}
                zf.writestr(entry["stdout"], item.stdout)
                zf.writestr(entry["stderr"], item.stderr)
            elif isinstance(item, FileResult):
                entry = {"kind": "file", "path": item.path, "error": item.error,
                         "truncated": item.truncated, "content": None}
                if item.text is not None:
                    entry["content"] = f"{stem}.txt"
                    zf.writestr(entry["content"], item.text)
            elif isinstance(item, DirResult):
                entry = {"kind": "dir", "path": item.path, "error": item.error,
                         "entries": list(item.entries)}
            else:
                entry = {"kind": "probe", "name": item.name, "error": item.error, "content": None}
                if item.error is None:
                    entry["content"] = f"{stem}.json"
                    zf.writestr(entry["content"], json.dumps(item.value, indent=1, sort_keys=True))
            manifest["items"].append(entry)
        zf.writestr("manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False))
    atomic_write_bytes(path, buf.getvalue())


def _bad(path: Path, fr: str, en: str | None = None) -> DentsecError:
    return DentsecError(
        f"Le paquet de preuves {path} est illisible : {fr}",
        f"The evidence bundle {path} cannot be read: {en or fr}",
    )


def _damage(path: Path, exc: Exception) -> DentsecError:
    """Any failure while reading a bundle, told in the user's words."""
    if isinstance(exc, DentsecError):
        return exc
    if isinstance(exc, zipfile.BadZipFile):
        return _bad(path, "ce n'est pas un fichier zip valide (fichier abîmé ou incomplet ?).",
                    "not a valid zip file (damaged or incomplete?).")
    if isinstance(exc, OSError):
        return _bad(path, *os_reason(exc))
    if isinstance(exc, json.JSONDecodeError):
        return _bad(path, f"JSON invalide (ligne {exc.lineno}, colonne {exc.colno}).",
                    f"invalid JSON (line {exc.lineno}, column {exc.colno}).")
    if isinstance(exc, KeyError):
        return _bad(path, f"élément attendu absent : {exc.args[0] if exc.args else '?'}.",
                    f"expected entry missing: {exc.args[0] if exc.args else '?'}.")
    if isinstance(exc, NotImplementedError):
        return _bad(path, "méthode de compression non prise en charge.",
                    "unsupported compression method.")
    detail = f"{type(exc).__name__}: {exc}"[:200]
    return _bad(path, f"contenu inattendu (détail technique : {detail}).",
                f"unexpected content (technical detail: {detail}).")


# What a damaged or hand-edited bundle can raise while it is parsed.
_PARSE_ERRORS = (OSError, zipfile.BadZipFile, KeyError, TypeError, ValueError, AttributeError,
                 NotImplementedError, EOFError, RecursionError)


@dataclass
class Bundle:
    info: HostInfo
    commands: dict[tuple[str, ...], CommandResult]
    files: dict[str, FileResult]
    dirs: dict[str, DirResult]
    probes: dict[str, ProbeResult]
    created_at: str
    collector: str


def load_bundle(path: Path) -> Bundle:
    """Read a zip or folder bundle; any damage gives a clear DentsecError."""
    if not path.exists():
        raise DentsecError(f"Paquet de preuves introuvable : {path}",
                           f"Evidence bundle not found: {path}")
    try:
        if path.is_dir():
            root = path.resolve()

            def member(name: str) -> bytes:
                target = (path / name).resolve()
                if root not in target.parents:
                    raise _bad(path, f"chemin interdit : {name}", f"forbidden path: {name}")
                return target.read_bytes()
            return _parse(path, member)
        with zipfile.ZipFile(path) as zf:
            def zmember(name: str) -> bytes:
                try:
                    info = zf.getinfo(name)
                except KeyError as exc:
                    raise _bad(path, f"{name} absent du paquet.",
                               f"{name} missing from the bundle.") from exc
                if info.file_size > MAX_MEMBER_BYTES:
                    raise _bad(path, f"{name} dépasse {MAX_MEMBER_BYTES} octets",
                               f"{name} > {MAX_MEMBER_BYTES} bytes")
                return zf.read(info)
            return _parse(path, zmember)
    except _PARSE_ERRORS as exc:
        raise _damage(path, exc) from exc


def _text(member: Any, name: Any) -> str:
    if not name:
        return ""
    raw: bytes = member(str(name))
    if raw.startswith(b"\xff\xfe") or raw.startswith(b"\xfe\xff"):
        return raw.decode("utf-16")
    return raw.decode("utf-8-sig", "replace")


def _parse(path: Path, member: Any) -> Bundle:
    manifest = json.loads(_text(member, "manifest.json"))
    if not isinstance(manifest, dict) or manifest.get("schema") != SCHEMA:
        raise _bad(path, f"ce n'est pas un paquet de preuves dentsec (schéma attendu : {SCHEMA}).",
                   f"not a dentsec evidence bundle (expected schema: {SCHEMA}).")
    host = manifest.get("host") or {}
    info = HostInfo(
        os_family=str(host.get("os_family", "")),
        hostname=str(host.get("hostname", "")),
        mode="evidence",
        is_admin=host.get("is_admin"),
        recorded_mode="root" if host.get("mode") == "root" else "live",
    )
    if info.os_family not in OS_FAMILIES:
        raise _bad(path, f"système inconnu : {info.os_family!r}.",
                   f"unknown system: {info.os_family!r}.")
    try:
        info.collected_at = datetime.fromisoformat(str(manifest.get("created_at")))
    except ValueError as exc:
        raise _bad(path, "date de collecte (created_at) illisible.",
                   "unreadable collection date (created_at).") from exc
    if info.collected_at.tzinfo is None:
        info.collected_at = info.collected_at.replace(tzinfo=UTC)
    bundle = Bundle(info, {}, {}, {}, {}, str(manifest.get("created_at", "")),
                    str(manifest.get("collector", "")))
    for entry in manifest.get("items", []):
        kind = entry.get("kind")
        if kind == "command":
            argv = tuple(str(a) for a in entry.get("argv", []))
            bundle.commands[argv] = CommandResult(
                argv, entry.get("exit_code"), _text(member, entry.get("stdout")),
                _text(member, entry.get("stderr")), entry.get("error"),
                int(entry.get("duration_ms") or 0))
        elif kind == "file":
            content = entry.get("content")
            bundle.files[entry["path"]] = FileResult(
                entry["path"], _text(member, content) if content else None,
                entry.get("error"), bool(entry.get("truncated")))
        elif kind == "dir":
            bundle.dirs[entry["path"]] = DirResult(
                entry["path"], tuple(entry.get("entries") or ()), entry.get("error"))
        elif kind == "probe":
            content = entry.get("content")
            try:
                value = json.loads(_text(member, content)) if content else None
            except json.JSONDecodeError as exc:
                raise _bad(path, f"{content} : JSON invalide.", f"{content}: invalid JSON.") from exc
            bundle.probes[entry["name"]] = ProbeResult(entry["name"], value, entry.get("error"))
        else:
            raise _bad(path, f"type d'élément inconnu : {kind!r}.", f"unknown item kind: {kind!r}.")
    return bundle
