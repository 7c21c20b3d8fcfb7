"""`dentsec scan` failures a user can meet, each told clearly: no nmap, a bad port list, the
time limit, a PDF without a file. Only loopback is ever scanned here."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dentsec.errors import DentsecError
from dentsec.scan import nmap
from dentsec.scan.targets import parse_targets

DENTSEC = str(Path(sys.executable).with_name("dentsec"))


def _dentsec(*args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DENTSEC_LANG": "fr"}
    if path is not None:
        env["PATH"] = path
    return subprocess.run([DENTSEC, "scan", *args], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


def test_nmap_missing_says_how_to_install_it(tmp_path: Path) -> None:
    r = _dentsec("127.0.0.1", path=str(tmp_path))
    assert r.returncode == 2
    assert "Le scan du réseau utilise nmap, qui n'est pas installé" in r.stderr
    assert "sudo apt install nmap" in r.stderr
    r = _dentsec("--lang", "en", "127.0.0.1", path=str(tmp_path))
    assert r.returncode == 2 and "which is not installed: install it" in r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize("ports", ["80,abc", "0", "70000", "443-80", ","])
def test_a_bad_port_list_is_refused(ports: str) -> None:
    r = _dentsec("127.0.0.1", "--ports", ports)
    assert r.returncode == 2 and "port" in r.stderr.lower() and r.stdout == ""


@given(st.text(max_size=30))
def test_any_port_list_is_understood_or_refused_with_a_reason(text: str) -> None:
    try:
        tcp, udp = nmap.parse_port_list(text)
    except DentsecError as exc:
        assert exc.fr and exc.en
        return
    assert (tcp or udp) and all(1 <= p <= 65535 for p in tcp | udp)


@given(st.frozensets(st.integers(1, 65535), min_size=1, max_size=50))
def test_compact_lists_round_trip(ports: frozenset[int]) -> None:
    assert nmap.parse_port_list(nmap.compact(ports))[0] == ports


def test_port_lists() -> None:
    assert nmap.parse_port_list("80,443,8000-8002,U:1900,53") == (
        frozenset({80, 443, 8000, 8001, 8002}), frozenset({1900, 53}))
    assert nmap.compact(frozenset({1, 2, 3, 5, 7, 8})) == "1-3,5,7-8"


def test_pdf_goes_to_a_file() -> None:
    r = _dentsec("127.0.0.1", "--format", "pdf")
    assert r.returncode == 2 and "--output" in r.stderr


def test_argv_is_a_list_with_the_targets_last() -> None:
    targets = parse_targets(["192.168.1.0/24", "fd00::5"])
    plan = nmap.PortPlan("80", frozenset({80}), frozenset({1900}))
    v4 = nmap.build_argv("nmap", targets[:1], plan, raw=True, host_timeout_s=60)
    assert v4[-1] == "192.168.1.0/24" and "-6" not in v4
    assert v4[v4.index("-p") + 1] == "T:80,U:1900" and "-sU" in v4 and "-n" in v4
    v6 = nmap.build_argv("nmap", targets[1:], plan, raw=False, host_timeout_s=60)
    assert v6[-2:] == ["-6", "fd00::5"] and "-sT" in v6
    assert v6[v6.index("-p") + 1] == "T:80"  # no UDP scan without privileges


@pytest.fixture
def silent_listener() -> Iterator[int]:
    """A loopback service that accepts and never speaks: nmap's version probes wait on it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.mark.skipif(shutil.which("nmap") is None, reason="nmap absent: .ci/setup.d/50-scan.sh")
def test_the_time_limit_stops_nmap_and_gives_no_partial_result(silent_listener: int) -> None:
    targets = parse_targets(["127.0.0.1"])
    plan = nmap.PortPlan(str(silent_listener), frozenset({silent_listener}), frozenset())
    argv = nmap.build_argv(nmap.locate(), targets, plan, raw=False, host_timeout_s=600)
    with pytest.raises(DentsecError) as info:
        nmap.run(argv, time_limit_s=2)
    assert "a dépassé la limite" in info.value.fr and "aucun résultat partiel" in info.value.fr


@pytest.mark.skipif(shutil.which("nmap") is None, reason="nmap absent: .ci/setup.d/50-scan.sh")
def test_a_device_that_hangs_is_reported_incomplete(silent_listener: int) -> None:
    """With a whole-scan limit of 30 s, each device gets 22 s: the silent service makes
    the loopback device time out, and the practice is told it was not fully seen."""
    import json

    r = _dentsec("127.0.0.1", "--ports", str(silent_listener), "--time-limit", "0.5",
                 "--format", "json")
    assert r.returncode in (0, 1), r.stderr
    (host,) = json.loads(r.stdout)["hosts"]
    assert host["timed_out"] is True
    incomplete = [f for f in host["findings"] if f["id"] == "SCAN-INCOMPLETE"]
    assert incomplete and incomplete[0]["status"] == "unknown"
    assert "pas fini dans le temps imparti" in incomplete[0]["message"]


@pytest.mark.skipif(shutil.which("nmap") is None, reason="nmap absent: .ci/setup.d/50-scan.sh")
def test_ipv4_and_ipv6_together() -> None:
    """One nmap run per address family (-6 for IPv6), both in one report; loopback only."""
    import json

    r = _dentsec("127.0.0.1", "::1", "--ports", "1", "--format", "json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert [h["address"] for h in report["hosts"]] == ["127.0.0.1", "::1"]
    argvs = report["engine"]["argv"]
    assert argvs[0][-1] == "127.0.0.1" and argvs[1][-2:] == ["-6", "::1"]
