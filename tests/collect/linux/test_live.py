"""Collection on the machine the tests run on: as the current user and as an unprivileged one."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from dentsec.collect import FAMILIES
from dentsec.collect.linux import collect
from dentsec.collect.linux.firewall import FIREWALL_PROGRAMS
from dentsec.facts import Facts
from dentsec.host.bundle import load_bundle, write_bundle
from dentsec.host.live import LiveHost
from dentsec.host.replay import ReplayHost


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
    """Collect in a forked child that dropped to uid/gid 65534 (nobody).

    Forking keeps every module already imported, so the checkout need not be readable
    by nobody; what the collectors import lazily is imported here first.
    """
    import _strptime  # noqa: F401 - datetime.strptime imports it on first use
    import pwd  # noqa: F401
    import sqlite3  # noqa: F401
    import zoneinfo  # noqa: F401

    import psutil  # noqa: F401

    from dentsec.collect.common import eol

    eol.releases("debian")
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never return into pytest
        code = 1
        try:
            os.close(read_fd)
            os.environ.update({"DENTSEC_HOME": "/nonexistent/dentsec-home", "HOME": "/nonexistent"})
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            data = collect(LiveHost()).model_dump_json().encode()
            with os.fdopen(write_fd, "wb") as out:
                out.write(data)
            code = 0
        except BaseException:  # noqa: BLE001 - shown to the parent's stderr
            import traceback

            traceback.print_exc()
        finally:
            os._exit(code)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        raw = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    result: dict[str, Any] = json.loads(raw)
    return result


@pytest.mark.skipif(os.geteuid() != 0, reason="switching to an unprivileged user needs root")
def test_live_collection_as_unprivileged_user() -> None:
    facts = Facts.model_validate(_as_nobody())
    assert facts.is_admin is False
    _every_family_known_or_explained(facts)
    assert facts.updates is not None and facts.accounts is not None
    accounts = facts.accounts
    assert accounts is not None
    # /etc/shadow is unreadable: empty passwords are unknown, never "no empty password".
    assert all(a.password_empty is None for a in accounts.accounts)
    assert "permission" in accounts.unknown["password_empty"]
    firewall = facts.firewall
    assert firewall is not None
    if firewall.installed is False:
        # No firewall program at all: seen absent, the same for everyone (a fail, no unknown).
        assert not any(os.path.exists(path) for path in FIREWALL_PROGRAMS)
        assert firewall.profiles == [] and "profiles" not in firewall.unknown
    elif not any(p.enabled for p in firewall.profiles):
        # Installed, but only root can list the running rules: unknown, never "off".
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


def test_live_bundle_replays_to_the_same_facts(tmp_path: Path) -> None:
    host = LiveHost()
    live = collect(host)
    bundle = tmp_path / "live.zip"
    write_bundle(bundle, host.info, host.log.items)
    replayed = collect(ReplayHost(load_bundle(bundle)))
    assert replayed.collection_mode == "evidence"
    skip = {"collection_mode", "collected_at", "antivirus"}  # ages use the bundle's time
    assert replayed.model_dump(exclude=skip) == live.model_dump(exclude=skip)
