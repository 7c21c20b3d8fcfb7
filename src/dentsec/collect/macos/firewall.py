"""Rule 6 on macOS: application firewall, remote access, listening ports; and FileVault."""

from __future__ import annotations

import re
from typing import Literal

from dentsec.collect.macos.context import MacContext
from dentsec.collect.macos.plan import (
    FDESETUP_ARGV,
    FIREWALL_ARGV,
    LSOF_ARGV,
    LSOF_TIMEOUT,
    REMOTE_LOGIN_ARGV,
    REMOTE_MANAGEMENT_FLAG,
    REMOTE_MANAGEMENT_MAX_BYTES,
    SSHD_CONFIG_ARGV,
    launchctl_argv,
)
from dentsec.facts import (
    DiskEncryption,
    Firewall,
    FirewallProfile,
    ListeningSocket,
    Network,
    RemoteAccess,
)
from dentsec.host import Host
from dentsec.vocab import ErrorKind

SYSTEM_LISTENERS = frozenset({"rapportd", "ControlCenter", "sharingd", "remoted"})
"""Apple's own default listeners: Continuity (rapportd, sharingd, remoted) and the AirPlay
Receiver on 5000/7000 (ControlCenter). Field output gives full command names."""
LAUNCHCTL_NOT_FOUND = 113
"""launchctl's exit status for "Could not find service … in domain for system"."""


def parse_socketfilterfw(text: str) -> dict[str, bool]:
    """socketfilterfw getters, one line each: "Firewall is enabled. (State = 1)",
    "Firewall has block all state set to disabled." (with block-all on, older releases say
    "Firewall is blocking all non-essential incoming connections."), "Stealth mode
    enabled" or "Firewall stealth mode is off". A garbled state stays unknown."""
    out: dict[str, bool] = {}
    state = re.search(r"Firewall is (enabled|disabled)\.?(.*)", text)
    if state:
        number = re.match(r"\s*\(State = ([0-9])\)", state.group(2))
        if number:
            out["enabled"] = number.group(1) != "0"
        elif "State" not in state.group(2):
            out["enabled"] = state.group(1) == "enabled"
    block = re.search(r"block all state set to (enabled|disabled)", text)
    if block:
        out["block_all"] = block.group(1) == "enabled"
    elif re.search(r"Firewall is blocking all non-essential incoming connections", text):
        out["block_all"] = True
    stealth = re.search(r"[Ss]tealth mode (?:is )?(enabled|disabled|on|off)\b", text)
    if stealth:
        out["stealth"] = stealth.group(1) in ("enabled", "on")
    return out


def collect_firewall(host: Host) -> Firewall:
    res = host.run(FIREWALL_ARGV)
    state = parse_socketfilterfw(res.stdout + "\n" + res.stderr) if res.error is None else {}
    fam = Firewall(backend="socketfilterfw", source="socketfilterfw (application firewall)",
                   installed=True)
    if "enabled" not in state:
        fam.unknown["profiles"] = res.why_not() if res.error else "unrecognised answer"
        return fam
    # The application firewall refuses incoming connections to every program not allowed
    # (signed ones are allowed when "allowsigned" is on): a default-deny with exceptions.
    fam.profiles.append(FirewallProfile(name="application-firewall", enabled=state["enabled"],
                                        default_inbound="block" if state["enabled"] else "allow"))
    extras = [f"{k}={'on' if v else 'off'}" for k, v in state.items() if k != "enabled"]
    fam.source += " " + ", ".join(extras) if extras else ""
    return fam


def parse_remote_login(text: str) -> bool | None:
    """``systemsetup -getremotelogin``: "Remote Login: On" / "Remote Login: Off"."""
    match = re.search(r"Remote Login:\s*(On|Off)\b", text, re.I)
    return None if not match else match.group(1).lower() == "on"


def launchd_loaded(host: Host, label: str) -> tuple[bool | None, str | None]:
    """A system service is on when launchd has it loaded (exit 0); 113 means not loaded."""
    res = host.run(launchctl_argv(label))
    if res.error is None and res.exit_code == 0:
        return True, None
    if res.error is None and res.exit_code == LAUNCHCTL_NOT_FOUND:
        return False, None
    return None, res.why_not()


def collect_remote_access(host: Host, ctx: MacContext) -> RemoteAccess:
    fam = RemoteAccess(source="systemsetup / launchctl print system/<service>, "
                              "RemoteManagement.launchd",
                       not_applicable=["rdp_nla", "smb1_enabled"])
    ssh: bool | None = None
    if ctx.is_admin:  # systemsetup refuses to run without administrator rights
        res = host.run(REMOTE_LOGIN_ARGV)
        ssh = parse_remote_login(res.stdout + "\n" + res.stderr) if res.error is None else None
    why_ssh = None
    if ssh is None:
        ssh, why_ssh = launchd_loaded(host, "com.openssh.sshd")
    fam.ssh_enabled = ssh
    if ssh is None:
        fam.unknown["ssh_enabled"] = why_ssh or "unknown"
    if ssh:
        ssh_settings(host, ctx, fam)

    screen, why_screen = launchd_loaded(host, "com.apple.screensharing")
    flag = host.read_text(REMOTE_MANAGEMENT_FLAG, max_bytes=REMOTE_MANAGEMENT_MAX_BYTES)
    if flag.ok:
        management: bool | None = "enabled" in (flag.text or "")
    elif flag.error == ErrorKind.FILE_MISSING:
        management = False
    else:
        management = None
    fam.vnc_enabled = screen
    if screen is True or management is True:
        fam.rdp_enabled = True
    elif screen is False and management is False:
        fam.rdp_enabled = False
    else:
        fam.unknown["rdp_enabled"] = why_screen or flag.why_not()
    if screen is None:
        fam.unknown["vnc_enabled"] = why_screen or "unknown"
    smb, why_smb = launchd_loaded(host, "com.apple.smbd")
    fam.smb_sharing = smb
    if smb is None:
        fam.unknown["smb_sharing"] = why_smb or "unknown"
    return fam


