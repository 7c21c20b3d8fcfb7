"""What the Linux fixes share: setting one option in a text file, installed packages,
the accounts of the tree (read through the collector's own context, read-only)."""

from __future__ import annotations

import re

from dentsec.collect.linux.context import LinuxContext, PasswdEntry
from dentsec.collect.linux.packages import DPKG_STATUS, parse_dpkg_status
from dentsec.fix.model import Refused, Setting, Target
from dentsec.host.live import LiveHost

ADMIN_GROUPS = ("sudo", "wheel", "admin")
MARK = "dentsec fix"
"""Written in the comment of every line a fix adds, so a person sees where it came from."""


def set_option(text: str, key: str, value: str, sep: str = " = ",
               comment: str = "") -> tuple[str, Setting]:
    """Give ``key`` the value ``value`` in a ``key = value`` / ``KEY value`` file.

    Every uncommented line of that key is rewritten (readers disagree on first or last
    wins); without one, a line is appended. Comments and order are kept."""
    pattern = re.compile(rf"^(\s*){re.escape(key)}(\s*=\s*|\s+)(.*?)\s*$")
    before: str | None = None
    out: list[str] = []
    found = False
    for line in text.splitlines():
        m = pattern.match(line)
        if m and not line.lstrip().startswith("#"):
            before = m.group(3).split("#", 1)[0].strip() or None
            # Keep the file's own spacing, but never a separator its readers do not take.
            kept = m.group(2) if ("=" in m.group(2)) == ("=" in sep) else sep
            out.append(f"{m.group(1)}{key}{kept}{value}")
            found = True
        else:
            out.append(line)
    if not found:
        if comment:
            out.append(f"# {comment} ({MARK})")
        out.append(f"{key}{sep}{value}")
    return "\n".join(out) + "\n", Setting(key, before, value)


def installed(target: Target, *names: str) -> dict[str, str]:
    """Which of ``names`` dpkg says are installed (Debian and Ubuntu)."""
    status = target.text(DPKG_STATUS)
    if status is None:
        raise Refused("Ces correctifs connaissent les systèmes Debian et Ubuntu (base dpkg "
                      f"{DPKG_STATUS} absente) : suivez la consigne de « dentsec explain ».",
                      "These fixes know Debian and Ubuntu systems (no dpkg database "
                      f"{DPKG_STATUS}): follow 'dentsec explain'.")
    return parse_dpkg_status(status, frozenset(names))



def need_package(target: Target, package: str) -> None:
    if package not in installed(target, package):
        raise Refused(f"Le paquet {package} n'est pas installé : installez-le d'abord "
                      f"(sudo apt-get install {package}), puis relancez dentsec fix.",
                      f"Package {package} is not installed: install it first "
                      f"(sudo apt-get install {package}), then run dentsec fix again.")


def context(target: Target) -> LinuxContext:
    return LinuxContext(LiveHost(root=None if target.live else target.root))


def people(target: Target) -> list[PasswdEntry]:
    users, why = context(target).human_users()
    if users is None:
        raise Refused(f"Comptes du poste illisibles : {why}", f"Accounts unreadable: {why}")
    return users


def admins(target: Target) -> list[PasswdEntry]:
    """People in an administrators' group (sudo, wheel, admin)."""
    groups, _ = context(target).groups()
    members = {m for g in ADMIN_GROUPS for m in (groups or {}).get(g, (None, []))[1]}
    return [u for u in people(target) if u.name in members]


def pam_module_present(target: Target, module: str) -> bool:
    """Whether a PAM module file is installed (multiarch, lib64 and plain layouts)."""
    folders = ["/lib/security", "/lib64/security", "/usr/lib/security", "/usr/lib64/security"]
    for top in ("/lib", "/usr/lib"):
        folders += [f"{top}/{d}/security" for d in target.list_dir(top) if "-linux-" in d]
    return any(target.exists(f"{folder}/{module}") for folder in folders)


def need_pam_module(target: Target, module: str, package: str) -> None:
    """A PAM line naming a missing module would refuse every password: never write one."""
    if not pam_module_present(target, module):
        raise Refused(f"Le module {module} n'est pas installé : installez-le d'abord "
                      f"(sudo apt-get install {package}), puis relancez dentsec fix.",
                      f"The module {module} is not installed: install it first "
                      f"(sudo apt-get install {package}), then run dentsec fix again.")


def unit_file(target: Target, unit: str) -> str | None:
    """Where a systemd unit is installed, if it is."""
    for folder in ("/lib/systemd/system", "/usr/lib/systemd/system"):
        if target.exists(f"{folder}/{unit}"):
            return f"{folder}/{unit}"
    return None
