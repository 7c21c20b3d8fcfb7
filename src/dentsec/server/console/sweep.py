"""The hourly sweep (`dentsec serve`'s background thread, or `dentsec server send-alerts`
from cron): time-based alerts, the digests, last month's reports, trimming old reports and
old history, deleting expired evidence bundles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from dentsec.server.console import (
    alerts,
    digest,
    evidence,
    fix_requests,
    history,
    monthly,
    procedures,
    retention,
)


@dataclass(frozen=True)
class Swept:
    new_alerts: int
    digests: int
    monthly_reports: int
    trimmed: int
    bundles_purged: int = 0


def run(now: datetime | None = None) -> Swept:
    now = now or timezone.now()
    created = alerts.sweep(now) + procedures.sweep(now)  # procedures: issue 14
    sent = digest.send_digests(now)
    made = monthly.run_due(now)
    history.prune(timezone.localdate(now))
    fix_requests.expire(now)  # issue 16: fixes asked from the console
    return Swept(len(created), sent, len(made), retention.prune_details(now),
                 evidence.purge(now))
