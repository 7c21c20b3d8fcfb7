"""Policy overrides from TOML: every mistake is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from dentsec.checks.policy import JustifiedPort, Policy, load_policy
from dentsec.errors import DentsecError


def test_defaults_follow_the_guide() -> None:
    p = load_policy(None)
    assert (p.password_min_length, p.password_min_classes, p.renewal_days) == (12, 4, 180)
    assert (p.screen_lock_max_minutes, p.backup_warn_days, p.backup_fail_days) == (10, 1, 7)
    assert p.renewal_scope == "all"


def test_override(tmp_path: Path) -> None:
    f = tmp_path / "p.toml"
    f.write_text('password_min_length = 14\nrenewal_scope = "admins"\nbackup_fail_days = 2.5\n'
                 'disabled_checks = ["FW-REMOTE-TOOLS"]\n'
                 '[[justified_ports]]\nport = 443\nreason = "serveur"\n')
    p = load_policy(f)
    assert p.password_min_length == 14 and p.renewal_scope == "admins"
    assert p.backup_fail_days == 2.5 and p.disabled_checks == ("FW-REMOTE-TOOLS",)
    assert p.justified_ports == (JustifiedPort(443, "tcp", "serveur"),)
    assert p.renewal_days == Policy().renewal_days


@pytest.mark.parametrize("text", [
    "unknown_key = 1", "password_min_length = 'douze'", "password_min_length = -1",
    "renewal_scope = 'nobody'", "password_min_classes = 5", "disabled_checks = 'X'",
    "[[justified_ports]]\nproto = 'tcp'", "[[justified_ports]]\nport = 1\nproto = 'sctp'",
    "password_min_length = 12.5", "not toml ===",
])
def test_bad_policy_is_a_clear_error(tmp_path: Path, text: str) -> None:
    f = tmp_path / "p.toml"
    f.write_text(text)
    with pytest.raises(DentsecError) as exc:
        load_policy(f)
    assert "politique" in exc.value.fr


def test_missing_policy(tmp_path: Path) -> None:
    with pytest.raises(DentsecError, match="not found"):
        load_policy(tmp_path / "none.toml")
