"""Daily-run files for the three schedulers, checked by parsing them back."""

from __future__ import annotations

import plistlib
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner
from lxml import etree

from dentsec import schedule
from dentsec.agent.schedule import JOB
from dentsec.cli import main
from dentsec.schedule import TASK_NS


def test_systemd_timer_runs_agent_daily(tmp_path: Path) -> None:
    service, timer = schedule.systemd_units(JOB, "07:05", "/opt/dentsec/bin/dentsec", tmp_path)
    assert "ExecStart=/opt/dentsec/bin/dentsec agent run --scan" in service.content.decode()
    assert f"Environment=DENTSEC_HOME={tmp_path}" in service.content.decode()
    text = timer.content.decode()
    assert "OnCalendar=*-*-* 07:05:00" in text and "Persistent=true" in text


def test_windows_task_is_valid_utf16_xml_running_as_system() -> None:
    item = schedule.windows_task(JOB, "12:30", r"C:\Program Files\dentsec\dentsec.exe")
    xsd = Path(__file__).resolve().parents[1] / "backup" / "fixtures" / "task-scheduler-subset.xsd"
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    assert schema.validate(etree.fromstring(item.content)), schema.error_log
    assert item.content.startswith(b"\xff\xfe")  # UTF-16 with BOM, as schtasks /XML wants
    root = ET.fromstring(item.content.decode("utf-16").split("\n", 1)[1])
    ns = {"t": TASK_NS}
    assert root.findtext("t:Actions/t:Exec/t:Arguments", namespaces=ns) == "agent run --scan"
    assert root.findtext("t:Principals/t:Principal/t:UserId", namespaces=ns) == "S-1-5-18"
    assert root.findtext("t:Triggers/t:CalendarTrigger/t:StartBoundary",
                         namespaces=ns).endswith("T12:30:00")


def test_launchd_plist(tmp_path: Path) -> None:
    item = schedule.launchd_plist(JOB, "23:59", "/usr/local/bin/dentsec", tmp_path)
    job = plistlib.loads(item.content)
    assert job["ProgramArguments"] == ["/usr/local/bin/dentsec", "agent", "run", "--scan"]
    assert job["StartCalendarInterval"] == {"Hour": 23, "Minute": 59}


@pytest.mark.parametrize("target", ["linux", "windows", "macos"])
def test_schedule_command_writes_files_for_any_os(tmp_path: Path, target: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DENTSEC_HOME", str(tmp_path / "home"))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["agent", "schedule", "--os", target, "--at", "06:00",
                                       "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f.name for f in schedule.schedule_files(JOB, target, "06:00"))


def test_bad_time_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["agent", "schedule", "--os", "linux", "--at", "25:00",
                                       "--output", str(tmp_path)])
    assert result.exit_code == 2 and "HH:MM" in result.output
