"""Remote access: Remote Desktop, OpenSSH server, VNC services, SMB sharing and SMBv1.

* RDP: ``fDenyTSConnections`` = 0 accepts connections (the Terminal Services policy key
  overrides the system one); ``UserAuthentication`` = 1 requires Network Level
  Authentication. The "Remote Desktop" firewall rules are kept in the detail.
* SSH: the OpenSSH server service ``sshd`` set to start or running; its sshd_config is not
  read, so password authentication stays unknown while it is on. Root login does not
  exist on Windows.
* SMB: ``Get-SmbServerConfiguration`` EnableSMB1Protocol (administrator rights needed),
  else the ``SMB1`` value of LanmanServer\\Parameters; shares that are not the special
  administrative ones (C$, ADMIN$, IPC$) mean the PC shares folders.
"""

from __future__ import annotations

from dentsec.collect.windows.document import Document, PartMissing
from dentsec.collect.windows.psjson import as_bool, as_list, prop
from dentsec.collect.windows.registry import Registry
from dentsec.collect.windows.services import services
from dentsec.facts import RemoteAccess

TS_KEY = r"SYSTEM\CurrentControlSet\Control\Terminal Server"
TS_POLICY = r"SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services"
RDP_TCP = r"SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp"
LANMAN = r"SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters"


def remote_access(doc: Document) -> RemoteAccess:
    fam = RemoteAccess(source="registry (Terminal Server, LanmanServer), Get-Service, "
                              "Get-SmbServerConfiguration, Get-SmbShare",
                       not_applicable=["ssh_root_login"])
    try:
        reg: Registry | None = Registry(doc.data("registry"))
    except PartMissing as exc:
        reg = None
        for name in ("rdp_enabled", "rdp_nla"):
            fam.unknown[name] = str(exc)
    if reg is not None:
        deny = _first(reg, [("HKLM", TS_POLICY), ("HKLM", TS_KEY)], "fDenyTSConnections", fam, "rdp_enabled")
        fam.rdp_enabled = None if deny is None else deny == 0
        nla = _first(reg, [("HKLM", TS_POLICY), ("HKLM", RDP_TCP)], "UserAuthentication", fam, "rdp_nla")
        fam.rdp_nla = None if nla is None else nla == 1
    _services(doc, fam)
    _smb(doc, reg, fam)
    return fam


def _first(reg: Registry, keys: list[tuple[str, str]], name: str, fam: RemoteAccess,
           field: str) -> int | None:
    """The first value present among ``keys`` (policy first); unknown if one is unreadable."""
    for hive, key in keys:
        value = reg.get(hive, key, name)
        if not value.known:
            fam.unknown[field] = value.why
            return None
        if value.present and value.dword() is not None:
            return value.dword()
    fam.unknown[field] = f"{name} is not set"
    return None


def _services(doc: Document, fam: RemoteAccess) -> None:
    found = services(doc)
    if found is None:
        why = doc.why_not("services")
        fam.unknown.update({"ssh_enabled": why, "vnc_enabled": why})
        return
    sshd = found.get("sshd")
    fam.ssh_enabled = bool(sshd and (sshd.running or sshd.start_type == "automatic"))
    if fam.ssh_enabled:
        fam.unknown["ssh_password_auth"] = "sshd_config is not read on Windows"
    else:
        fam.not_applicable.append("ssh_password_auth")
    fam.vnc_enabled = any("vnc" in name and (s.running or s.start_type == "automatic")
                          for name, s in found.items())


def _smb(doc: Document, reg: Registry | None, fam: RemoteAccess) -> None:
    try:
        fam.smb1_enabled = as_bool(prop(doc.data("smb_server"), "EnableSMB1Protocol"))
        if fam.smb1_enabled is None:
            fam.unknown["smb1_enabled"] = "EnableSMB1Protocol not reported"
    except PartMissing as exc:
        value = reg.get("HKLM", LANMAN, "SMB1") if reg is not None else None
        if value is not None and value.known and value.present and value.dword() in (0, 1):
            fam.smb1_enabled = value.dword() == 1
        else:
            fam.unknown["smb1_enabled"] = str(exc)
    try:
        shares = as_list(doc.data("smb_shares"))
        fam.smb_sharing = any(as_bool(prop(s, "Special")) is False for s in shares)
    except PartMissing as exc:
        fam.unknown["smb_sharing"] = str(exc)
