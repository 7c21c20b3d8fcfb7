from __future__ import annotations

import socket

from dentsec.collect.linux.context import LinuxContext
from dentsec.collect.linux.network import collect_network, sockets_from_probe
from dentsec.host.live import LiveHost


def test_probe_values_become_sockets() -> None:
    socks = sockets_from_probe([
        {"proto": "tcp", "address": "0.0.0.0", "port": 22, "pid": 10, "process": "sshd"},
        {"proto": "udp", "address": "0.0.0.0", "port": 5353, "pid": None, "process": "avahi-daemon"},
    ])
    assert [(s.port, s.system) for s in socks] == [(22, False), (5353, True)]
    assert sockets_from_probe("not a list") == []


def test_a_real_listener_on_loopback_is_seen() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        fam = collect_network(LinuxContext(LiveHost()))
    found = [s for s in fam.listening if s.port == port]
    assert found and found[0].address == "127.0.0.1" and found[0].proto == "tcp"
    assert found[0].pid is not None  # our own process is always visible
