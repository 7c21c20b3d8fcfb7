"""Listening sockets (Get-NetTCPConnection -State Listen, Get-NetUDPEndpoint) with process names."""

from __future__ import annotations

from typing import Literal

from dentsec.collect.windows.document import Document
from dentsec.collect.windows.psjson import as_dict, as_int, as_list, as_text, prop
from dentsec.facts import ListeningSocket, Network

TCP_LISTEN = 2
"""MSFT_NetTCPConnection State: 2 = Listen."""

SYSTEM_PROCESSES = {"system", "svchost", "lsass", "wininit", "services", "spoolsv"}
SYSTEM_PORTS = {
    ("tcp", 135), ("tcp", 139), ("tcp", 445), ("tcp", 5040), ("tcp", 7680),
    ("udp", 123), ("udp", 137), ("udp", 138), ("udp", 500), ("udp", 1900), ("udp", 3702),
    ("udp", 4500), ("udp", 5050), ("udp", 5353), ("udp", 5355),
}
"""Listeners a default Windows 10/11 opens itself: RPC endpoint mapper, NetBIOS, SMB,
Connected Devices Platform (5040), Delivery Optimization (7680), time, IKE, SSDP, WS-Discovery,
mDNS, LLMNR - when owned by a Windows process."""
RPC_DYNAMIC = range(49664, 49700)
"""RPC endpoints Windows services open at boot (lsass, wininit, services, spoolsv…)."""


def is_system_listener(proto: str, port: int, process: str | None) -> bool:
    if (process or "").lower() not in SYSTEM_PROCESSES:
        return False
    return (proto, port) in SYSTEM_PORTS or (proto == "tcp" and port in RPC_DYNAMIC)


def network(doc: Document) -> Network:
    fam = Network(source="Get-NetTCPConnection -State Listen, Get-NetUDPEndpoint, Get-Process")
    data = as_dict(doc.data("listening"))
    names = {str(k): as_text(v) for k, v in as_dict(prop(data, "processes")).items()}
    seen: set[tuple[str, str, int]] = set()
    for proto in ("tcp", "udp"):
        for raw in as_list(prop(data, proto)):
            socket = listening_socket(proto, raw, names)
            if socket and (socket.proto, socket.address, socket.port) not in seen:
                seen.add((socket.proto, socket.address, socket.port))
                fam.listening.append(socket)
    return fam


def listening_socket(proto: str, raw: object, names: dict[str, str | None]) -> ListeningSocket | None:
    """One socket; a TCP entry whose State is not Listen gives None."""
    address = as_text(prop(raw, "LocalAddress"))
    port = as_int(prop(raw, "LocalPort"))
    if address is None or port is None or not 0 <= port <= 65535:
        return None
    state = prop(raw, "State")
    if proto == "tcp" and state is not None:
        number = as_int(state)
        if number != TCP_LISTEN and (number is not None or as_text(state) != "Listen"):
            return None
    pid = as_int(prop(raw, "OwningProcess"))
    process = names.get(str(pid)) if pid is not None else None
    kind: Literal["tcp", "udp"] = "tcp" if proto == "tcp" else "udp"
    return ListeningSocket(proto=kind, address=address, port=port, pid=pid, process=process,
                           system=is_system_listener(kind, port, process))
