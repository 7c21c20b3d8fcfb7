"""Screen lock after inactivity, per desktop user (GNOME dconf, KDE kscreenlockerrc)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dentsec.collect.linux import dconf
from dentsec.collect.linux.context import LinuxContext, PasswdEntry
from dentsec.collect.linux.textconf import parse_ini, to_int
from dentsec.facts import ScreenLock

IDLE = "/org/gnome/desktop/session/idle-delay"
LOCK = "/org/gnome/desktop/screensaver/lock-enabled"
LOCK_DELAY = "/org/gnome/desktop/screensaver/lock-delay"
# GNOME schema defaults (gsettings-desktop-schemas).
GNOME_DEFAULTS: dict[str, Any] = {IDLE: 300, LOCK: True, LOCK_DELAY: 0}
DESKTOP_PACKAGES = ("gnome-shell", "plasma-workspace", "xfce4-session", "cinnamon",
                    "mate-session-manager", "lxqt-session", "lxsession", "budgie-desktop",
                    "gdm3", "lightdm", "sddm", "xserver-xorg-core", "xwayland")
SYSTEM_POLICY = "politique système / system policy"
"""per_user entry for the lock every future session gets from the system databases."""
KDE_MARKERS = ("kscreenlockerrc", "kdeglobals", "plasmashellrc")
SESSION_DIRS = ("/usr/share/xsessions", "/usr/share/wayland-sessions")
DB_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*")
"""A dconf database name (a file in /etc/dconf/db): never a path."""
GNOME_SESSIONS = ("gnome", "ubuntu", "pop")
"""Session names whose lock is GNOME's (GNOME Shell and the distributions' variants)."""


def installed_sessions(ctx: LinuxContext) -> list[str]:
    """Desktop sessions offered at login, e.g. ["gnome", "cinnamon"] (file names, lowercase)."""
    names: list[str] = []
    for folder in SESSION_DIRS:
        names += [e.removesuffix(".desktop").lower() for e in ctx.host.list_dir(folder).entries
                  if e.endswith(".desktop")]
    return sorted(set(names))


def chosen_session(ctx: LinuxContext, user: PasswdEntry) -> str | None:
    """The session a person logs into (AccountsService, else ~/.dmrc), lowercase."""
    for path in (f"/var/lib/AccountsService/users/{user.name}", f"{user.home.rstrip('/')}/.dmrc"):
        text = ctx.host.read_text(path, max_bytes=8192).text
        for values in parse_ini(text or "").values():
            for key in ("Session", "XSession"):
                if values.get(key):
                    return values[key].strip().lower()
    return None


def is_gnome(session: str) -> bool:
    return session.startswith(GNOME_SESSIONS)


@dataclass(frozen=True)
class UserLock:
    enabled: bool
    timeout_seconds: int | None
    summary: str


@dataclass
class SystemDconf:
    values: dict[str, Any]
    locks: set[str]
    problem: str = ""
    """Why a system database named in the profile could not be read (GNOME is then unknown)."""


def gnome_lock(user_values: dict[str, Any], system: SystemDconf) -> UserLock:
    """Effective GNOME lock: a system lock beats the user, the user beats system defaults."""
    def get(key: str) -> Any:
        if key in system.locks and key in system.values:
            return system.values[key]
        if key in user_values:
            return user_values[key]
        return system.values.get(key, GNOME_DEFAULTS[key])

    idle, lock, delay = get(IDLE), get(LOCK), get(LOCK_DELAY)
    idle = idle if isinstance(idle, int) and not isinstance(idle, bool) else 300
    delay = delay if isinstance(delay, int) and not isinstance(delay, bool) else 0
    if lock is not True:
        return UserLock(False, None, "GNOME: verrouillage désactivé / lock disabled")
    if idle == 0:
        return UserLock(False, None, "GNOME: mise en veille jamais / blank screen never")
    return UserLock(True, idle + delay, f"GNOME: {idle + delay} s")


def kde_lock(system_rc: str, user_rc: str | None) -> UserLock:
    """KDE Plasma: [Daemon] Autolock (default true), Timeout minutes (default 5)."""
    daemon = dict(parse_ini(system_rc).get("Daemon", {}))
    if user_rc is not None:
        daemon.update(parse_ini(user_rc).get("Daemon", {}))
    if daemon.get("Autolock", "true").strip().lower() == "false":
        return UserLock(False, None, "KDE: verrouillage automatique désactivé / autolock off")
    minutes = to_int(daemon.get("Timeout")) if "Timeout" in daemon else 5
    if minutes is None or minutes <= 0:
        return UserLock(False, None, "KDE: délai invalide / invalid timeout")
    grace = to_int(daemon.get("LockGrace")) or 0
    return UserLock(True, minutes * 60 + grace, f"KDE: {minutes} min")


def _system_dconf(ctx: LinuxContext) -> SystemDconf:
    """The compiled system databases named in /etc/dconf/profile/user (what dconf reads),
    and why they could not be read. Keyfiles in NAME.d/ take effect only once compiled
    (``dconf update``): a database never compiled is no policy."""
    host = ctx.host
    profile = host.read_text("/etc/dconf/profile/user").text or ""
    names = [line.split(":", 1)[1].strip() for line in profile.splitlines()
             if line.strip().startswith("system-db:")]
    system = SystemDconf({}, set())
    problems = []
    # The first system database listed has the highest priority: apply it last.
    for name in reversed(names):
        if not DB_NAME.fullmatch(name):
            problems.append(f"/etc/dconf/profile/user: invalid database name {name[:40]!r}")
            continue
        probe = host.probe(f"dconf-system-db:{name}", dconf.system_db_probe(name))
        if not probe.ok:
            problems.append(f"/etc/dconf/db/{name}: {probe.error}")
        elif isinstance(probe.value, dict):
            system.values.update(probe.value.get("values") or {})
            system.locks |= set(probe.value.get("locks") or [])
    system.problem = "; ".join(problems)[:300]
    return system


def desktop_installed(ctx: LinuxContext) -> bool | None:
    """A graphical desktop is installed: its sessions are offered at login, or one of the
    desktop or display-manager packages is installed. None without either evidence."""
    if any(ctx.exists(d) for d in SESSION_DIRS):
        return True
    pkgs, _ = ctx.packages()
    if pkgs is None:
        return None
    return any(p in pkgs for p in DESKTOP_PACKAGES)


def system_policy(system: SystemDconf) -> bool:
    """The system databases set the screen lock (idle delay or lock switch)."""
    return IDLE in system.values or LOCK in system.values


def user_lock(ctx: LinuxContext, user: PasswdEntry, system: SystemDconf,
              kde_system: str) -> tuple[UserLock | None, str]:
    """The lock of one person; (None, "") when they have no desktop settings at all."""
    host = ctx.host
    home = user.home.rstrip("/")
    config = host.list_dir(f"{home}/.config")
    if config.error == "missing":
        return None, ""
    if not config.ok:
        return None, f"{config.path}: {config.error}"
    if any(m in config.entries for m in KDE_MARKERS):
        rc = host.read_text(f"{home}/.config/kscreenlockerrc")
        if rc.text is None and rc.error != "missing":
            return None, rc.why_not()
        return kde_lock(kde_system, rc.text), ""
    if "dconf" in config.entries:
        others = [name for name in installed_sessions(ctx) if not is_gnome(name)
                  and not name.startswith("plasma")]
        if others:
            # Cinnamon, MATE, Xfce… also keep settings in dconf, under other keys.
            session = chosen_session(ctx, user)
            if session is None or not is_gnome(session):
                return None, (f"{user.name}: session {session or '?'} "
                              f"(installed: {', '.join(others)}) - only GNOME and KDE are read")
        if system.problem:
            return None, system.problem
        probe = host.probe(f"dconf-user-db:{home}", dconf.user_db_probe(home))
        if not probe.ok:
            return None, f"{home}/.config/dconf/user: {probe.error}"
        values = probe.value if isinstance(probe.value, dict) else {}
        return gnome_lock(values, system), ""
    return None, ""


def collect_screen_lock(ctx: LinuxContext) -> ScreenLock:
    users, why = ctx.human_users()
    if users is None:
        raise RuntimeError(why)
    fam = ScreenLock(source="GNOME dconf (user + system databases) / KDE kscreenlockerrc")
    system = _system_dconf(ctx)
    kde_system = ctx.host.read_text("/etc/xdg/kscreenlockerrc").text or ""
    locks: list[UserLock] = []
    problems: list[str] = []
    for user in users:
        lock, problem = user_lock(ctx, user, system, kde_system)
        if lock is not None:
            locks.append(lock)
            fam.per_user[user.name] = lock.summary
        elif problem:
            problems.append(problem)
            fam.per_user[user.name] = "inconnu / unknown"
    if any(not lock.enabled for lock in locks):
        fam.enabled = False
        fam.require_password = False
    elif problems:
        for field in ("enabled", "timeout_seconds", "require_password"):
            fam.unknown[field] = "; ".join(problems)[:500]
    elif locks:
        fam.enabled = True
        fam.require_password = True  # GNOME and KDE lock screens always ask the password
        fam.timeout_seconds = max(lock.timeout_seconds or 0 for lock in locks)
    elif system_policy(system) and not system.problem:
        # No session yet: the system policy is what every new GNOME session starts with.
        lock = gnome_lock({}, system)
        fam.per_user[SYSTEM_POLICY] = lock.summary
        fam.enabled = fam.require_password = lock.enabled
        fam.timeout_seconds = lock.timeout_seconds
    elif desktop_installed(ctx) is False:
        # Seen absent: no desktop, hence no graphical session to lock (a server, a kiosk).
        fam.not_applicable += ["enabled", "timeout_seconds", "require_password"]
        fam.source = "no graphical desktop installed (no X11/Wayland session, no desktop package)"
    else:
        for field in ("enabled", "timeout_seconds", "require_password"):
            fam.unknown[field] = "; ".join(filter(None, [
                "no desktop user has GNOME or KDE settings yet", system.problem]))
    if fam.enabled is False and problems:
        fam.unknown["timeout_seconds"] = "; ".join(problems)[:500]
    return fam
