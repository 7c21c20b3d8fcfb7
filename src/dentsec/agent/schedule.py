"""The daily ``dentsec agent run`` (generated and installed by dentsec.schedule): it runs
as SYSTEM on Windows so the audit sees every account, and starts at a random delay so a
provider's machines do not all call at once."""

from __future__ import annotations

from dentsec.schedule import Job

JOB = Job(slug="agent", args=("agent", "run"),
          description="dentsec : audit quotidien envoyé à la console (daily audit upload)",
          task_name="dentsec\\agent", time_limit="PT1H", random_delay_minutes=30,
          run_as_system=True, needs_network=True)
