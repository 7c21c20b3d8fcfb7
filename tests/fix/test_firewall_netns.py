"""The nftables fix never cuts the IT provider: its ruleset, loaded by the real nft inside
two network namespaces this test creates (a workstation and a neighbour joined by a veth
pair), lets SSH in from the local network and refuses everything else unjustified.

The private addresses below exist only inside those namespaces; 198.51.100.0/24 is the
documentation range (RFC 5737), standing for a machine outside the local network."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dentsec.checks.policy import JustifiedPort
from dentsec.fix.linux.firewall import ruleset

LAN_SERVER, LAN_CLIENT = "192.168.77.1", "192.168.77.2"
FAR_SERVER, FAR_CLIENT = "198.51.100.1", "198.51.100.2"
LISTEN = """
import socket, sys, threading
def serve(port):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port)); s.listen()
    while True:
        c, _ = s.accept(); c.sendall(b"ok"); c.close()
for p in sys.argv[1:]:
    threading.Thread(target=serve, args=(int(p),), daemon=True).start()
print("ready", flush=True)
sys.stdin.read()
"""
CONNECT = """
import socket, sys
s = socket.socket(); s.settimeout(1.5); s.bind((sys.argv[1], 0))
try:
    s.connect((sys.argv[2], int(sys.argv[3]))); print(s.recv(2).decode())
except OSError as exc:
    print(type(exc).__name__)
"""


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


@pytest.fixture
def namespaces() -> Iterator[tuple[str, str]]:
    if os.geteuid() != 0 or not shutil.which("ip") or not shutil.which("nft"):
        pytest.skip("network namespaces need root, ip and nft (.ci/setup.d/60-fix.sh)")
    srv, cli = f"dsfix-poste-{os.getpid()}", f"dsfix-voisin-{os.getpid()}"
    try:
        _ip("netns", "add", srv)
        _ip("netns", "add", cli)
    except subprocess.CalledProcessError as exc:
        pytest.skip(f"cannot create network namespaces here: {exc.stderr!r}")
    try:
        _ip("link", "add", "dsfix0", "netns", srv, "type", "veth", "peer", "name", "dsfix1",
            "netns", cli)
        for ns, dev, addrs in ((srv, "dsfix0", (LAN_SERVER, FAR_SERVER)),
                               (cli, "dsfix1", (LAN_CLIENT, FAR_CLIENT))):
            for addr in addrs:
                _ip("-n", ns, "addr", "add", f"{addr}/24", "dev", dev)
            _ip("-n", ns, "link", "set", dev, "up")
            _ip("-n", ns, "link", "set", "lo", "up")
        yield srv, cli
    finally:
        subprocess.run(["ip", "netns", "del", srv], check=False, capture_output=True)
        subprocess.run(["ip", "netns", "del", cli], check=False, capture_output=True)


def _reach(cli: str, source: str, dest: str, port: int) -> str:
    res = subprocess.run(["ip", "netns", "exec", cli, sys.executable, "-c", CONNECT, source,
                          dest, str(port)], capture_output=True, text=True, timeout=20, check=True)
    return res.stdout.strip()


def test_ssh_stays_open_from_the_lan(namespaces: tuple[str, str], tmp_path: Path) -> None:
    srv, cli = namespaces
    conf = tmp_path / "nftables.conf"
    conf.write_text(ruleset(22, (JustifiedPort(8443, "tcp", "Logiciel du cabinet"),)),
                    encoding="utf-8")
    server = subprocess.Popen(["ip", "netns", "exec", srv, sys.executable, "-c", LISTEN,
                               "22", "8443", "5900"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        # Before: everything answers, from anywhere.
        assert _reach(cli, FAR_CLIENT, FAR_SERVER, 5900) == "ok"
        loaded = subprocess.run(["ip", "netns", "exec", srv, "nft", "-f", str(conf)],
                                capture_output=True, text=True, check=False)
        assert loaded.returncode == 0, loaded.stderr
        # Reloading the same file replaces the table instead of failing or doubling it.
        again = subprocess.run(["ip", "netns", "exec", srv, "nft", "-f", str(conf)],
                               capture_output=True, text=True, check=False)
        assert again.returncode == 0, again.stderr
        assert _reach(cli, LAN_CLIENT, LAN_SERVER, 22) == "ok"  # the provider, from the LAN
        assert _reach(cli, FAR_CLIENT, FAR_SERVER, 22) == "TimeoutError"  # not from outside
        assert _reach(cli, LAN_CLIENT, LAN_SERVER, 5900) == "TimeoutError"  # VNC refused
        assert _reach(cli, FAR_CLIENT, FAR_SERVER, 8443) == "ok"  # justified port kept
    finally:
        server.kill()
        server.wait()


def test_ruleset_passes_nft_check(tmp_path: Path) -> None:
    if not shutil.which("nft") or not shutil.which("unshare") or os.geteuid() != 0:
        pytest.skip("nft -c needs nft and root (.ci/setup.d/60-fix.sh)")
    conf = tmp_path / "nftables.conf"
    conf.write_text(ruleset(2222, (JustifiedPort(53, "udp", 'DNS "local"'),)), encoding="utf-8")
    # A private network namespace: the check never touches this machine's rules.
    res = subprocess.run(["unshare", "-n", "nft", "-c", "-f", str(conf)], capture_output=True,
                         text=True, check=False)
    assert res.returncode == 0, res.stderr
