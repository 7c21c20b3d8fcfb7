"""What may be scanned: only what the user typed, public addresses refused without the flag."""

from __future__ import annotations

import ipaddress
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dentsec.errors import DentsecError
from dentsec.scan.targets import MAX_ADDRESSES, kind_of, parse_target, parse_targets

DENTSEC = str(Path(sys.executable).with_name("dentsec"))


def _refused(text: str, **kw: object) -> DentsecError:
    with pytest.raises(DentsecError) as info:
        parse_target(text, **kw)  # type: ignore[arg-type]
    return info.value


@pytest.mark.parametrize("text", ["192.168.1.10", "192.168.1.0/24", "10.1.0.0/22",
                                  "172.16.5.4", "127.0.0.1", "198.51.100.0/24", "fe80::1",
                                  "fd00::5", "169.254.3.4", "192.168.1.5/24"])
def test_local_addresses_and_networks_are_accepted(text: str) -> None:
    (target,) = parse_target(text)
    assert target.text == text
    assert target.network.num_addresses <= MAX_ADDRESSES


def test_a_host_address_with_its_mask_means_its_network() -> None:
    (target,) = parse_target("192.168.1.5/24")
    assert target.nmap_spec == "192.168.1.0/24"


@pytest.mark.parametrize("text", ["8.8.8.8", "1.1.1.0/24", "2a00:1450::1", "100.64.1.1",
                                  "192.0.0.0/22"])
def test_public_addresses_are_refused_without_the_flag(text: str) -> None:
    err = _refused(text)
    assert "--i-own-this-address" in err.fr and "--i-own-this-address" in err.en
    assert "publique" in err.fr or "opérateur" in err.fr
    (target,) = parse_target(text, allow_public=True)
    assert target.text == text


@pytest.mark.parametrize("text", ["224.0.0.251", "255.255.255.255", "0.0.0.0", "ff02::1"])
def test_what_is_not_a_device_is_refused_even_with_the_flag(text: str) -> None:
    err = _refused(text, allow_public=True)
    assert "n'est pas l'adresse d'un appareil" in err.fr


@pytest.mark.parametrize("text", ["10.0.0.0/21", "192.168.0.0/16", "fd00::/64", "0.0.0.0/0"])
def test_networks_larger_than_a_slash_22_are_refused(text: str) -> None:
    err = _refused(text, allow_public=True)
    assert "au plus 1024" in err.fr


@pytest.mark.parametrize("text", ["-iL/etc/passwd", "--script=x", "192.168.1.1-50", "a b",
                                  "192.168.1.300", "", "nas;reboot", "1.2.3"])
def test_what_is_not_an_address_network_or_name_is_refused(text: str) -> None:
    err = _refused(text)
    assert err.fr and err.en


def test_a_name_is_judged_by_the_address_it_resolves_to() -> None:
    def resolve(name: str) -> list[str]:
        return {"nas.local": ["192.168.1.20"], "box.example": ["203.0.114.7"]}[name]

    (nas,) = parse_target("nas.local", resolve=resolve)
    assert nas.nmap_spec == "192.168.1.20" and nas.name == "nas.local"
    err = _refused("box.example", resolve=resolve)
    assert "203.0.114.7" in err.fr and "publique" in err.fr


def test_a_name_resolved_by_the_system() -> None:
    targets = parse_target("localhost")
    assert {t.nmap_spec for t in targets} <= {"127.0.0.1", "::1"}
    assert all(t.name == "localhost" for t in targets)


def test_nothing_named_nothing_scanned() -> None:
    with pytest.raises(DentsecError) as info:
        parse_targets([])
    assert "Nommez ce qu'il faut scanner" in info.value.fr


def test_duplicates_are_scanned_once() -> None:
    assert len(parse_targets(["192.168.1.10", "192.168.1.10/32", " 192.168.1.10 "])) == 1


@given(st.ip_addresses())
def test_every_address_is_judged_one_way(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
    """Any address is accepted, refused for being public, or refused for not being a device;
    never an unexpected error, and public only when outside every local range."""
    try:
        targets = parse_target(str(ip))
    except DentsecError as exc:
        assert ("--i-own-this-address" in exc.fr) or ("n'est pas l'adresse" in exc.fr)
        return
    assert kind_of(targets[0].network) in ("loopback", "private", "link-local", "documentation")


@given(st.text(max_size=40))
def test_any_typed_text_is_accepted_or_refused_with_a_reason(text: str) -> None:
    try:
        parse_target(text, resolve=lambda name: [])
    except DentsecError as exc:
        assert exc.fr and exc.en


def test_cli_refuses_a_public_target_before_starting_nmap(tmp_path: Path) -> None:
    """The CLI refuses 8.8.8.8 in French, exit 2, and nmap is never started: a stand-in
    nmap first on PATH would leave a mark if it were."""
    mark = tmp_path / "nmap-was-started"
    fake = tmp_path / "bin" / "nmap"
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\ntouch {mark}\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    env = {**os.environ, "PATH": f"{fake.parent}:{os.environ['PATH']}", "DENTSEC_LANG": "fr"}
    r = subprocess.run([DENTSEC, "scan", "192.168.1.0/24", "8.8.8.8"], capture_output=True,
                       text=True, env=env, check=False)
    assert r.returncode == 2
    assert "8.8.8.8 est une adresse publique d'Internet" in r.stderr
    assert "--i-own-this-address" in r.stderr
    assert not mark.exists()
    r = subprocess.run([DENTSEC, "scan", "--lang", "en", "8.8.8.8"], capture_output=True,
                       text=True, env=env, check=False)
    assert r.returncode == 2 and "8.8.8.8 is a public internet address" in r.stderr
    assert not mark.exists()
