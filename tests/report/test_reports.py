"""JSON report against its schema, HTML self-contained, terminal readable, in both languages."""

from __future__ import annotations

import io
import json
import re

import jsonschema
import pytest
from rich.console import Console
from tests.checks.conftest import good_facts

from dentsec.checks.policy import Policy
from dentsec.engine import Report, evaluate
from dentsec.facts import ListeningSocket
from dentsec.i18n import set_language
from dentsec.report import html, json_report, terminal


def weak_report() -> Report:
    facts = good_facts()
    assert facts.accounts and facts.remote_access and facts.network and facts.password_policy
    facts.accounts.current_user_is_admin = True
    facts.remote_access.rdp_enabled = True
    facts.network.listening.append(ListeningSocket(proto="tcp", address="0.0.0.0", port=3389))
    facts.password_policy.min_length = 6
    facts.backup = None
    facts.unknown["backup"] = "test"
    return Report(facts, evaluate(facts, Policy()), Policy())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_json_report_matches_schema(lang: str) -> None:
    data = json.loads(json_report.render(weak_report(), lang))
    jsonschema.validate(data, json_report.report_schema())
    assert data["lang"] == lang and data["schema"] == "dentsec.report/1"
    assert data["top_fixes"][0] == "FW-REMOTE-DESKTOP"
    by_id = {f["id"]: f for f in data["findings"]}
    assert by_id["ENC-SYSTEM-DISK"]["rule"] is None
    assert by_id["BAK-CONFIGURED"]["status"] == "unknown"
    assert by_id["PWD-MIN-LENGTH"]["remediation"]["practice"] or True
    assert set(data["score"]["by_rule"]) == {"1", "2", "3", "4", "5", "6", "other"}


def test_top_fixes_rank_failures_by_severity_then_effort() -> None:
    fixes = weak_report().top_fixes()
    assert [f.status for f in fixes] == sorted((f.status for f in fixes), key=lambda s: s != "fail")
    assert fixes[0].check.severity == "critical"
    assert len(fixes) <= 5


def test_html_is_self_contained_and_french_by_default() -> None:
    set_language("fr")
    page = html.render(weak_report())
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<svg" in page and "Les corrections prioritaires" in page
    assert 'lang="fr"' in page


def test_html_escapes_collected_text() -> None:
    report = weak_report()
    report.facts.os.hostname = "<script>alert(1)</script>"
    assert "<script>alert" not in html.render(report)


def test_terminal_opens_with_fixes() -> None:
    set_language("en")
    buf = io.StringIO()
    terminal.show(weak_report(), Console(file=buf, width=120, no_color=True))
    text = buf.getvalue()
    assert text.index("Fixes that matter most") < text.index("Scorecard by rule")
    assert "FW-REMOTE-DESKTOP" in text
    set_language("fr")


def test_critical_failure_caps_the_score() -> None:
    report = weak_report()
    assert report.score.overall is not None and report.score.overall <= 49
    assert report.score.by_rule[6] is not None and report.score.by_rule[6] <= 49


def test_pdf_report_is_a_pdf() -> None:
    from dentsec.report import pdf

    data = pdf.render(weak_report())
    assert data.startswith(b"%PDF-") and len(data) > 5000


def test_top_fixes_list_a_cause_not_its_consequences() -> None:
    facts = good_facts()
    assert facts.backup is not None
    facts.backup.tools, facts.backup.dentsec_configured = [], False
    facts.backup.last_backup = facts.backup.last_verify = facts.backup.last_drill = None
    report = Report(facts, evaluate(facts, Policy()), Policy())
    ids = [f.check.id for f in report.top_fixes()]
    assert "BAK-CONFIGURED" in ids
    assert not {"BAK-RECENT", "BAK-VERIFIED", "BAK-RESTORE-TESTED"} & set(ids)
