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
from dentsec.host.base import (
    DEFAULT_MAX_BYTES,
    CommandResult,
    DirResult,
    FileResult,
    HostInfo,
    JSONValue,
    ProbeResult,
)
from dentsec.host.bundle import EvidenceLog

OFFLINE = "offline"
"""The error of a command or live-only probe asked of an offline tree (``--root``)."""


def current_os_family() -> str:
    if sys.platform.startswith("win"):
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"


def _is_admin() -> bool | None:
    if hasattr(os, "geteuid"):
        return os.geteuid() == 0
    try:
        import ctypes

        return bool(ctypes.windll.shell32.IsUserAnAdmin())  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return None


class LiveHost:
    def __init__(self, root: str | None = None, log: EvidenceLog | None = None) -> None:
        self.root = os.path.abspath(root) if root else None
        self.log = log if log is not None else EvidenceLog()
        if self.root:
            self.info = HostInfo(os_family="linux", hostname=self._root_hostname(), mode="root",
                                 is_admin=_is_admin())
        else:
            self.info = HostInfo(os_family=current_os_family(), hostname=socket.gethostname(),
                                 mode="live", is_admin=_is_admin(),
                                 details={"platform": platform.platform()})

    def _root_hostname(self) -> str:
        res = self._read(self._real("/etc/hostname"), "/etc/hostname", 4096)
        return (res.text or "").strip().splitlines()[0] if res.text and res.text.strip() else ""

    def _real(self, path: str) -> str:
        if not self.root:
            return path
        return os.path.join(self.root, path.lstrip("/"))

    def run(self, argv: Sequence[str], timeout: float = 10.0, cwd: str | None = None) -> CommandResult:
        if self.root:
            result = CommandResult(tuple(argv), None, "", "", OFFLINE)
        else:
            p = proc.run(argv, timeout=timeout, cwd=cwd)
            result = CommandResult(p.argv, p.exit_code, p.stdout, p.stderr, p.error, p.duration_ms)
        self.log.add(result)
        return result

    def _read(self, real: str, path: str, max_bytes: int) -> FileResult:
        try:
            if self.root and not os.path.realpath(real).startswith(self.root):
                # A link out of the offline tree would read the auditing machine instead.
                return FileResult(path, None, "outside-root")
            with open(real, "rb") as fh:
                raw = fh.read(max_bytes + 1)
        except FileNotFoundError:
            return FileResult(path, None, "missing")
        except PermissionError:
            return FileResult(path, None, "permission")
        except IsADirectoryError:
            return FileResult(path, None, "is-a-directory")
        except OSError as exc:
            return FileResult(path, None, f"os-error: {exc.strerror or exc}")
        truncated = len(raw) > max_bytes
        return FileResult(path, raw[:max_bytes].decode("utf-8", "replace"), None, truncated)

    def read_text(
        self,
        path: str,
        max_bytes: int = DEFAULT_MAX_BYTES,
        redact: Callable[[str], str] | None = None,
    ) -> FileResult:
        result = self._read(self._real(path), path, max_bytes)
        if redact is not None and result.text is not None:
            result = FileResult(path, redact(result.text), None, result.truncated)
        self.log.add(result)
        return result

    def list_dir(self, path: str) -> DirResult:
        try:
            entries = tuple(sorted(os.listdir(self._real(path))))
            result = DirResult(path, entries)
        except FileNotFoundError:
            result = DirResult(path, (), "missing")
        except PermissionError:
            result = DirResult(path, (), "permission")
        except OSError as exc:
            result = DirResult(path, (), f"os-error: {exc.strerror or exc}")
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
            except PermissionError:
                result = ProbeResult(name, None, "permission")
            except Exception as exc:  # noqa: BLE001 - a probe failure is evidence, not a crash
                result = ProbeResult(name, None, f"{type(exc).__name__}: {exc}"[:300])
        self.log.add(result)
        return result
