"""Daily jobs (``dentsec backup run``, ``dentsec agent run``): a systemd timer on Linux, a
Task Scheduler task on Windows, a launchd job on macOS. Files are generated here for every
OS (so the Windows and macOS ones are tested on any machine); installing is a separate,
confirmed step.

Windows task XML follows Microsoft's "Task Scheduler Schema" reference
(learn.microsoft.com/windows/win32/taskschd/task-scheduler-schema); the plist follows
launchd.plist(5).
"""

from __future__ import annotations

import getpass
import os
import plistlib
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from dentsec.errors import DentsecError
from dentsec.fileio import atomic_write_bytes
from dentsec.paths import dentsec_home
from dentsec.vocab import OSFamily

TASK_NS = "http://schemas.microsoft.com/windows/2004/02/mit/task"
SYSTEMD_DIR = Path("/etc/systemd/system")
WINDOWS_SYSTEM_SID = "S-1-5-18"


@dataclass(frozen=True)
class Job:
    slug: str
    """dentsec-<slug> for systemd, fr.dentsec.<slug> for launchd, the state folder name."""
    args: tuple[str, ...]
    description: str
    task_name: str
    """Task Scheduler path, e.g. dentsec\\sauvegarde."""
    time_limit: str
    """Windows ExecutionTimeLimit (ISO 8601 duration)."""
    random_delay_minutes: int = 0
    """Spread the start so a provider's machines do not all call at once."""
    run_as_system: bool = False
    """Windows: SYSTEM (sees every account and setting) rather than the scheduling user
    (who owns the keyring the job needs)."""
    needs_network: bool = False
    low_priority: bool = False

    @property
    def unit(self) -> str:
        return f"dentsec-{self.slug}"

    @property
    def label(self) -> str:
        return f"fr.dentsec.{self.slug}"

    @property
    def task_file(self) -> str:
        return self.task_name.replace("\\", "-") + ".xml"


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


def systemd_units(job: Job, at: str, program: str, home: Path) -> list[ScheduleFile]:
    hour, minute = parse_time(at)
    exec_start = " ".join(_systemd_quote(w) for w in (program, *job.args))
    network = "Wants=network-online.target\nAfter=network-online.target\n" if job.needs_network else ""
    quiet = "Nice=10\nIOSchedulingClass=idle\n" if job.low_priority else "Nice=10\n"
    service = (f"[Unit]\nDescription={job.description}\n{network}"
               "\n[Service]\nType=oneshot\n"
               f"Environment={_systemd_quote('DENTSEC_HOME=' + str(home))}\n"
               f"ExecStart={exec_start}\n{quiet}")
    delay = f"RandomizedDelaySec={job.random_delay_minutes}min\n" if job.random_delay_minutes else ""
    timer = (f"[Unit]\nDescription={job.description}\n"
             f"\n[Timer]\nOnCalendar=*-*-* {hour:02d}:{minute:02d}:00\n"
             "Persistent=true\n"  # a day missed while the PC was off runs at next start
             f"{delay}Unit={job.unit}.service\n"
             "\n[Install]\nWantedBy=timers.target\n")
    return [ScheduleFile(f"{job.unit}.service", service.encode()),
            ScheduleFile(f"{job.unit}.timer", timer.encode())]


