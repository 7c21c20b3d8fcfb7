"""The check runner: a broken check, a missing family or a missing field never stops the
audit; each becomes a finding that says why, in French first."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.checks.conftest import good_facts

from dentsec.checks import registry
from dentsec.checks.policy import Policy
from dentsec.checks.registry import Ctx, NotApplicable, Unknown, need
from dentsec.checks.runner import evaluate, load_checks
from dentsec.engine import Report
from dentsec.facts import Accounts, Firewall, PasswordPolicy
from dentsec.report import json_report
from dentsec.vocab import ErrorKind, Status


@pytest.fixture
def broken_check() -> Iterator[str]:
    """FW-ENABLED replaced by a check with a bug (an AttributeError), restored after."""
    load_checks()
    original = registry.REGISTRY["FW-ENABLED"]

    def broken(ctx: Ctx) -> registry.Outcome:
        return ctx.family(Firewall).profiles[0].nonexistent  # type: ignore[attr-defined,no-any-return]

    registry.REGISTRY["FW-ENABLED"] = broken
    yield "FW-ENABLED"
    registry.REGISTRY["FW-ENABLED"] = original


def test_a_broken_check_cannot_stop_the_audit(broken_check: str) -> None:
    facts = good_facts()
    report = Report(facts, evaluate(facts, Policy()), Policy())
    by_id = {f.check.id: f for f in report.findings}
    broken = by_id[broken_check]
    assert broken.status == Status.UNKNOWN
    assert "AttributeError" in broken.evidence[0] and ErrorKind.CHECK_ERROR in broken.evidence[0]
    assert "erreur interne" in broken.message["fr"] and "internal" in broken.message["en"]
    # every other check still ran and the hardened machine still passes them
    assert all(f.status in (Status.PASS, Status.NA) for f in report.findings if f is not broken)
    assert json_report.to_dict(report, "fr")["score"]["counts"]["unknown"] == 1


def test_typed_family_access_and_need() -> None:
    facts = good_facts()
    ctx = Ctx(facts, Policy())
    fam = ctx.family(PasswordPolicy)
    assert isinstance(fam, PasswordPolicy) and need(fam, "min_length", fam.min_length) == 12
    fam.min_length = None
    fam.unknown["min_length"] = "/etc/login.defs: permission"
    with pytest.raises(Unknown) as exc:
        need(fam, "min_length", fam.min_length)
    assert exc.value.fact == "password_policy.min_length"
    assert exc.value.kind == ErrorKind.PERMISSION
    accounts = ctx.family(Accounts)
    with pytest.raises(NotApplicable):
        need(accounts, "uid0_accounts", None)
    facts.accounts = None
    facts.unknown["accounts"] = "getent: not-found"
    with pytest.raises(Unknown) as exc:
        ctx.family(Accounts)
    assert exc.value.kind == ErrorKind.COMMAND_MISSING


@pytest.mark.parametrize(("reason", "kind"), [
    ("ss: not-found", ErrorKind.COMMAND_MISSING),
    ("/etc/login.defs: missing", ErrorKind.FILE_MISSING),
    ("network: RuntimeError: listening sockets: offline", ErrorKind.OFFLINE),
    ("/etc/shadow: permission", ErrorKind.PERMISSION),
    ("ufw: exit 1 (ERROR: need root)", ErrorKind.COMMAND_FAILED),
    ("Get-MpComputerStatus: not-collected", ErrorKind.NOT_COLLECTED),
    ("/home/x/.config: outside-root", ErrorKind.OUTSIDE_ROOT),
    ("some accounts undecided", None),
])
def test_error_kind_is_read_from_the_reason(reason: str, kind: ErrorKind | None) -> None:
    assert ErrorKind.of(reason) == kind


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80) | st.lists(st.sampled_from(
    [k.value for k in ErrorKind] + [":", " ", "/etc/x", "ss", "exit 1"])).map(" ".join))
def test_any_reason_gives_a_kind_or_none(reason: str) -> None:
    kind = ErrorKind.of(reason)
    assert kind is None or kind.value in reason


def test_a_broken_collector_is_told_as_dentsecs_own_error() -> None:
    from dentsec.collect import run_collectors
    from dentsec.facts import Family, OSInfo
    from dentsec.host.live import LiveHost

    def broken(_host: object) -> Family:
        raise KeyError("Name")

    host = LiveHost()
    facts = run_collectors(host, OSInfo(family="linux"), {"firewall": broken})  # type: ignore[dict-item]
    by_id = {f.check.id: f for f in evaluate(facts, Policy())}
    fw = by_id["FW-ENABLED"]
    assert fw.status == Status.UNKNOWN
    assert fw.message["fr"] == ("Impossible de vérifier le pare-feu : erreur interne de dentsec "
                                "pendant la lecture (merci de la signaler).")
    assert "KeyError" in fw.evidence[0]
    # a family this OS's collector does not read yet
    assert "ne sait pas encore le lire" in by_id["BAK-CONFIGURED"].message["fr"]
