"""A daily ``dentsec backup run``: a systemd timer on Linux, a Task Scheduler task on
Windows, a launchd agent on macOS. Files are generated here for every OS (so the Windows
and macOS ones are tested on any machine); installing is a separate, confirmed step.

Windows task XML follows Microsoft's "Task Scheduler Schema" reference
(learn.microsoft.com/windows/win32/taskschd/task-scheduler-schema); the plist follows
launchd.plist(5). The task runs as the user who schedules it (interactive token), and the
macOS job is a per-user LaunchAgent: both must reach the keyring of the account that ran
``init``.
"""

from __future__ import annotations

import getpass
import os
import plistlib
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from dentsec.errors import DentsecError
from dentsec.fileio import atomic_write_bytes
from dentsec.paths import dentsec_home

UNIT_NAME = "dentsec-backup"
TASK_NS = "http://schemas.microsoft.com/windows/2004/02/mit/task"
LAUNCHD_LABEL = "fr.dentsec.backup"
SYSTEMD_DIR = Path("/etc/systemd/system")


@dataclass(frozen=True)
class ScheduleFile:
    name: str
    content: bytes


def dentsec_command() -> str:
    """The dentsec program to start: the console script beside this Python, else PATH."""
    beside = Path(sys.executable).parent / ("dentsec.exe" if os.name == "nt" else "dentsec")
    if beside.exists():
        return str(beside)
    return shutil.which("dentsec") or "dentsec"


def parse_time(value: str) -> tuple[int, int]:
    hour_text, _, minute_text = value.partition(":")
    try:
        hour, minute = int(hour_text), int(minute_text or "0")
    except ValueError:
        hour = minute = -1
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise DentsecError(f"Heure invalide : {value} (attendu HH:MM).",
                           f"Invalid time: {value} (expected HH:MM).")
    return hour, minute


def _systemd_quote(word: str) -> str:
    if word and not any(c in word for c in " \t\"'\\"):
        return word
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def systemd_units(at: str, program: str, home: Path) -> list[ScheduleFile]:
    hour, minute = parse_time(at)
    exec_start = " ".join(_systemd_quote(w) for w in (program, "backup", "run"))
    service = (
        "[Unit]\n"
        "Description=dentsec : sauvegarde quotidienne (daily backup)\n"
        "\n[Service]\n"
        "Type=oneshot\n"
        f"Environment={_systemd_quote('DENTSEC_HOME=' + str(home))}\n"
        f"ExecStart={exec_start}\n"
        "Nice=10\n"
        "IOSchedulingClass=idle\n"
    )
    timer = (
        "[Unit]\n"
        "Description=dentsec : sauvegarde quotidienne (daily backup)\n"
        "\n[Timer]\n"
        f"OnCalendar=*-*-* {hour:02d}:{minute:02d}:00\n"
        "Persistent=true\n"  # a day missed while the PC was off runs at next start
        f"Unit={UNIT_NAME}.service\n"
        "\n[Install]\n"
        "WantedBy=timers.target\n"
    )
    return [ScheduleFile(f"{UNIT_NAME}.service", service.encode()),
            ScheduleFile(f"{UNIT_NAME}.timer", timer.encode())]


def windows_task(at: str, program: str, user: str) -> ScheduleFile:
    hour, minute = parse_time(at)
    ET.register_namespace("", TASK_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
        element = ET.SubElement(parent, f"{{{TASK_NS}}}{tag}")
        if text is not None:
            element.text = text
        return element

    task = ET.Element(f"{{{TASK_NS}}}Task", {"version": "1.2"})
    info = sub(task, "RegistrationInfo")
    sub(info, "Description", "dentsec : sauvegarde quotidienne (daily backup)")
    sub(info, "URI", "\\dentsec\\sauvegarde")
    trigger = sub(sub(task, "Triggers"), "CalendarTrigger")
    sub(trigger, "Enabled", "true")  # triggerBaseType is a sequence: Enabled comes first
    sub(trigger, "StartBoundary", f"2024-01-01T{hour:02d}:{minute:02d}:00")
    sub(sub(trigger, "ScheduleByDay"), "DaysInterval", "1")
    principal = sub(sub(task, "Principals"), "Principal")
    principal.set("id", "Author")
    sub(principal, "UserId", user)
    sub(principal, "LogonType", "InteractiveToken")
    sub(principal, "RunLevel", "LeastPrivilege")
    settings = sub(task, "Settings")
    for tag, value in (("MultipleInstancesPolicy", "IgnoreNew"),
                       ("DisallowStartIfOnBatteries", "false"),
                       ("StopIfGoingOnBatteries", "false"),
                       ("StartWhenAvailable", "true"),  # missed while off: run at next start
                       ("Enabled", "true"),
                       ("ExecutionTimeLimit", "PT8H")):
        sub(settings, tag, value)
    actions = sub(task, "Actions")
    actions.set("Context", "Author")
    exec_ = sub(actions, "Exec")
    sub(exec_, "Command", program)
    sub(exec_, "Arguments", "backup run")
    ET.indent(task)
    # schtasks /XML expects UTF-16 with a byte order mark
    body = ET.tostring(task, encoding="unicode")
    text = '<?xml version="1.0" encoding="UTF-16"?>\n' + body + "\n"
    return ScheduleFile("dentsec-sauvegarde.xml", text.encode("utf-16"))


def launchd_plist(at: str, program: str, home: Path) -> ScheduleFile:
    hour, minute = parse_time(at)
    log = str(home / "backup" / "schedule.log")
    job = {
        "Label": LAUNCHD_LABEL,
        "ProgramArguments": [program, "backup", "run"],
        "EnvironmentVariables": {"DENTSEC_HOME": str(home)},
        "StartCalendarInterval": {"Hour": hour, "Minute": minute},
        "RunAtLoad": False,
        "LowPriorityIO": True,
        "StandardOutPath": log,
        "StandardErrorPath": log,
    }
    return ScheduleFile(f"{LAUNCHD_LABEL}.plist", plistlib.dumps(job, fmt=plistlib.FMT_XML))


def schedule_files(target_os: str, at: str) -> list[ScheduleFile]:
    program, home = dentsec_command(), dentsec_home().absolute()
    if target_os == "linux":
        return systemd_units(at, program, home)
    if target_os == "windows":
        user = os.environ.get("USERDOMAIN", "")
        name = getpass.getuser()
        return [windows_task(at, program, f"{user}\\{name}" if user else name)]
    return [launchd_plist(at, program, home)]


def install_commands(target_os: str, folder: Path) -> list[list[str]]:
    """What registers the written files with the OS scheduler."""
    if target_os == "linux":
        return [["systemctl", "daemon-reload"],
                ["systemctl", "enable", "--now", f"{UNIT_NAME}.timer"]]
    if target_os == "windows":
        return [["schtasks", "/Create", "/TN", "dentsec\\sauvegarde", "/F",
                 "/XML", str(folder / "dentsec-sauvegarde.xml")]]
    return [["launchctl", "load", "-w", str(folder / f"{LAUNCHD_LABEL}.plist")]]


def default_folder(target_os: str) -> Path:
    if target_os == "linux":
        return SYSTEMD_DIR
    if target_os == "windows":
        return dentsec_home() / "backup"
    return Path.home() / "Library" / "LaunchAgents"


def write_files(folder: Path, files: list[ScheduleFile]) -> list[Path]:
    written = []
    for item in files:
        path = folder / item.name
        atomic_write_bytes(path, item.content, mode=0o644)
        written.append(path)
    return written
