"""A daily ``dentsec agent run``: systemd timer (Linux), Task Scheduler XML (Windows),
launchd plist (macOS). Same schedulers and formats as the backups (see
dentsec.backup.schedule for the references followed); only the job differs, and the
agent's run is delayed at random so a provider's machines do not all call at once.
"""

from __future__ import annotations

import plistlib
from pathlib import Path
from xml.etree import ElementTree as ET

from dentsec.backup.schedule import (
    TASK_NS,
    ScheduleFile,
    dentsec_command,
    parse_time,
)
from dentsec.paths import dentsec_home

UNIT_NAME = "dentsec-agent"
LAUNCHD_LABEL = "fr.dentsec.agent"
TASK_NAME = "dentsec\\agent"
TASK_FILE = "dentsec-agent.xml"
DESCRIPTION = "dentsec : audit quotidien envoyé à la console (daily audit upload)"


def _quote(word: str) -> str:
    if word and not any(c in word for c in " \t\"'\\"):
        return word
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def systemd_units(at: str, program: str, home: Path) -> list[ScheduleFile]:
    hour, minute = parse_time(at)
    service = (
        f"[Unit]\nDescription={DESCRIPTION}\nWants=network-online.target\n"
        "After=network-online.target\n"
        "\n[Service]\nType=oneshot\n"
        f"Environment={_quote('DENTSEC_HOME=' + str(home))}\n"
        f"ExecStart={' '.join(_quote(w) for w in (program, 'agent', 'run'))}\n"
        "Nice=10\n")
    timer = (
        f"[Unit]\nDescription={DESCRIPTION}\n"
        f"\n[Timer]\nOnCalendar=*-*-* {hour:02d}:{minute:02d}:00\n"
        "Persistent=true\nRandomizedDelaySec=30min\n"
        f"Unit={UNIT_NAME}.service\n"
        "\n[Install]\nWantedBy=timers.target\n")
    return [ScheduleFile(f"{UNIT_NAME}.service", service.encode()),
            ScheduleFile(f"{UNIT_NAME}.timer", timer.encode())]


def windows_task(at: str, program: str) -> ScheduleFile:
    """Runs as SYSTEM so the audit sees every account and setting of the machine."""
    hour, minute = parse_time(at)
    ET.register_namespace("", TASK_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
        element = ET.SubElement(parent, f"{{{TASK_NS}}}{tag}")
        if text is not None:
            element.text = text
        return element

    task = ET.Element(f"{{{TASK_NS}}}Task", {"version": "1.2"})
    info = sub(task, "RegistrationInfo")
    sub(info, "Description", DESCRIPTION)
    sub(info, "URI", "\\" + TASK_NAME)
    trigger = sub(sub(task, "Triggers"), "CalendarTrigger")
    sub(trigger, "StartBoundary", f"2024-01-01T{hour:02d}:{minute:02d}:00")
    sub(trigger, "RandomDelay", "PT30M")
    sub(trigger, "Enabled", "true")
    sub(sub(trigger, "ScheduleByDay"), "DaysInterval", "1")
    principal = sub(sub(task, "Principals"), "Principal")
    principal.set("id", "Author")
    sub(principal, "UserId", "S-1-5-18")
    sub(principal, "RunLevel", "HighestAvailable")
    settings = sub(task, "Settings")
    for tag, value in (("MultipleInstancesPolicy", "IgnoreNew"),
                       ("DisallowStartIfOnBatteries", "false"),
                       ("StopIfGoingOnBatteries", "false"),
                       ("StartWhenAvailable", "true"),
                       ("RunOnlyIfNetworkAvailable", "false"),
                       ("Enabled", "true"),
                       ("ExecutionTimeLimit", "PT1H")):
        sub(settings, tag, value)
    actions = sub(task, "Actions")
    actions.set("Context", "Author")
    exec_ = sub(actions, "Exec")
    sub(exec_, "Command", program)
    sub(exec_, "Arguments", "agent run")
    ET.indent(task)
    text = ('<?xml version="1.0" encoding="UTF-16"?>\n'
            + ET.tostring(task, encoding="unicode") + "\n")
    return ScheduleFile(TASK_FILE, text.encode("utf-16"))


def launchd_plist(at: str, program: str, home: Path) -> ScheduleFile:
    hour, minute = parse_time(at)
    log = str(home / "agent" / "schedule.log")
    job = {
        "Label": LAUNCHD_LABEL,
        "ProgramArguments": [program, "agent", "run"],
        "EnvironmentVariables": {"DENTSEC_HOME": str(home)},
        "StartCalendarInterval": {"Hour": hour, "Minute": minute},
        "RunAtLoad": False,
        "StandardOutPath": log,
        "StandardErrorPath": log,
    }
    return ScheduleFile(f"{LAUNCHD_LABEL}.plist", plistlib.dumps(job, fmt=plistlib.FMT_XML))


def schedule_files(target_os: str, at: str) -> list[ScheduleFile]:
    program, home = dentsec_command(), dentsec_home().absolute()
    if target_os == "linux":
        return systemd_units(at, program, home)
    if target_os == "windows":
        return [windows_task(at, program)]
    return [launchd_plist(at, program, home)]


def install_commands(target_os: str, folder: Path) -> list[list[str]]:
    if target_os == "linux":
        return [["systemctl", "daemon-reload"],
                ["systemctl", "enable", "--now", f"{UNIT_NAME}.timer"]]
    if target_os == "windows":
        return [["schtasks", "/Create", "/TN", TASK_NAME, "/F", "/XML",
                 str(folder / TASK_FILE)]]
    return [["launchctl", "load", "-w", str(folder / f"{LAUNCHD_LABEL}.plist")]]


def default_folder(target_os: str) -> Path:
    if target_os == "linux":
        return Path("/etc/systemd/system")
    if target_os == "windows":
        return dentsec_home() / "agent"
    return Path.home() / "Library" / "LaunchAgents"
