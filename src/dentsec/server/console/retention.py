"""How long full reports are kept.

A real report is some 50 kB; a provider with 10,000 devices reporting daily would keep
hundreds of GB a year. After ``KEEP_DETAIL`` the full content of a report is dropped; its
summary (date, score per rule, critical count) stays for the trend, its digest stays so a
late replay is still recognised, and a device's current report is always kept whole.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone

from dentsec.server.console.models import Report

KEEP_DETAIL = timedelta(days=90)


def prune_details(now: datetime | None = None) -> int:
    limit = (now or timezone.now()) - KEEP_DETAIL
    old = (Report.objects.filter(received_at__lt=limit)
           .exclude(body=b"")
           .exclude(device__current_report=F("pk")))
    return old.update(body=b"")
