"""dentsec-agent.ps1: the Windows agent without Python (shipped beside dentsec-collect.ps1).

The script registers one daily task as SYSTEM; its XML is written here, by the same
``dentsec.schedule.windows_task`` as every other job, and the script carries that very
text (tests/agent/test_powershell.py compares them and validates the XML against the
Task Scheduler schema). ``INSTALL_DIR`` stands for the folder the script installs itself
in, which only the Windows machine knows (%ProgramFiles%\\dentsec).
"""

from __future__ import annotations

from pathlib import Path

from dentsec.schedule import Job, windows_task

INSTALL_DIR = "__DENTSEC_DIR__"
SCRIPT_NAME = "dentsec-agent.ps1"
COLLECTOR_NAME = "dentsec-collect.ps1"

JOB = Job(slug="agent-powershell",
          args=("-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-File",
                f'"{INSTALL_DIR}\\{SCRIPT_NAME}"', "-Run"),
          description="dentsec : preuves quotidiennes envoyees a la console "
                      "(daily evidence upload)",
          task_name="dentsec\\agent", time_limit="PT1H", random_delay_minutes=60,
          run_as_system=True, needs_network=True)


def script_path() -> Path:
    return Path(__file__).resolve().parents[1] / "collect" / "windows" / SCRIPT_NAME


def task_xml() -> str:
    """The task's XML as the script registers it (before INSTALL_DIR is replaced)."""
    content = windows_task(JOB, "12:30", "powershell.exe").content
    return content.decode("utf-16")
