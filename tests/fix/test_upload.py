"""The fix history the agent attaches to its next report: valid against the report schema
the console checks uploads with, in the report's language, nothing more than the console
shows."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
from click.testing import Result

from dentsec.engine import audit_live
from dentsec.fix.upload import attach
from dentsec.report.json_report import render, report_schema


def test_history_travels_with_the_report(weak: Path, cli: Callable[..., Result]) -> None:
    report = render(audit_live(root=str(weak)), "fr")
    assert attach(report, "fr") == report  # no fix yet: the report is unchanged
    assert cli("fix", "PWD-LOCKOUT", "--root", str(weak), "--yes").exit_code == 0
    assert cli("fix", "DL-AUTO-OPEN", "--root", str(weak), "--yes", "--device-wide").exit_code == 1
    assert cli("fix", "--undo", "last", "--yes").exit_code == 0
    data = json.loads(attach(report, "en"))
    jsonschema.validate(data, report_schema())
    runs = data["fix_history"]
    assert [(r["check"], r["status"], r["verdict_before"], r["verdict_after"]) for r in runs] == [
        ("PWD-LOCKOUT", "undone", "fail", "pass"), ("DL-AUTO-OPEN", "rolled-back", "fail", "unknown")]
    assert runs[0]["message"].startswith("PWD-LOCKOUT now passes")
    assert set(runs[0]) <= {"id", "fix", "check", "status", "verdict_before", "verdict_after",
                            "started_at", "finished_at", "undone_at", "who", "message"}
