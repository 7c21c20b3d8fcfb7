"""The daily ``dentsec agent run --scan`` (generated and installed by dentsec.schedule): it
runs as SYSTEM on Windows so the audit sees every account, starts at a random delay so a
provider's machines do not all call at once, and runs the network scan when the console
assigned it to this workstation (issue 18)."""

from __future__ import annotations

from dentsec.schedule import Job

JOB = Job(slug="agent", args=("agent", "run", "--scan"),
          description="dentsec : audit quotidien envoyé à la console (daily audit upload)",
          task_name="dentsec\\agent", time_limit="PT1H", random_delay_minutes=30,
          run_as_system=True, needs_network=True)
