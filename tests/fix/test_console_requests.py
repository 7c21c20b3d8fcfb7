"""Fixes asked from the console, as the workstation keeps them (fix/console_requests.py):
whatever the network sends is checked and bounded, answered requests are not kept again,
withdrawn ones are dropped, and answers travel in the report's fix history (valid against
the schema the console checks). The round trip with a live console and a pseudo-terminal
is tests/server/test_fix_requests_live.py."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from dentsec.engine import audit_live
from dentsec.fix import console_requests
from dentsec.fix.upload import attach
from dentsec.report.json_report import render, report_schema

NOW = datetime.now(UTC)


def _sent(ident: int = 7, **changes: Any) -> dict[str, Any]:
    """One request as GET /api/v1/agent/fix-requests sends it."""
    return {"id": ident, "check": "PWD-MIN-LENGTH", "fix": "linux-pwquality",
            "requested_by": "Dr Martin", "requested_at": NOW.isoformat(),
            "expires_at": (NOW + timedelta(days=14)).isoformat(), **changes}


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=80),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                 max_size=6),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(st.one_of(JSONISH, st.fixed_dictionaries({}, optional={
    "id": st.integers() | st.booleans() | st.text(max_size=5),
    "check": st.text(max_size=50), "fix": st.text(max_size=70),
    "requested_by": st.text(max_size=300), "requested_at": st.text(max_size=50),
    "expires_at": st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat)})))
def test_parse_takes_only_what_it_can_show(item: Any) -> None:
    req = console_requests.parse(item)
    if req is None:
        return
    assert 0 < req.id < 2**53
    assert console_requests.CHECK_ID.match(req.check) and console_requests.FIX_NAME.match(req.fix)
    assert 0 < len(req.requested_by) <= 150 and req.requested_by.isprintable()
    assert console_requests.parse(json.loads(req.to_json())) == req  # stored as received


def test_a_name_with_terminal_escapes_is_shown_without_them() -> None:
    req = console_requests.parse(_sent(requested_by="\x1b[2J\x1b]0;pwned\x07Dr Martin\n"))
    assert req is not None and req.requested_by == "[2J]0;pwnedDr Martin"
    for bad in ({"id": True}, {"id": 0}, {"id": 2**53}, {"check": "pwd-min-length"},
                {"check": "../../etc"}, {"fix": "Linux Fix"}, {"requested_by": "\x00\x1b"},
                {"expires_at": "2026-12-01T10:00:00"}, {"requested_at": "demain"}):
        assert console_requests.parse(_sent(**bad)) is None, bad


def test_receive_keeps_privately_drops_withdrawn_and_expired(home: Path) -> None:
    waiting = console_requests.receive(
        [_sent(7), _sent(8, check="FW-ENABLED", fix="linux-nftables"), "garbage",
         _sent(9, expires_at=(NOW - timedelta(seconds=1)).isoformat())], [])
    assert [r.id for r in waiting] == [7, 8]
    path = console_requests.requests_dir() / "7.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(console_requests.requests_dir().stat().st_mode) == 0o700
    assert [r.id for r in console_requests.receive([_sent(8)], [7, "x", True])] == [8]
    assert console_requests.receive(None, None) == console_requests.pending()
    # At most MAX_KEPT at once, whatever the console sends.
    flood = [_sent(n) for n in range(100, 200)]
    assert len(console_requests.receive(flood, [])) == console_requests.MAX_KEPT


def test_an_answered_request_is_not_kept_again_and_its_answer_is_uploaded(weak: Path) -> None:
    report = render(audit_live(root=str(weak)), "fr")
    (req,) = console_requests.receive([_sent(42)], [])
    console_requests.record_answer(req, "refused", "linux", str(weak), None,
                                   "Refusé au poste par dr : rien n'a été modifié.",
                                   "Refused at the workstation by dr: nothing was changed.")
    assert console_requests.pending() == []
    assert console_requests.receive([_sent(42)], []) == []  # the console had not heard yet
    data = json.loads(attach(report, "fr"))
    jsonschema.validate(data, report_schema())
    (run,) = data["fix_history"]
    assert (run["request"], run["status"], run["check"]) == (42, "refused", "PWD-MIN-LENGTH")
    assert run["message"] == "Refusé au poste par dr : rien n'a été modifié."
