"""Collection on the machine the tests run on: as the current user and as an unprivileged one."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import pytest

from dentsec import proc
from dentsec.collect import FAMILIES
from dentsec.collect.linux import collect
from dentsec.facts import Facts
from dentsec.host.live import LiveHost

SNIPPET = (
    "from dentsec.host.live import LiveHost\n"
    "from dentsec.collect.linux import collect\n"
    "print(collect(LiveHost()).model_dump_json())\n"
)


def _every_family_known_or_explained(facts: Facts) -> None:
    for name in FAMILIES:
        family = getattr(facts, name)
        if family is None:
            assert facts.unknown.get(name), f"{name} missing without a reason"
        else:
            assert all(reason for reason in family.unknown.values()), name


def test_live_collection_as_current_user() -> None:
    host = LiveHost()
    facts = collect(host)
    assert facts.collection_mode == "live" and facts.os.family == "linux"
    assert facts.os.name and facts.os.arch
    _every_family_known_or_explained(facts)
    assert facts.network is not None  # psutil works for anyone
    assert facts.accounts is not None and facts.accounts.current_user
    if os.geteuid() == 0:
        assert facts.is_admin is True
        assert all(a.password_empty is not None for a in facts.accounts.accounts)
        assert "password_empty" not in facts.accounts.unknown
    # Nothing the audit read may carry a password hash.
    shadow = [i for i in host.log.items if getattr(i, "path", "") == "/etc/shadow"]
    for item in shadow:
        text = getattr(item, "text", None) or ""
        assert all(line.split(":")[1] in ("<set>", "<empty>", "!<locked>", "*")
                   for line in text.splitlines() if ":" in line)


def _as_nobody() -> dict[str, Any]:
    env = {"DENTSEC_HOME": "/nonexistent/dentsec-home", "HOME": "/nonexistent"}
    res = proc.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    sys.executable, "-c", SNIPPET], timeout=120, env=env, cwd="/")
    assert res.ok, res.stderr or res.error
    data: dict[str, Any] = json.loads(res.stdout)
    return data


@pytest.mark.skipif(os.geteuid() != 0, reason="switching to an unprivileged user needs root")
def test_live_collection_as_unprivileged_user() -> None:
    facts = Facts.model_validate(_as_nobody())
    assert facts.is_admin is False
    _every_family_known_or_explained(facts)
    accounts = facts.accounts
    assert accounts is not None
    # /etc/shadow is unreadable: empty passwords are unknown, never "no empty password".
    assert all(a.password_empty is None for a in accounts.accounts)
    assert "permission" in accounts.unknown["password_empty"]
    firewall = facts.firewall
    assert firewall is not None
    if not any(p.enabled for p in firewall.profiles):
        assert "root" in firewall.unknown.get("profiles", "")
    backup = facts.backup
    assert backup is not None
    if not os.stat("/root").st_mode & 0o005:
        # root's dentsec status may exist behind /root: the backup is unknown, not absent.
        assert "permission" in backup.unknown.get("tools", "")
    network = facts.network
    assert network is not None
    if any(s.process is None for s in network.listening):
        assert "root" in network.unknown["process"]
