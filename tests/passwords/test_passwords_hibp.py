"""The HIBP range client, against a local server speaking the range format."""

from __future__ import annotations

import hashlib
import json
import re
import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dentsec.errors import DentsecError
from dentsec.passwords.hibp import HibpClient, parse_range

from .conftest import RangeServer, dentsec

BREACHED = "Doudou-2019!"


def test_only_the_prefix_leaves_and_padding_is_asked(hibp: RangeServer) -> None:
    hibp.breached[BREACHED] = 4242
    client = HibpClient(hibp.url)
    try:
        assert client.count(BREACHED) == 4242
        assert client.count("Velours-Orage7-Falaise#Pivoine") == 0
    finally:
        client.close()
    sha1 = hashlib.sha1(BREACHED.encode()).hexdigest().upper()
    path, headers = hibp.requests[0]
    assert path == f"/range/{sha1[:5]}"
    assert re.fullmatch(r"/range/[0-9A-F]{5}", path)
    assert headers.get("Add-Padding") == "true"
    for path, headers in hibp.requests:
        assert sha1[5:] not in path + json.dumps(headers)


def test_padding_lines_are_ignored() -> None:
    text = "0018A45C4D1DEF81644B54AB7F969B88D65:3\r\n00D4F6E8FA6EECAD2A3AA415EEC418D38EC:0\n"
    assert parse_range(text) == {"0018A45C4D1DEF81644B54AB7F969B88D65": 3}


@given(st.text())
def test_parse_range_never_fails(text: str) -> None:
    assert all(count > 0 for count in parse_range(text).values())


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_offline_is_a_clear_french_error() -> None:
    client = HibpClient(f"http://127.0.0.1:{_closed_port()}", timeout=2)
    with pytest.raises(DentsecError) as caught:
        client.count("quelque chose")
    client.close()
    assert "Vérification en ligne impossible" in caught.value.fr
    assert "without" in caught.value.en


def test_cli_online(hibp: RangeServer, isolated: dict[str, str]) -> None:
    hibp.breached[BREACHED] = 12
    env = {**isolated, "DENTSEC_HIBP_URL": hibp.url}
    result = dentsec(["password", "check", "--stdin", "--online", "--format", "json"],
                     f"{BREACHED}\nVelours-Orage7-Falaise#Pivoine\n", env)
    assert result.exit_code == 1, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert (first["breached"], first["breach_count"], first["acceptable"]) == (True, 12, False)
    assert (second["breached"], second["breach_source"], second["acceptable"]) == (
        False, "hibp", True)


def test_cli_offline_goes_on_with_a_message(isolated: dict[str, str]) -> None:
    env = {**isolated, "DENTSEC_HIBP_URL": f"http://127.0.0.1:{_closed_port()}"}
    result = dentsec(["password", "check", "--stdin", "--online", "--format", "json"],
                     "azerty\nVelours-Orage7-Falaise#Pivoine\n", env)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 2
    assert lines[0]["breached"] is True and lines[0]["breach_source"] == "list"
    assert lines[1]["breached"] is None
    assert "Vérification en ligne impossible" in result.stderr
    assert result.stderr.count("Vérification en ligne impossible") == 1
