"""Remote access: OpenSSH server settings, xrdp/GNOME remote desktop, VNC servers, Samba."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field

from dentsec.collect.linux import dconf
from dentsec.collect.linux.context import LinuxContext
from dentsec.facts import RemoteAccess

SSHD_CONFIG = "/etc/ssh/sshd_config"
SSHD_TEST = ["/usr/sbin/sshd", "-T"]
SSH_UNITS = ("ssh.service", "sshd.service", "ssh.socket")
VNC_PACKAGES = ("x11vnc", "tigervnc-standalone-server", "tigervnc-server", "tightvncserver",
                "vino", "realvnc-vnc-server")
VNC_PROCESSES = ("x11vnc", "Xvnc", "vino-server")
OLD_SMB = ("NT1", "LANMAN1", "LANMAN2", "CORE", "COREPLUS")


@dataclass
class SshdSettings:
    values: dict[str, str] = field(default_factory=dict)
    """Global settings, first value wins (as sshd reads them), keys lowercased."""
    in_match: dict[str, list[str]] = field(default_factory=dict)
    """Values set inside Match blocks (apply to some users or addresses only)."""


def parse_sshd(lines: list[str]) -> SshdSettings:
    out = SshdSettings()
    in_match = False
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = re.split(r"\s*=\s*|\s+", line, maxsplit=1)
        key = parts[0].lower()
        value = parts[1].strip().strip('"') if len(parts) > 1 else ""
        if key == "match":
            in_match = value.lower() != "all"
            continue
        if in_match:
            out.in_match.setdefault(key, []).append(value.lower())
        else:
            out.values.setdefault(key, value.lower())
    return out


def ssh_password_and_root(settings: SshdSettings) -> tuple[bool, bool]:
    """(passwords accepted, root may log in with a password), OpenSSH defaults applied."""
    def on(key: str, default: str, yes: tuple[str, ...] = ("yes",)) -> bool:
        global_on = settings.values.get(key, default) in yes
        return global_on or any(v in yes for v in settings.in_match.get(key, []))

    kbd_key = "kbdinteractiveauthentication" if (
        "kbdinteractiveauthentication" in settings.values
        or "challengeresponseauthentication" not in settings.values
    ) else "challengeresponseauthentication"
    password = on("passwordauthentication", "yes") or (
        on(kbd_key, "yes") and on("usepam", "no"))
    return password, on("permitrootlogin", "prohibit-password")


def _expand(ctx: LinuxContext, path: str, depth: int = 0) -> list[str]:
    """Config lines with Include directives replaced by the included files, in order."""
    res = ctx.host.read_text(path)
    if res.text is None or depth > 4:
        return []
    lines: list[str] = []
    for line in res.text.splitlines():
        words = line.split("#", 1)[0].split()
        if words and words[0].lower() == "include":
            for pattern in words[1:]:
                full = pattern if pattern.startswith("/") else f"/etc/ssh/{pattern}"
                folder, _, glob = full.rpartition("/")
                for name in ctx.host.list_dir(folder).entries:
                    if fnmatch.fnmatch(name, glob):
                        lines += _expand(ctx, f"{folder}/{name}", depth + 1)
        else:
            lines.append(line)
    return lines


def _ssh(ctx: LinuxContext, fam: RemoteAccess, pkgs: dict[str, str]) -> None:
    if "openssh-server" not in pkgs:
        fam.ssh_enabled = fam.ssh_password_auth = fam.ssh_root_login = False
        return
    running, _ = ctx.running()
    units, why = ctx.enabled_units()
    if running is not None:
        fam.ssh_enabled = "sshd" in running or any(u in units for u in SSH_UNITS)
    elif not why:
        fam.ssh_enabled = any(u in units for u in SSH_UNITS)
    else:
        fam.unknown["ssh_enabled"] = why
    if ctx.host.info.runs_commands and ctx.host.info.is_admin:
        test = ctx.host.run(SSHD_TEST, timeout=10)
        if test.ok:
            fam.ssh_password_auth, fam.ssh_root_login = ssh_password_and_root(
                parse_sshd(test.stdout.splitlines()))
            return
    config = ctx.host.read_text(SSHD_CONFIG)
    if not config.ok:
        fam.unknown["ssh_password_auth"] = fam.unknown["ssh_root_login"] = config.why_not()
        return
    settings = parse_sshd(_expand(ctx, SSHD_CONFIG))
    fam.ssh_password_auth, fam.ssh_root_login = ssh_password_and_root(settings)


def _gnome_remote(ctx: LinuxContext) -> tuple[bool, bool]:
    """(RDP, VNC) sharing switched on in GNOME Settings by a person."""
    users, _ = ctx.human_users()
    rdp = vnc = False
    for user in users or []:
        home = user.home.rstrip("/")
        probe = ctx.host.probe(f"dconf-user-db:{home}", dconf.user_db_probe(home))
        values = probe.value if probe.ok and isinstance(probe.value, dict) else {}
        rdp |= values.get("/org/gnome/desktop/remote-desktop/rdp/enable") is True
        vnc |= values.get("/org/gnome/desktop/remote-desktop/vnc/enable") is True
        vnc |= values.get("/org/gnome/desktop/remote-access/enabled") is True  # vino
    return rdp, vnc


def _active(ctx: LinuxContext, processes: tuple[str, ...], unit_words: tuple[str, ...]) -> bool | None:
    running, _ = ctx.running()
    units, why = ctx.enabled_units()
    if running is not None and any(p in running for p in processes):
        return True
    if why and running is None:
        return None
    return any(word in unit for unit in units for word in unit_words)


def collect_remote_access(ctx: LinuxContext) -> RemoteAccess:
    fam = RemoteAccess(source="packages, services, sshd_config (or sshd -T as root), smb.conf")
    fam.not_applicable.append("rdp_nla")
    pkgs, why = ctx.packages()
    if pkgs is None:
        raise RuntimeError(why)
    _ssh(ctx, fam, pkgs)
    gnome_rdp, gnome_vnc = (_gnome_remote(ctx) if "gnome-remote-desktop" in pkgs or "vino" in pkgs
                            else (False, False))
    if "gnome-remote-desktop" in pkgs:
        # GNOME 46+ can also share the login screen through a system service.
        units, _ = ctx.enabled_units()
        gnome_rdp |= "gnome-remote-desktop.service" in units
    if "xrdp" in pkgs:
        fam.rdp_enabled = gnome_rdp or _active(ctx, ("xrdp",), ("xrdp",))
    else:
        fam.rdp_enabled = gnome_rdp
    if any(p in pkgs for p in VNC_PACKAGES):
        fam.vnc_enabled = gnome_vnc or _active(ctx, VNC_PROCESSES, ("vnc", "vino"))
    else:
        fam.vnc_enabled = gnome_vnc
    if "samba" in pkgs:
        fam.smb_sharing = _active(ctx, ("smbd",), ("smbd", "samba"))
        conf = ctx.host.read_text("/etc/samba/smb.conf")
        if conf.text is None:
            fam.unknown["smb1_enabled"] = conf.why_not()
        else:
            m = re.search(r"^\s*(?:server\s+)?min\s+protocol\s*=\s*(\w+)", conf.text, re.M | re.I)
            fam.smb1_enabled = bool(m) and m is not None and m.group(1).upper() in OLD_SMB
    else:
        fam.smb_sharing = fam.smb1_enabled = False
    for name in ("rdp_enabled", "vnc_enabled", "smb_sharing"):
        if getattr(fam, name) is None:
            fam.unknown[name] = "service state unknown (no process list, no systemd units)"
    return fam
