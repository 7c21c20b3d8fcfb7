"""What several Linux collectors need, read once per collection (collectors run in threads)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from dentsec.collect.linux import packages
from dentsec.collect.linux.textconf import parse_spaced, to_int
from dentsec.host import Host
from dentsec.vocab import ErrorKind

T = TypeVar("T")

NO_LOGIN_SHELLS = ("nologin", "false", "sync", "halt", "shutdown")

WATCHED_PROCESSES = (
    "clamd", "clamonacc", "freshclam", "sshd", "xrdp", "x11vnc", "Xvnc", "vino-server",
    "smbd", "gnome-remote-desktop-daemon", "krfb", "anydesk", "teamviewerd", "rustdesk",
    "wdavdaemon",
)


@dataclass(frozen=True)
class PasswdEntry:
    name: str
    uid: int
    gid: int
    gecos: str
    home: str
    shell: str

    @property
    def can_log_in(self) -> bool:
        return bool(self.shell) and not self.shell.rstrip("/").endswith(NO_LOGIN_SHELLS)


def parse_passwd(text: str) -> list[PasswdEntry]:
    out: list[PasswdEntry] = []
    for line in text.splitlines():
        parts = line.split(":")
        if len(parts) != 7 or not parts[0] or parts[0].startswith(("+", "-", "#")):
            continue
        uid, gid = to_int(parts[2]), to_int(parts[3])
        if uid is None or gid is None:
            continue
        out.append(PasswdEntry(parts[0], uid, gid, parts[4], parts[5], parts[6].strip()))
    return out


def parse_group(text: str) -> dict[str, tuple[int | None, list[str]]]:
    """group name -> (gid, members)."""
    out: dict[str, tuple[int | None, list[str]]] = {}
    for line in text.splitlines():
        parts = line.split(":")
        if len(parts) != 4 or not parts[0]:
            continue
        members = [m.strip() for m in parts[3].split(",") if m.strip()]
        out[parts[0]] = (to_int(parts[2]), members)
    return out


def _running(_root: str) -> list[str]:
    import psutil

    seen: set[str] = set()
    for proc in psutil.process_iter(["name"]):
        name = proc.info.get("name") or ""
        if name in WATCHED_PROCESSES:
            seen.add(name)
    return sorted(seen)


class LinuxContext:
    """Lazy, thread-safe, once-only lookups shared by the collectors of one collection."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self._cache: dict[str, Any] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _once(self, key: str, fn: Callable[[], T]) -> T:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._cache:
                self._cache[key] = fn()
            value: T = self._cache[key]
            return value

    def login_defs(self) -> dict[str, str]:
        def read() -> dict[str, str]:
            res = self.host.read_text("/etc/login.defs")
            return parse_spaced(res.text) if res.text is not None else {}
        return self._once("login.defs", read)

    def passwd(self) -> tuple[list[PasswdEntry] | None, str]:
        def read() -> tuple[list[PasswdEntry] | None, str]:
            res = self.host.read_text("/etc/passwd")
            return (parse_passwd(res.text), "") if res.text is not None else (None, res.why_not())
        return self._once("passwd", read)

    def groups(self) -> tuple[dict[str, tuple[int | None, list[str]]] | None, str]:
        def read() -> tuple[dict[str, tuple[int | None, list[str]]] | None, str]:
            res = self.host.read_text("/etc/group")
            return (parse_group(res.text), "") if res.text is not None else (None, res.why_not())
        return self._once("group", read)

    def uid_range(self) -> tuple[int, int]:
        defs = self.login_defs()
        return to_int(defs.get("UID_MIN")) or 1000, to_int(defs.get("UID_MAX")) or 60000

    def human_users(self) -> tuple[list[PasswdEntry] | None, str]:
        """People's accounts: uid within UID_MIN..UID_MAX and a login shell."""
        users, why = self.passwd()
        if users is None:
            return None, why
        low, high = self.uid_range()
        return [u for u in users if low <= u.uid <= high and u.can_log_in], ""

    def packages(self) -> tuple[dict[str, str] | None, str]:
        return self._once("packages", lambda: packages.installed_packages(self.host))

    def exists(self, path: str) -> bool:
        res = self.host.read_text(path, max_bytes=0)
        return res.ok or res.error == ErrorKind.IS_A_DIRECTORY

    def enabled_units(self) -> tuple[set[str], str]:
        """systemd units enabled system-wide (links in /etc/systemd/system/*.wants)."""
        def read() -> tuple[set[str], str]:
            top = self.host.list_dir("/etc/systemd/system")
            if not top.ok:
                return set(), f"/etc/systemd/system: {top.error}"
            units: set[str] = set()
            for entry in top.entries:
                if entry.endswith(".wants"):
                    sub = self.host.list_dir(f"/etc/systemd/system/{entry}")
                    units.update(sub.entries)
            return units, ""
        return self._once("units", read)

    def running(self) -> tuple[set[str] | None, str]:
        """Names of watched processes running now (live hosts only)."""
        def read() -> tuple[set[str] | None, str]:
            res = self.host.probe("running-processes:watched", _running, live_only=True)
            if res.ok and isinstance(res.value, list):
                return {str(v) for v in res.value}, ""
            return None, f"processes: {res.error}"
        return self._once("running", read)
