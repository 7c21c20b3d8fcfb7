"""Policy overrides from TOML: a validated model; every mistake is a clear error naming the
key; a disabled check carries a reason that the reports show."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.checks.conftest import good_facts

from dentsec.checks.policy import AcceptedRisk, DisabledCheck, JustifiedPort, Policy, load_policy
from dentsec.checks.runner import evaluate
from dentsec.errors import DentsecError
from dentsec.findings import Report
from dentsec.report import json_report, terminal
from dentsec.vocab import Status


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
    assert type(p) is Policy
    assert p.password_min_length == 14 and p.renewal_scope == "admins"
    assert p.backup_fail_days == 2.5 and p.disabled_checks == ("FW-REMOTE-TOOLS",)
    assert p.justified_ports == (JustifiedPort(443, "tcp", "serveur"),)
    assert p.renewal_days == Policy().renewal_days


@pytest.mark.parametrize(("text", "names"), [
    ("unknown_key = 1", "clé inconnue « unknown_key »"),
    ("password_min_length = 'douze'", "password_min_length"),
    ("password_min_length = -1", "password_min_length = -1 est hors limites (au moins 1)"),
    ("password_min_length = 0", "password_min_length = 0 est hors limites"),
    ("renewal_scope = 'nobody'", 'valeurs possibles "all" ou "admins"'),
    ("password_min_classes = 5", "password_min_classes = 5 est hors limites (au plus 4)"),
    ("disabled_checks = 'X'", "disabled_checks"),
    ("disabled_checks = ['TYPO']", "contrôle inconnu « TYPO »"),
    ("[[disabled]]\ncheck = 'FW-NOPE'\nreason = 'x'", "disabled[1].check : contrôle inconnu"),
    ("[[disabled]]\nreason = 'x'", "disabled[1].check"),
    ("[[justified_ports]]\nproto = 'tcp'", "justified_ports[1].port"),
    ("[[justified_ports]]\nport = 99999", "justified_ports[1].port = 99999 est hors limites"),
    ("[[justified_ports]]\nport = 1\nproto = 'sctp'", "justified_ports[1].proto"),
    ("password_min_length = 12.5", "password_min_length = 12.5 : il faut un nombre entier"),
    ("backup_fail_days = true", "backup_fail_days = true"),
    ("backup_warn_days = 9", "backup_warn_days doit être inférieur ou égal à backup_fail_days"),
    ("not toml ===", "TOML"),
])
def test_bad_policy_is_a_clear_error_naming_the_key(tmp_path: Path, text: str, names: str) -> None:
    f = tmp_path / "p.toml"
    f.write_text(text)
    with pytest.raises(DentsecError) as exc:
        load_policy(f)
    assert "politique" in exc.value.fr and names in exc.value.fr, exc.value.fr
    assert "Input should" not in exc.value.fr + exc.value.en


def test_missing_policy(tmp_path: Path) -> None:
    with pytest.raises(DentsecError, match="not found"):
        load_policy(tmp_path / "none.toml")


def test_a_disabled_check_shows_its_reason_in_the_reports(tmp_path: Path) -> None:
    f = tmp_path / "p.toml"
    f.write_text('disabled_checks = ["DL-AUTORUN"]\n'
                 '[[disabled]]\ncheck = "fw-remote-tools"\n'
                 'reason = "TeamViewer est l\'outil du prestataire, protégé par 2FA"\n')
    policy = load_policy(f)
    assert policy.disabled == (DisabledCheck("FW-REMOTE-TOOLS",
                                             "TeamViewer est l'outil du prestataire, protégé par 2FA"),)
    report = Report(good_facts(), evaluate(good_facts(), policy), policy)
    data = json.loads(json_report.render(report, "fr"))
    by_id = {x["id"]: x for x in data["findings"]}
    assert by_id["FW-REMOTE-TOOLS"]["status"] == Status.NA
    assert by_id["FW-REMOTE-TOOLS"]["message"] == (
        "Contrôle désactivé par la politique du cabinet : TeamViewer est l'outil du "
        "prestataire, protégé par 2FA")
    assert "aucune raison donnée" in by_id["DL-AUTORUN"]["message"]
    assert data["policy"]["disabled"][0]["check"] == "FW-REMOTE-TOOLS"
    assert "protégé par 2FA" in terminal.render(report)


TOML_VALUE = st.recursive(
    st.booleans() | st.integers(-10, 100000) | st.floats(-5, 500, allow_nan=False)
    | st.text(max_size=12) | st.dates(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["check", "reason", "port", "proto", "until"]), inner, max_size=3),
    max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from([f.name for f in dataclasses.fields(Policy)] + ["typo"]),
                       TOML_VALUE, max_size=4))
def test_any_policy_file_is_a_policy_or_a_clear_error(data: dict[str, object]) -> None:
    """Whatever a practice writes: a Policy, or a DentsecError naming what is wrong."""
    from pydantic import ValidationError

    from dentsec.checks.policy import _validator, _why

    try:
        _validator().validate_python(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            fr, en = _why(error)
            assert fr and en and "Input should" not in fr


def _accepting(tmp_path: Path, until: date) -> Path:
    f = tmp_path / "cabinet.toml"
    f.write_text('[[accepted_risks]]\ncheck = "pwd-lockout"\n'
                 'reason = "Logiciel métier incompatible, remplacé en mars."\n'
                 f"until = {until.isoformat()}\n")
    return f


def test_an_accepted_risk_is_shown_and_the_failure_stays(tmp_path: Path) -> None:
    """The audit (CLI) with a policy file accepting a failure: still fail, with the
    acceptance in the message, the evidence and the JSON report."""
    facts = good_facts()
    facts.password_policy.lockout_threshold = 0
    until = facts.collected_at.date() + timedelta(days=30)
    policy = load_policy(_accepting(tmp_path, until))
    assert policy.accepted_risks == (AcceptedRisk("PWD-LOCKOUT",
                                                  "Logiciel métier incompatible, remplacé en mars.",
                                                  until),)
    seen = {f.check.id: f.status for f in evaluate(facts, Policy())}
    assert seen["PWD-LOCKOUT"] == Status.FAIL, "the fixture must fail this check"
    report = Report(facts, evaluate(facts, policy), policy)
    data = json.loads(json_report.render(report, "fr"))
    finding = {x["id"]: x for x in data["findings"]}["PWD-LOCKOUT"]
    assert finding["status"] == Status.FAIL
    assert finding["message"].endswith(
        f"Risque accepté jusqu'au {until:%d/%m/%Y} : Logiciel métier incompatible, remplacé en mars.")
    assert finding["accepted_risk"] == {"reason": "Logiciel métier incompatible, remplacé en mars.",
                                        "until": until.isoformat()}
    assert f"accepted-risk: until {until.isoformat()}" in finding["evidence"]
    assert data["policy"]["accepted_risks"][0]["until"] == until.isoformat()
    assert "risque accepté" in terminal.render(report).lower()
    english = json.loads(json_report.render(report, "en"))
    assert f"Risk accepted until {until.isoformat()}" in {
        x["id"]: x for x in english["findings"]}["PWD-LOCKOUT"]["message"]


def test_an_expired_accepted_risk_is_ignored(tmp_path: Path) -> None:
    facts = good_facts()
    facts.password_policy.lockout_threshold = 0
    policy = load_policy(_accepting(tmp_path, facts.collected_at.date() - timedelta(days=1)))
    data = json.loads(json_report.render(Report(facts, evaluate(facts, policy), policy), "fr"))
    finding = {x["id"]: x for x in data["findings"]}["PWD-LOCKOUT"]
    assert finding["status"] == Status.FAIL
    assert "accepted_risk" not in finding and "accepté" not in finding["message"]


@pytest.mark.parametrize(("lines", "names"), [
    ('check = "PWD-LOCKOUT"\nreason = "x"\nuntil = 2099-01-01', "est trop loin"),
    ('check = "PWD-NOPE"\nreason = "x"\nuntil = 2020-01-01', "accepted_risks[1].check"),
    ('check = "PWD-LOCKOUT"\nuntil = 2020-01-01', "« accepted_risks[1].reason » manque"),
    ('check = "PWD-LOCKOUT"\nreason = "x"\nuntil = "demain"',
     'accepted_risks[1].until = "demain" : il faut une date AAAA-MM-JJ'),
])
def test_a_bad_accepted_risk_is_refused(tmp_path: Path, lines: str, names: str) -> None:
    f = tmp_path / "p.toml"
    f.write_text(f"[[accepted_risks]]\n{lines}\n")
    with pytest.raises(DentsecError) as exc:
        load_policy(f)
    assert names in exc.value.fr, exc.value.fr
