"""Is the system volume on LUKS? lsblk on a live host, fstab + crypttab in an offline tree."""

from __future__ import annotations

import json
from typing import Any

from dentsec.collect.linux.context import LinuxContext
from dentsec.facts import DiskEncryption

LSBLK = ["lsblk", "-J", "-o", "NAME,TYPE,MOUNTPOINT,FSTYPE"]


def _mounts(node: dict[str, Any]) -> list[str]:
    points = node.get("mountpoints")
    if isinstance(points, list):
        return [str(p) for p in points if p]
    return [str(node["mountpoint"])] if node.get("mountpoint") else []


def root_chain(lsblk_json: str) -> list[dict[str, Any]] | None:
    """Devices from the disk down to the one mounted on / (None if / is not a block device)."""
    data = json.loads(lsblk_json)
    roots = data.get("blockdevices") if isinstance(data, dict) else None

    def walk(nodes: Any, chain: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        for node in nodes if isinstance(nodes, list) else []:
            if not isinstance(node, dict):
                continue
            here = [*chain, node]
            if "/" in _mounts(node):
                return here
            found = walk(node.get("children"), here)
            if found:
                return found
        return None

    return walk(roots, [])


def from_lsblk(text: str) -> DiskEncryption:
    fam = DiskEncryption(source="lsblk")
    chain = root_chain(text)
    if chain is None:
        fam.unknown["system_encrypted"] = "/ is not on a block device (container or overlay?)"
        return fam
    crypt = [n for n in chain if n.get("type") == "crypt"]
    fam.system_encrypted = bool(crypt)
    fam.method = "LUKS" if crypt else None
    fam.detail = " > ".join(f"{n.get('name')}({n.get('type')})" for n in chain)
    return fam


def parse_tab(text: str) -> list[list[str]]:
    return [line.split() for line in text.splitlines()
            if line.strip() and not line.strip().startswith("#") and len(line.split()) >= 2]


def from_tabs(fstab: str, crypttab: str | None) -> DiskEncryption:
    """Offline answer: / mounted from a mapper device opened by crypttab."""
    fam = DiskEncryption(source="/etc/fstab + /etc/crypttab")
    root = next((f[0] for f in parse_tab(fstab) if len(f) >= 2 and f[1] == "/"), None)
    if root is None:
        fam.unknown["system_encrypted"] = "no / entry in /etc/fstab"
        return fam
    volumes = [e for e in parse_tab(crypttab or "")
               if not any(o in (e[3] if len(e) > 3 else "") for o in ("swap", "tmp"))]
    names = {e[0] for e in volumes}
    mapper = root.removeprefix("/dev/mapper/") if root.startswith("/dev/mapper/") else None
    fam.detail = f"/ = {root}; crypttab: {', '.join(sorted(names)) or 'none'}"
    if not volumes:
        fam.system_encrypted = False
    elif mapper in names:
        fam.system_encrypted, fam.method = True, "LUKS"
    elif mapper is not None:
        # LVM inside LUKS: / is a logical volume, the encrypted container is in crypttab.
        fam.system_encrypted, fam.method = True, "LUKS (LVM)"
    else:
        fam.unknown["system_encrypted"] = f"/ is {root}, not a device opened by crypttab"
    return fam


def collect_disk_encryption(ctx: LinuxContext) -> DiskEncryption:
    host = ctx.host
    if host.info.runs_commands:
        res = host.run(LSBLK, timeout=10)
        if res.ok:
            try:
                return from_lsblk(res.stdout)
            except ValueError as exc:
                raise RuntimeError(f"lsblk: {exc}") from exc
    fstab = host.read_text("/etc/fstab")
    if fstab.text is None:
        raise RuntimeError(fstab.why_not())
    return from_tabs(fstab.text, host.read_text("/etc/crypttab").text)
