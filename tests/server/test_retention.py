"""Old reports lose their detail, never their summary, digest, or a device's latest."""

from __future__ import annotations

from typing import Any

import pytest

from dentsec.server.console import ingest, retention
from dentsec.server.console.models import Report

from .conftest import days_ago, report_bytes

pytestmark = pytest.mark.django_db


def test_prune_keeps_summaries_digests_and_the_latest(tenants: dict[str, Any]) -> None:
    device = tenants["a"]["device_shared"]
    when = days_ago(200)
    # sent late by a right clock: history, not the current report
    old = ingest.store_report(device, report_bytes(at=when), sent_at=days_ago(0)).report
    Report.objects.filter(device=device).update(received_at=days_ago(120))
    device.refresh_from_db()
    latest = device.current_report
    assert latest is not None and latest.pk != old.pk
    assert retention.prune_details() >= 1
    old.refresh_from_db()
    latest.refresh_from_db()
    assert old.data == {} and old.score == 48 and old.digest
    assert latest.data["findings"]
    # A late replay of the trimmed report is still recognised.
    again = ingest.store_report(device, report_bytes(at=when))
    assert not again.created and again.report.pk == old.pk
