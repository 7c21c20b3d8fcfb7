"""The daily backup job (generated and installed by dentsec.schedule).

The Windows task runs as the user who schedules it (interactive token) and the macOS job is
a per-user LaunchAgent: both must reach the keyring of the account that ran ``init``.
"""

from __future__ import annotations

from dentsec.schedule import Job

# each day also reads the next 1/30 of the repository: all of it is read once a month
JOB = Job(slug="backup", args=("backup", "run", "--verify"),
          description="dentsec : sauvegarde quotidienne (daily backup)",
          task_name="dentsec\\sauvegarde", time_limit="PT8H", low_priority=True)