def windows_task(job: Job, at: str, program: str, user: str | None = None,
                 home: Path | None = None) -> ScheduleFile:
    """``user`` is the account the task runs as (ignored for a SYSTEM job). A task has no
    environment of its own: ``home`` (DENTSEC_HOME) goes on the command line as
    ``--home``, quoted the way Windows programs split their command line."""
    hour, minute = parse_time(at)
    ET.register_namespace("", TASK_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
        element = ET.SubElement(parent, f"{{{TASK_NS}}}{tag}")
        if text is not None:
            element.text = text
        return element

    task = ET.Element(f"{{{TASK_NS}}}Task", {"version": "1.2"})
    info = sub(task, "RegistrationInfo")
    sub(info, "Description", job.description)
    sub(info, "URI", "\\" + job.task_name)
    trigger = sub(sub(task, "Triggers"), "CalendarTrigger")
    sub(trigger, "Enabled", "true")  # triggerBaseType is a sequence: Enabled comes first
    sub(trigger, "StartBoundary", f"2024-01-01T{hour:02d}:{minute:02d}:00")
    if job.random_delay_minutes:
        sub(trigger, "RandomDelay", f"PT{job.random_delay_minutes}M")
    sub(sub(trigger, "ScheduleByDay"), "DaysInterval", "1")
    principal = sub(sub(task, "Principals"), "Principal")
    principal.set("id", "Author")
    if job.run_as_system:
        sub(principal, "UserId", WINDOWS_SYSTEM_SID)
        sub(principal, "RunLevel", "HighestAvailable")
    else:
        sub(principal, "UserId", user or getpass.getuser())
        sub(principal, "LogonType", "InteractiveToken")
        sub(principal, "RunLevel", "LeastPrivilege")
    settings = sub(task, "Settings")
    for tag, value in (("MultipleInstancesPolicy", "IgnoreNew"),
                       ("DisallowStartIfOnBatteries", "false"),
                       ("StopIfGoingOnBatteries", "false"),
                       ("StartWhenAvailable", "true"),  # missed while off: run at next start
                       ("Enabled", "true"),
                       ("ExecutionTimeLimit", job.time_limit)):
        sub(settings, tag, value)
    actions = sub(task, "Actions")
    actions.set("Context", "Author")
    exec_ = sub(actions, "Exec")
    sub(exec_, "Command", program)
    # A job's args are command-line words as written (the PowerShell agent's quoted -File
    # path among them); only the home folder, which may hold spaces, is quoted here.
    home_words = [subprocess.list2cmdline(["--home", str(home)])] if home is not None else []
    sub(exec_, "Arguments", " ".join([*home_words, *job.args]))
    ET.indent(task)
    # schtasks /XML expects UTF-16 with a byte order mark
    text = '<?xml version="1.0" encoding="UTF-16"?>\n' + ET.tostring(task, encoding="unicode") + "\n"
    return ScheduleFile(job.task_file, text.encode("utf-16"))


def launchd_plist(job: Job, at: str, program: str, home: Path) -> ScheduleFile:
    hour, minute = parse_time(at)
    log = str(home / job.slug / "schedule.log")
    plist = {
        "Label": job.label,
        "ProgramArguments": [program, *job.args],
        "EnvironmentVariables": {"DENTSEC_HOME": str(home)},
        "StartCalendarInterval": {"Hour": hour, "Minute": minute},
        "RunAtLoad": False,
        "LowPriorityIO": job.low_priority,
        "StandardOutPath": log,
        "StandardErrorPath": log,
    }
    return ScheduleFile(f"{job.label}.plist", plistlib.dumps(plist, fmt=plistlib.FMT_XML))


def schedule_files(job: Job, target_os: str, at: str) -> list[ScheduleFile]:
    program, home = dentsec_command(), dentsec_home().absolute()
    if target_os == OSFamily.LINUX:
        return systemd_units(job, at, program, home)
    if target_os == OSFamily.WINDOWS:
        domain, name = os.environ.get("USERDOMAIN", ""), getpass.getuser()
        return [windows_task(job, at, program, f"{domain}\\{name}" if domain else name, home)]
    return [launchd_plist(job, at, program, home)]


def install_commands(job: Job, target_os: str, folder: Path) -> list[list[str]]:
    """What registers the written files with the OS scheduler."""
    if target_os == OSFamily.LINUX:
        return [["systemctl", "daemon-reload"], ["systemctl", "enable", "--now", f"{job.unit}.timer"]]
    if target_os == OSFamily.WINDOWS:
        return [["schtasks", "/Create", "/TN", job.task_name, "/F", "/XML",
                 str(folder / job.task_file)]]
    return [["launchctl", "load", "-w", str(folder / f"{job.label}.plist")]]


def default_folder(job: Job, target_os: str) -> Path:
    if target_os == OSFamily.LINUX:
        return SYSTEMD_DIR
    if target_os == OSFamily.WINDOWS:
        return dentsec_home() / job.slug
    return Path.home() / "Library" / "LaunchAgents"


def write_files(folder: Path, files: list[ScheduleFile]) -> list[Path]:
    written = []
    for item in files:
        path = folder / item.name
        atomic_write_bytes(path, item.content, mode=0o644)
        written.append(path)
    return written
