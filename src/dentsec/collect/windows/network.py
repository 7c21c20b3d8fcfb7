"""Listening sockets (Get-NetTCPConnection -State Listen, Get-NetUDPEndpoint) with process names."""

from __future__ import annotations

from dentsec.collect.windows.document import Document
from dentsec.collect.windows.psjson import as_dict, as_int, as_list, as_text, prop
from dentsec.facts import ListeningSocket, Network

TCP_LISTEN = 2
"""MSFT_NetTCPConnection State: 2 = Listen."""


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
    return ListeningSocket(proto="tcp" if proto == "tcp" else "udp", address=address, port=port,
                           pid=pid, process=names.get(str(pid)) if pid is not None else None)
