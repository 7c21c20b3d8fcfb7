"""Sign-in behind a reverse proxy: the client's address, the throttle and lockout that use
it, and failed sign-ins in the account's Journal."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from dentsec.server.console import proxies
from dentsec.server.console.models import AuditEvent, FailedLogin

from .conftest import login_client

pytestmark = pytest.mark.django_db
PASSWORD = "x" * 16
PROXY = "127.0.0.1"
TRUSTED = proxies.parse_networks("127.0.0.1, ::1, 127.0.10.0/24")


def test_the_right_most_untrusted_hop_is_the_client() -> None:
    def client(remote: str, forwarded: str) -> str | None:
        return proxies.client_address(remote, forwarded, TRUSTED)

    assert client(PROXY, "203.0.113.7") == "203.0.113.7"
    # The client wrote the left part itself: it proves nothing.
    assert client(PROXY, "198.51.100.1, 203.0.113.7") == "203.0.113.7"
    # Two trusted proxies in a row.
    assert client(PROXY, "203.0.113.7, 127.0.10.5") == "203.0.113.7"
    # Straight from an untrusted address: the header is ignored.
    assert client("203.0.113.9", "198.51.100.1") == "203.0.113.9"
    # Garbage the trusted proxy passed on: the proxy's own address is all that is known.
    assert client(PROXY, "not-an-address") == PROXY
    assert client(PROXY, "") == PROXY
    assert client("::ffff:127.0.0.1", "2001:db8::5") == "2001:db8::5"
    assert proxies.client_address(PROXY, "203.0.113.7", ()) == PROXY  # nothing trusted


def test_ipv6_is_locked_out_per_64() -> None:
    assert proxies.address_range("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert proxies.address_range("203.0.113.7") == "203.0.113.7"
    assert proxies.address_range(None) == ""


@given(remote=st.text(max_size=50), forwarded=st.text(max_size=200))
def test_any_header_gives_an_address_or_none(remote: str, forwarded: str) -> None:
    found = proxies.client_address(remote, forwarded, TRUSTED)
    assert found is None or ipaddress.ip_address(found)


@given(hops=st.lists(st.ip_addresses(), max_size=6))
def test_the_answer_is_one_of_the_hops(hops: list[Any]) -> None:
    forwarded = ", ".join(str(h) for h in hops)
    found = proxies.client_address(PROXY, forwarded, TRUSTED)
    assert found == PROXY or found in {str(proxies.parse_address(str(h))) for h in hops}


def test_a_bad_proxy_setting_is_refused_in_french(tmp_path: Any) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "DENTSEC_HOME": str(tmp_path), "DENTSEC_TRUSTED_PROXIES": "nginx",
           "DENTSEC_SECRET_KEY": "k" * 50}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    dentsec = str(Path(sys.executable).with_name("dentsec"))
    result = subprocess.run([dentsec, "server", "migrate"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "DENTSEC_TRUSTED_PROXIES" in result.stderr and "« nginx »" in result.stderr
    assert "Traceback" not in result.stderr


def _login(client: Client, username: str, visitor: str, password: str = PASSWORD) -> Any:
    return client.post("/connexion/", {"username": username, "password": password},
                       REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=visitor)


@pytest.fixture
def behind_proxy(settings: Any) -> None:
    settings.TRUSTED_PROXIES = proxies.parse_networks(PROXY)


def test_an_attacker_behind_the_proxy_does_not_lock_everyone_out(
        client: Client, tenants: dict[str, Any], behind_proxy: None) -> None:
    for i in range(30):
        assert _login(client, f"nobody{i}", "203.0.113.66", "bad").status_code == 401
    assert _login(client, "staff_a", "203.0.113.66").status_code == 429  # that visitor
    assert _login(client, "staff_a", "198.51.100.20").status_code == 302  # anyone else
    # The Journal has each visitor's address, not the proxy's.
    event = AuditEvent.objects.filter(action="login.ok").latest("at")
    assert event.ip == "198.51.100.20"


def test_wrong_passwords_from_elsewhere_do_not_lock_the_real_user_out(
        client: Client, tenants: dict[str, Any], behind_proxy: None) -> None:
    for case in ("staff_a", "STAFF_A", "Staff_A", "sTaFf_a", "staff_A"):
        assert _login(client, case, "203.0.113.66", "bad").status_code == 401
    # Any letter case counts for the same account, from that address…
    assert _login(client, "staff_a", "203.0.113.66").status_code == 429
    # …and the practice's own line is not locked.
    assert _login(Client(), "staff_a", "198.51.100.20").status_code == 302


def test_a_successful_sign_in_resets_the_count(client: Client, tenants: dict[str, Any],
                                               behind_proxy: None) -> None:
    for _ in range(4):
        assert _login(client, "staff_a", "198.51.100.20", "typo").status_code == 401
    assert _login(client, "staff_a", "198.51.100.20").status_code == 302
    assert not FailedLogin.objects.filter(username="staff_a").exists()
    other = Client()
    for _ in range(4):
        assert _login(other, "staff_a", "198.51.100.20", "typo").status_code == 401
    assert _login(other, "staff_a", "198.51.100.20").status_code == 302  # not 429


def test_failures_are_in_the_accounts_journal(client: Client, tenants: dict[str, Any],
                                              behind_proxy: None) -> None:
    _login(client, "STAFF_A", "203.0.113.66", "bad")
    _login(client, "staff_b", "203.0.113.66", "bad")
    _login(client, "ghost", "203.0.113.66", "bad")
    event = AuditEvent.objects.get(action="login.fail", target="STAFF_A")
    assert event.provider_id == tenants["a"]["admin"].provider_id
    assert event.practice_id == tenants["a"]["practice"].pk and event.ip == "203.0.113.66"
    for role in ("admin", "lead"):
        viewer = login_client(Client(), tenants["a"][role])
        page = viewer.get("/journal/").content.decode()
        assert "login.fail" in page and "STAFF_A" in page and "203.0.113.66" in page
        assert "staff_b" not in page and "ghost" not in page
