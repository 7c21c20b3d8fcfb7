"""Property tests of what the procedures read out of uploaded reports: facts are loose in
the report schema (an agent of another version, a forged upload), so any JSON there is
"not seen" or a clean value, never an exception."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from dentsec.server.console import firewall_changes, people

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=4),
    max_leaves=20)
KEYS = st.sampled_from(["name", "full_name", "enabled", "is_admin", "human", "local",
                        "group", "password_last_set", "proto", "port", "address", "system",
                        "profiles", "installed", "listening", "accounts"])
SHAPED = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 70000) | st.text(max_size=30)
    | st.sampled_from(["tcp", "udp", "0.0.0.0", "::1", "2021-13-40T00:00:00Z",
                       "2021-06-22T00:00:00Z"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=6),
    max_leaves=30)


def _report(family: str, value: Any) -> dict[str, Any]:
    return {"facts": {family: value}}


@given(st.sampled_from(["accounts", "network", "firewall"]), JSON | SHAPED)
def test_loose_facts_never_raise(family: str, value: Any) -> None:
    data = _report(family, value)
    accounts = people.accounts_of(data)
    assert accounts is None or all(isinstance(a["name"], str) for a in accounts)
    ports = firewall_changes.ports_of(data)
    assert ports is None or all(p.split("/")[0] in ("tcp", "udp") for p in ports)
    firewall = firewall_changes.firewall_of(data)
    assert firewall is None or isinstance(firewall["profiles"], dict)


@given(st.text(max_size=40), st.text(max_size=40), JSON)
def test_name_matching_takes_any_text(person: str, login: str, full_name: Any) -> None:
    assert isinstance(people.matches(person, login, full_name), bool)


@given(st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèçÉ", min_size=2, max_size=10),
                min_size=1, max_size=3))
def test_a_login_made_of_the_persons_names_matches(words: list[str]) -> None:
    name = " ".join(w.capitalize() for w in words)
    assert people.matches(name, words[-1], None)
    assert people.matches(name, "anything-else-entirely", name)