def parse_sshd_effective(text: str) -> tuple[bool | None, bool | None]:
    """``sshd -T``: the effective settings, one lower-case "keyword value" per line.

    Returns (passwords accepted, root may log in with a password), read as the Linux
    collector reads sshd_config: keyboard-interactive counts when PAM is on (macOS ships
    "UsePAM yes"), and "prohibit-password" keeps root to keys.
    """
    conf: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.strip().split(None, 1)
        if len(parts) == 2:
            conf.setdefault(parts[0].lower(), parts[1].strip().lower())
    password = conf.get("passwordauthentication")
    kbd = conf.get("kbdinteractiveauthentication", conf.get("challengeresponseauthentication"))
    root = conf.get("permitrootlogin")
    pw = None if password is None else (
        password == "yes" or (kbd == "yes" and conf.get("usepam") == "yes"))
    return pw, None if root is None else root == "yes"


def ssh_settings(host: Host, ctx: MacContext, fam: RemoteAccess) -> None:
    if not ctx.is_admin:
        fam.unknown["ssh_password_auth"] = fam.unknown["ssh_root_login"] = (
            "sshd -T needs administrator rights")
        return
    res = host.run(SSHD_CONFIG_ARGV)
    pw, root = parse_sshd_effective(res.stdout) if res.ok else (None, None)
    fam.ssh_password_auth, fam.ssh_root_login = pw, root
    if pw is None:
        fam.unknown["ssh_password_auth"] = res.why_not() if not res.ok else "not stated"
    if root is None:
        fam.unknown["ssh_root_login"] = res.why_not() if not res.ok else "not stated"


def parse_lsof_fields(text: str) -> list[ListeningSocket]:
    """``lsof -F pcPn`` field output: a "p<pid>" line starts a process ("c<command>"
    follows), each "f<fd>" starts one of its files ("P<proto>", "n<addr>:<port>")."""
    out: list[ListeningSocket] = []
    pid: int | None = None
    command: str | None = None
    proto: Literal["tcp", "udp"] = "tcp"
    for line in text.splitlines():
        if not line:
            continue
        tag, value = line[0], line[1:]
        if tag == "p":
            pid = int(value) if value.isascii() and value.isdigit() else None
            command = None
        elif tag == "c":
            command = value or None
        elif tag == "f":
            proto = "tcp"
        elif tag == "P":
            proto = "udp" if value.upper() == "UDP" else "tcp"
        elif tag == "n":
            local = value.split("->", 1)[0]
            addr, sep, port = local.rpartition(":")
            if not sep or not (port.isascii() and port.isdigit()) or int(port) > 65535:
                continue
            addr = addr.strip("[]") or "*"
            out.append(ListeningSocket(proto=proto, address=addr, port=int(port),
                                       process=command, pid=pid,
                                       system=command in SYSTEM_LISTENERS))
    return out


def collect_network(host: Host, ctx: MacContext) -> Network:
    res = host.run(LSOF_ARGV, timeout=LSOF_TIMEOUT)
    fam = Network(source="lsof -iTCP -sTCP:LISTEN")
    # lsof exits 1 when nothing matched: an empty list, not a failure.
    if res.error is None and (res.exit_code == 0 or (res.exit_code == 1 and not res.stdout.strip()
                                                     and not res.stderr.strip())):
        fam.listening = parse_lsof_fields(res.stdout)
        if not ctx.is_admin:
            fam.source += " (not admin: only this user's processes are seen)"
            fam.unknown["listening"] = "not admin: other users' and system listeners not seen"
        return fam
    raise RuntimeError(res.why_not())


def parse_fdesetup_status(text: str) -> tuple[bool | None, str | None]:
    """``fdesetup status``: "FileVault is On." / "FileVault is Off.", maybe followed by
    "Encryption in progress…" or "Decryption in progress…" (then not yet protected)."""
    state = re.search(r"FileVault is (On|Off)", text)
    if not state:
        return None, None
    progress = re.search(r"(Encryption|Decryption) in progress[^\n]*", text)
    if progress:
        return False, progress.group(0).strip()
    return state.group(1) == "On", None


def collect_disk_encryption(host: Host) -> DiskEncryption:
    res = host.run(FDESETUP_ARGV)
    fam = DiskEncryption(method="FileVault", source="fdesetup status")
    encrypted, detail = parse_fdesetup_status(res.stdout + "\n" + res.stderr) \
        if res.error is None else (None, None)
    fam.system_encrypted = encrypted
    fam.detail = detail
    if encrypted is None:
        fam.unknown["system_encrypted"] = res.why_not() if not res.ok else "unrecognised answer"
    return fam
