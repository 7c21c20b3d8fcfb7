"""The running machine (or an offline tree mounted under ``root``), read-only.

Every answer is appended to an :class:`EvidenceLog` so that ``dentsec collect`` can
save exactly what the audit saw.
"""

from __future__ import annotations

import os
import platform
import socket
import sys
from collections.abc import Callable, Sequence

from dentsec import proc
from dentsec.errors import DentsecError
from dentsec.host.base import (
    DEFAULT_MAX_BYTES,
    CommandResult,
    DirResult,
    FileResult,
    HostInfo,
    JSONValue,
    OutsideRoot,
    ProbeResult,
    under_root,
)
from dentsec.host.bundle import EvidenceLog
from dentsec.vocab import ErrorKind, OSFamily

OFFLINE = ErrorKind.OFFLINE
"""The error of a command or live-only probe asked of an offline tree (``--root``)."""


def current_os_family() -> OSFamily:
    if sys.platform.startswith("win"):
        return OSFamily.WINDOWS
    if sys.platform == "darwin":
        return OSFamily.MACOS
    return OSFamily.LINUX


def _is_admin() -> bool | None:
    if hasattr(os, "geteuid"):
        return os.geteuid() == 0
    try:
        import ctypes

        return bool(ctypes.windll.shell32.IsUserAnAdmin())  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return None


LINUX_MARKERS = ("/etc/os-release", "/etc/passwd")
"""A tree with neither is not a Linux system (an empty folder, an unmounted disk)."""


class LiveHost:
    def __init__(self, root: str | None = None, log: EvidenceLog | None = None) -> None:
        # Resolved once: every later containment test compares real paths with this one.
        self.root = os.path.realpath(root) if root else None
        self.log = log if log is not None else EvidenceLog()
        if self.root:
            self._check_linux_tree(self.root)
            self.info = HostInfo(os_family=OSFamily.LINUX, hostname=self._root_hostname(), mode="root",
                                 is_admin=_is_admin())
        else:
            self.info = HostInfo(os_family=current_os_family(), hostname=socket.gethostname(),
                                 mode="live", is_admin=_is_admin(),
                                 details={"platform": platform.platform()})

    def _check_linux_tree(self, root: str) -> None:
        if not os.path.isdir(root):
            raise DentsecError(f"Dossier introuvable : {root}", f"Folder not found: {root}")
        if not any(os.path.lexists(os.path.join(root, marker.lstrip("/")))
                   for marker in LINUX_MARKERS):
            raise DentsecError(
                f"{root} n'est pas un système Linux : ni /etc/os-release ni /etc/passwd n'y "
                "figurent. Vérifiez que le disque est monté et désignez sa racine (le dossier "
                "qui contient etc, usr et home).",
                f"{root} is not a Linux system: it has neither /etc/os-release nor /etc/passwd. "
                "Check that the disk is mounted and name its root (the folder holding etc, usr "
                "and home).")

    def _root_hostname(self) -> str:
        res = self._read("/etc/hostname", 4096)
        return (res.text or "").strip().splitlines()[0] if res.text and res.text.strip() else ""

    def _real(self, path: str) -> str:
        """The path to open; OutsideRoot when a link leads out of the offline tree."""
        return under_root(self.root, path) if self.root else path

    def run(self, argv: Sequence[str], timeout: float = 10.0, cwd: str | None = None) -> CommandResult:
        if self.root:
            result = CommandResult(tuple(argv), None, "", "", OFFLINE)
        else:
            p = proc.run(argv, timeout=timeout, cwd=cwd)
            result = CommandResult(p.argv, p.exit_code, p.stdout, p.stderr, p.error, p.duration_ms)
        self.log.add(result)
        return result

    def _read(self, path: str, max_bytes: int) -> FileResult:
        try:
            with open(self._real(path), "rb") as fh:
                raw = fh.read(max_bytes + 1)
        except OutsideRoot:
            return FileResult(path, None, ErrorKind.OUTSIDE_ROOT)
        except FileNotFoundError:
            return FileResult(path, None, ErrorKind.FILE_MISSING)
        except PermissionError:
            return FileResult(path, None, ErrorKind.PERMISSION)
        except IsADirectoryError:
            return FileResult(path, None, ErrorKind.IS_A_DIRECTORY)
        except OSError as exc:
            return FileResult(path, None, f"{ErrorKind.OS_ERROR}: {exc.strerror or exc}")
        truncated = len(raw) > max_bytes
        return FileResult(path, raw[:max_bytes].decode("utf-8", "replace"), None, truncated)

    def read_text(
        self,
        path: str,
        max_bytes: int = DEFAULT_MAX_BYTES,
        redact: Callable[[str], str] | None = None,
    ) -> FileResult:
        result = self._read(path, max_bytes)
        if redact is not None and result.text is not None:
            result = FileResult(path, redact(result.text), None, result.truncated)
        self.log.add(result)
        return result

    def list_dir(self, path: str) -> DirResult:
        try:
            result = DirResult(path, tuple(sorted(os.listdir(self._real(path)))))
        except OutsideRoot:
            result = DirResult(path, (), ErrorKind.OUTSIDE_ROOT)
        except FileNotFoundError:
            result = DirResult(path, (), ErrorKind.FILE_MISSING)
        except PermissionError:
            result = DirResult(path, (), ErrorKind.PERMISSION)
        except OSError as exc:
            result = DirResult(path, (), f"{ErrorKind.OS_ERROR}: {exc.strerror or exc}")
        self.log.add(result)
        return result

    def probe(
        self, name: str, fn: Callable[[str], JSONValue], live_only: bool = False
    ) -> ProbeResult:
        if self.root and live_only:
            result = ProbeResult(name, None, OFFLINE)
        else:
            try:
                result = ProbeResult(name, fn(self.root or ""))
            except OutsideRoot:
                result = ProbeResult(name, None, ErrorKind.OUTSIDE_ROOT)
            except PermissionError:
                result = ProbeResult(name, None, ErrorKind.PERMISSION)
            except Exception as exc:  # noqa: BLE001 - a probe failure is evidence, not a crash
                result = ProbeResult(name, None, f"{type(exc).__name__}: {exc}"[:300])
        self.log.add(result)
        return result
