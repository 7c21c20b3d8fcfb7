"""Listening sockets of the running machine (psutil); processes of other users need root."""

from __future__ import annotations

from typing import Any

from dentsec.collect.linux.context import LinuxContext
from dentsec.facts import ListeningSocket, Network


def _listening(_root: str) -> list[dict[str, Any]]:
    import socket

    import psutil

    names: dict[int, str | None] = {}
    out: list[dict[str, Any]] = []
    for conn in psutil.net_connections(kind="inet"):
        tcp = conn.type == socket.SOCK_STREAM
        if (tcp and conn.status != psutil.CONN_LISTEN) or (not tcp and conn.raddr):
            continue
        if not conn.laddr:
            continue
        pid = conn.pid
        if pid is not None and pid not in names:
            try:
                names[pid] = psutil.Process(pid).name()
            except (psutil.Error, OSError):
                names[pid] = None
        out.append({"proto": "tcp" if tcp else "udp", "address": conn.laddr.ip,
                     "port": conn.laddr.port, "pid": pid,
                     "process": names.get(pid) if pid is not None else None})
    unique = {(s["proto"], s["address"], s["port"]): s for s in out}
    return sorted(unique.values(), key=lambda s: (s["proto"], s["port"], s["address"]))


# Listeners a stock Debian/Ubuntu/Fedora desktop opens by itself: (proto, port, process).
SYSTEM_LISTENERS = {
    ("udp", 68, "dhclient"), ("udp", 68, "NetworkManager"), ("udp", 546, "NetworkManager"),
    ("udp", 5353, "avahi-daemon"), ("udp", 631, "cups-browsed"), ("udp", 323, "chronyd"),
}


def sockets_from_probe(value: Any) -> list[ListeningSocket]:
    out: list[ListeningSocket] = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict):
            sock = ListeningSocket.model_validate(item)
            sock.system = (sock.proto, sock.port, sock.process or "") in SYSTEM_LISTENERS
            out.append(sock)
    return out


def collect_network(ctx: LinuxContext) -> Network:
    res = ctx.host.probe("listening-sockets", _listening, live_only=True)
    if not res.ok:
        raise RuntimeError(f"listening sockets: {res.error}")
    fam = Network(source="psutil.net_connections", listening=sockets_from_probe(res.value))
    if not ctx.host.info.is_admin and any(s.pid is None for s in fam.listening):
        fam.unknown["process"] = "processes of other users are only visible to root"
    return fam
