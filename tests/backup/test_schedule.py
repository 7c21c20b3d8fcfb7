from __future__ import annotations

import configparser
import os
import plistlib
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from tests.backup.support import FIXTURES, dentsec, dentsec_argv, run_process

from dentsec.backup.schedule import JOB
from dentsec.errors import DentsecError
from dentsec.schedule import (
    TASK_NS,
    launchd_plist,
    parse_time,
    systemd_units,
    windows_task,
)


def units(folder: Path) -> dict[str, configparser.ConfigParser]:
    parsed = {}
    for path in folder.iterdir():
        parser = configparser.ConfigParser(interpolation=None, strict=True)
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        parser.read(path, encoding="utf-8")
        parsed[path.name] = parser
    return parsed


def test_systemd_units_written_to_a_folder_without_installing(tmp_path: Path, home: Path) -> None:
    result = dentsec("backup", "schedule", "--os", "linux", "--at", "19:05", "--dir",
                     str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "[Timer]" in result.output  # what it installs is printed
    parsed = units(tmp_path)
    assert set(parsed) == {"dentsec-backup.service", "dentsec-backup.timer"}
    timer = parsed["dentsec-backup.timer"]
    assert timer["Timer"]["OnCalendar"] == "*-*-* 19:05:00"
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"
    service = parsed["dentsec-backup.service"]["Service"]
    assert service["Type"] == "oneshot"
    assert service["ExecStart"].endswith(" backup run --verify")
    assert service["Environment"] == f"DENTSEC_HOME={home}"


def test_paths_with_spaces_are_quoted() -> None:
    service = systemd_units(JOB, "12:30", "/opt/mon dentsec/dentsec", Path("/var/lib/d s"))[0]
    text = service.content.decode()
    assert 'ExecStart="/opt/mon dentsec/dentsec" backup run --verify' in text
    assert 'Environment="DENTSEC_HOME=/var/lib/d s"' in text


def test_installing_asks_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dentsec.backup.cli.can_ask", lambda: True)  # as in a terminal
    result = dentsec("backup", "schedule", "--os", "linux", input_text="n\n")
    if "Installer maintenant" not in result.output:
        pytest.skip("this machine is not Linux: the Linux units are only written to files")
    assert "Rien n'a été installé" in result.output
    assert "systemctl enable --now dentsec-backup.timer" in result.output


def test_windows_task_is_valid_against_the_schema(tmp_path: Path, home: Path) -> None:
    result = dentsec("backup", "schedule", "--os", "windows", "--at", "12:30", "--dir",
                     str(tmp_path))
    assert result.exit_code == 0, result.output
    raw = (tmp_path / "dentsec-sauvegarde.xml").read_bytes()
    assert raw[:2] in (b"\xff\xfe", b"\xfe\xff")  # UTF-16 with BOM, as schtasks expects
    document = etree.fromstring(raw)
    schema = etree.XMLSchema(etree.parse(str(FIXTURES / "task-scheduler-subset.xsd")))
    assert schema.validate(document), schema.error_log
    ns = {"t": TASK_NS}
    assert document.findtext("t:Triggers/t:CalendarTrigger/t:StartBoundary",
                             namespaces=ns).endswith("T12:30:00")
    # a task has no environment: DENTSEC_HOME travels as --home, like the unit's Environment=
    assert document.findtext("t:Actions/t:Exec/t:Arguments", namespaces=ns) == (
        f"--home {home} backup run --verify")


def test_schema_check_catches_a_misordered_trigger() -> None:
    good = windows_task(JOB, "08:00", r"C:\Program Files\dentsec\dentsec.exe", r"CABINET\accueil")
    broken = good.content.decode("utf-16").replace(
        "<Enabled>true</Enabled>\n      <StartBoundary>2024-01-01T08:00:00</StartBoundary>",
        "<StartBoundary>2024-01-01T08:00:00</StartBoundary>\n      <Enabled>true</Enabled>")
    assert broken != good.content.decode("utf-16")
    schema = etree.XMLSchema(etree.parse(str(FIXTURES / "task-scheduler-subset.xsd")))
    assert not schema.validate(etree.fromstring(broken.encode("utf-16")))


def test_launchd_plist_round_trip(tmp_path: Path) -> None:
    item = launchd_plist(JOB, "07:45", "/usr/local/bin/dentsec", Path("/Users/cab/.config/dentsec"))
    job = plistlib.loads(item.content)
    assert job["Label"] == "fr.dentsec.backup"
    assert job["ProgramArguments"] == ["/usr/local/bin/dentsec", "backup", "run", "--verify"]
    assert job["StartCalendarInterval"] == {"Hour": 7, "Minute": 45}
    assert plistlib.loads(plistlib.dumps(job)) == job
    result = dentsec("backup", "schedule", "--os", "macos", "--dir", str(tmp_path))
    assert result.exit_code == 0
    assert plistlib.loads((tmp_path / "fr.dentsec.backup.plist").read_bytes())["Label"]


@pytest.mark.parametrize("bad", ["25:00", "12:60", "midi", "", "-1:00"])
def test_bad_times_are_refused(bad: str) -> None:
    with pytest.raises(DentsecError):
        parse_time(bad)


def test_home_with_spaces_is_quoted_for_windows() -> None:
    item = windows_task(JOB, "08:00", r"C:\dentsec\dentsec.exe", r"CABINET\accueil",
                        Path(r"C:\Users\Dr Martin\AppData\Roaming\dentsec"))
    text = item.content.decode("utf-16")
    assert r'<Arguments>--home "C:\Users\Dr Martin\AppData\Roaming\dentsec" backup run --verify' in text


def test_home_option_is_what_the_task_relies_on(tmp_path: Path) -> None:
    elsewhere = tmp_path / "autre-dossier"
    result = run_process("--home", str(elsewhere), "backup", "status")
    assert result.returncode == 0, result.stderr
    assert "aucun" in result.stdout
    assert not (tmp_path / "dentsec-home").exists()


def test_schedule_without_a_terminal_installs_nothing_and_exits_0() -> None:
    done = subprocess.run(dentsec_argv("backup", "schedule", "--os", "linux"),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=120, check=False, env={**os.environ})
    if "Installer maintenant" in done.stdout:
        pytest.fail("asked a question nobody can answer")
    if "Commandes d'installation" not in done.stdout:
        pytest.skip("this machine is not Linux: the Linux units are only written to files")
    assert done.returncode == 0, done.stderr
    assert "Pas de terminal pour confirmer : rien n'a été installé" in done.stdout


def test_a_scheduled_run_without_lang_speaks_french(tmp_path: Path, home: Path) -> None:
    bare = {"PATH": os.environ.get("PATH", ""), "DENTSEC_HOME": str(home)}  # like systemd
    done = subprocess.run(dentsec_argv("backup", "status"), capture_output=True, text=True,
                          timeout=120, check=False, env=bare)
    assert done.returncode == 0, done.stderr
    assert "Dépôt : aucun" in done.stdout
