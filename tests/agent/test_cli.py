"""Enroll, run, queue and replay against a real `dentsec serve`."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from click.testing import CliRunner

from dentsec.agent import config, queue
from dentsec.cli import main

from .conftest import ConsoleServer, sample_report, set_revoked


def _enroll(server: ConsoleServer, name: str = "poste-accueil") -> None:
    token = server.cli("server", "create-token", "--practice", str(server.practice_id)).strip()
    result = CliRunner().invoke(main, ["agent", "enroll", "--server", server.url,
                                       "--token", token, "--name", name])
    assert result.exit_code == 0, result.output
    assert "Cabinet du Parc" in result.output


def test_enroll_keeps_the_credential_in_a_private_file(console_server: ConsoleServer,
                                                       agent_home: Path) -> None:
    _enroll(console_server)
    cfg = config.load_config()
    assert cfg.credential_store == "file"
    mode = stat.S_IMODE(config.credential_path().stat().st_mode)
    assert mode == 0o600
    assert config.load_credential(cfg).startswith("dsd_")
    assert "dsd_" not in config.config_path().read_text()


def test_enroll_with_a_used_token_fails_clearly(console_server: ConsoleServer,
                                                agent_home: Path) -> None:
    token = console_server.cli("server", "create-token", "--practice",
                               str(console_server.practice_id)).strip()
    runner = CliRunner()
    args = ["agent", "enroll", "--server", console_server.url, "--token", token]
    assert runner.invoke(main, args).exit_code == 0
    again = runner.invoke(main, args)
    assert again.exit_code == 2
    assert "Inscription refusée" in again.output


def test_run_uploads_a_report(console_server: ConsoleServer, agent_home: Path,
                              tmp_path: Path) -> None:
    _enroll(console_server)
    report = tmp_path / "r.json"
    report.write_bytes(sample_report(1))
    result = CliRunner().invoke(main, ["agent", "run", "--report-file", str(report)])
    assert result.exit_code == 0, result.output
    assert console_server.count_reports() == 1
    # Sending the same report again stores nothing new and empties the queue.
    assert CliRunner().invoke(main, ["agent", "run", "--report-file",
                                     str(report)]).exit_code == 0
    assert console_server.count_reports() == 1
    assert queue.pending() == []


def test_a_refused_report_is_set_aside_not_lost(console_server: ConsoleServer,
                                                agent_home: Path, tmp_path: Path) -> None:
    _enroll(console_server)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema": "dentsec.report/1"}))
    result = CliRunner().invoke(main, ["agent", "run", "--report-file", str(bad)])
    assert result.exit_code == 1
    assert len(list(queue.refused_dir().iterdir())) == 1
    assert console_server.count_reports() == 0


def test_thousand_reports_queued_while_down_are_stored_exactly_once(
        console_server: ConsoleServer, agent_home: Path, tmp_path: Path) -> None:
    _enroll(console_server)
    console_server.stop()
    first = tmp_path / "first.json"
    first.write_bytes(sample_report(0))
    down = CliRunner().invoke(main, ["agent", "run", "--report-file", str(first)])
    assert down.exit_code == 3, down.output
    assert "injoignable" in down.output
    for index in range(1, 999):
        queue.enqueue(sample_report(index))
    assert len(queue.pending()) == 999
    console_server.start()
    last = tmp_path / "last.json"
    last.write_bytes(sample_report(999))
    up = CliRunner().invoke(main, ["agent", "run", "--report-file", str(last)])
    assert up.exit_code == 0, up.output
    assert "Envoyés : 1000" in up.output
    assert queue.pending() == []
    assert console_server.count_reports() == 1000
    assert console_server.distinct_reports() == 1000
    # An agent killed after the upload but before removing its files sends them again:
    # the server answers "already stored" and the count does not move.
    for index in range(10):
        queue.enqueue(sample_report(index))
    again = CliRunner().invoke(main, ["agent", "run", "--report-file", str(last)])
    assert again.exit_code == 0, again.output
    assert console_server.count_reports() == 1000
    assert queue.pending() == []


def test_status_without_enrollment_says_what_to_do(agent_home: Path) -> None:
    result = CliRunner().invoke(main, ["agent", "status"])
    assert result.exit_code == 2
    assert "dentsec agent enroll" in result.output


def test_run_audits_this_machine_and_uploads(console_server: ConsoleServer,
                                             agent_home: Path) -> None:
    """The real audit (dentsec.engine.audit_live) of the machine running the tests."""
    _enroll(console_server, "poste-de-test")
    result = CliRunner().invoke(main, ["agent", "run"])
    assert result.exit_code == 0, result.output
    assert console_server.count_reports() == 1
    import sqlite3

    db = console_server.home / "server" / "dentsec.sqlite3"
    with sqlite3.connect(db) as conn:
        family, score = conn.execute(
            "SELECT os_family, score FROM console_device WHERE name = 'poste-de-test'").fetchone()
    assert family in ("linux", "windows", "macos")
    assert score is None or 0 <= score <= 100


def test_a_revoked_device_says_so_and_stops_queueing(console_server: ConsoleServer,
                                                     agent_home: Path, tmp_path: Path) -> None:
    _enroll(console_server)
    runner = CliRunner()
    for index in range(1, 5):
        (tmp_path / f"r{index}.json").write_bytes(sample_report(index))
    assert runner.invoke(main, ["agent", "run", "--report-file",
                                str(tmp_path / "r1.json")]).exit_code == 0
    set_revoked(console_server, True)
    revoked = runner.invoke(main, ["agent", "run", "--report-file", str(tmp_path / "r2.json")])
    assert revoked.exit_code == 4, revoked.output  # not 3, "unreachable"
    assert "révoqué" in revoked.output and "injoignable" not in revoked.output
    assert queue.pending() == []
    again = runner.invoke(main, ["agent", "run", "--report-file", str(tmp_path / "r3.json")])
    assert again.exit_code == 4 and queue.pending() == []
    assert "révoqué" in runner.invoke(main, ["agent", "status"]).output
    # The practice undoes the revocation: the agent carries on by itself.
    set_revoked(console_server, False)
    back = runner.invoke(main, ["agent", "run", "--report-file", str(tmp_path / "r4.json")])
    assert back.exit_code == 0, back.output
    assert console_server.count_reports() == 2
    assert not config.is_revoked()


def test_run_audits_with_the_consoles_planned_ports_and_accepted_risks(
        console_server: ConsoleServer, agent_home: Path) -> None:
    """An approved planned change running today justifies its port in the agent's audit,
    and the device's running accepted risk marks its finding (issue 14): the console sends
    them down, the workstation's own report carries them; an expired one is left out."""
    import sqlite3
    import zlib
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    _enroll(console_server, "poste-radio")
    db = console_server.home / "server" / "dentsec.sqlite3"
    # the console's days are Paris days: near midnight UTC they differ from this machine's
    paris_today = datetime.now(ZoneInfo("Europe/Paris")).date()
    today = paris_today.isoformat()
    with sqlite3.connect(db) as conn:
        device_id, practice_id = conn.execute(
            "SELECT id, practice_id FROM console_device WHERE name = 'poste-radio'").fetchone()
        conn.execute(
            "INSERT INTO console_plannedchange (practice_id, device_id, proto, port, action, "
            "requested_by, reason, starts_on, ends_on, approved_at, created_at) "
            "VALUES (?, ?, 'tcp', 4242, 'open', 'Dr Martin', 'imagerie', ?, ?, "
            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", (practice_id, device_id, today, today))
        until = (paris_today + timedelta(days=60)).isoformat()
        gone = (paris_today - timedelta(days=1)).isoformat()
        for check_id, reason, expires in (("ENC-SYSTEM-DISK", "Poste fixe sous clé", until),
                                          ("FW-SSH", "Ancien accès", gone)):
            conn.execute(
                "INSERT INTO console_acceptedrisk (practice_id, device_id, check_id, reason, "
                "owner, approved_at, expires_on, created_at) VALUES (?, ?, ?, ?, 'Dr Martin', "
                "CURRENT_TIMESTAMP, ?, CURRENT_TIMESTAMP)",
                (practice_id, device_id, check_id, reason, expires))
    result = CliRunner().invoke(main, ["agent", "run"])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as conn:
        body = conn.execute("SELECT body FROM console_report").fetchone()[0]
    report = json.loads(zlib.decompress(body, wbits=32 + zlib.MAX_WBITS))
    assert report["policy"]["justified_ports"] == [
        {"port": 4242, "proto": "tcp", "reason": "imagerie"}]
    assert report["policy"]["accepted_risks"] == [
        {"check": "ENC-SYSTEM-DISK", "reason": "Poste fixe sous clé", "until": until}]
    finding = {f["id"]: f for f in report["findings"]}["ENC-SYSTEM-DISK"]
    if finding["status"] in ("fail", "warn"):  # as this machine is: a pass needs no acceptance
        assert finding["accepted_risk"] == {"reason": "Poste fixe sous clé", "until": until}
        assert "Risque accepté jusqu'au" in finding["message"]
    else:
        assert "accepted_risk" not in finding
