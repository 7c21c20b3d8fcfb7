"""Honest device state when a device's clock is wrong: the current report is the latest
in server time, a report dated in the future is refused, alerts judge what arrived."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils.http import http_date
from hypothesis import given
from hypothesis import strategies as st

from dentsec.server.console import ingest
from dentsec.server.console.models import Alert, Device, Report

from .conftest import days_ago, load_report, login_client, report_bytes

pytestmark = pytest.mark.django_db


def _upload(client: Client, credential: str, body: bytes, clock: datetime) -> Any:
    """As the agent sends it: its own clock in the Date header."""
    return client.post("/api/v1/agent/reports", body, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {credential}",
                       HTTP_DATE=http_date(clock.timestamp()))


def _clean_report(at: datetime) -> bytes:
    return report_bytes("report-linux.json", at=at)


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_report_dated_2099_is_refused_and_changes_nothing(client: Client,
                                                            tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    device: Device = a["device_staff"]
    device.refresh_from_db()
    before = (device.score, device.current_report_id, Report.objects.count())
    future = datetime(2099, 1, 1, 12, tzinfo=UTC)
    response = _upload(client, a["credential"], _clean_report(future), future)
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "future-date"
    assert "01/01/2099" in problem["fr"] and "horloge" in problem["fr"]
    device.refresh_from_db()
    assert (device.score, device.current_report_id, Report.objects.count()) == before
    # The practice still sees the device's real state, not a perfect score.
    login_client(client, a["lead"])
    assert f'<b id="device-score">{device.score}</b>' in _page(client, f"/poste/{device.pk}/")
    assert device.score != 100


def test_a_day_ahead_is_accepted(client: Client, tenants: dict[str, Any]) -> None:
    ahead = datetime.now(UTC) + timedelta(hours=20)
    response = _upload(client, tenants["a"]["credential"], _clean_report(ahead), ahead)
    assert response.status_code == 201


def test_after_a_clean_report_one_dated_2001_becomes_current(
        client: Client, tenants: dict[str, Any]) -> None:
    """A dead CMOS battery: the clock restarts in 2001, the machine is now in bad shape."""
    a = tenants["a"]
    device: Device = a["device_shared"]
    cred = _enroll_again(client, a)
    now = datetime.now(UTC)
    assert _upload(client, cred, _clean_report(now - timedelta(hours=2)),
                   now).status_code == 201
    device = Device.objects.get(name="pc-a-clock")
    assert device.score == 92 and device.critical_count == 0
    assert not Alert.objects.filter(device=device, resolved_at=None).exists()

    cmos = datetime(2001, 1, 1, 0, 5, tzinfo=UTC)
    bad = report_bytes(at=cmos)  # Windows 10 past its end of support, backup failing
    assert _upload(client, cred, bad, cmos + timedelta(minutes=1)).status_code == 201
    device.refresh_from_db()
    assert device.score == 48 and device.critical_count == 2
    assert device.current_report is not None
    assert device.current_report.generated_at == cmos
    assert abs((device.current_report.observed_at - datetime.now(UTC)).total_seconds()) < 120
    assert device.clock_flagged and device.clock_offset is not None
    assert device.clock_offset < -20 * 365 * 86400
    # Alerts are judged on arrival, not on the device's date of 2001.
    kinds = set(Alert.objects.filter(device=device, resolved_at=None)
                .values_list("kind", flat=True))
    # (its two critical failures are the backup and the end of support: one alert each)
    assert {Alert.KIND_BACKUP, Alert.KIND_OS_EOL} <= kinds

    # What the practice is told: the device's real score, and its clock.
    login_client(client, a["lead"])
    page = _page(client, f"/poste/{device.pk}/")
    assert '<b id="device-score">48</b>' in page
    assert "en retard de" in page and 'id="clock-warning"' in page
    overview = _page(client, f"/cabinet/{a['practice'].pk}/")
    assert "pc-a-clock" in overview  # among the devices to fix
    assert device.pk != a["device_shared"].pk


def _enroll_again(client: Client, a: dict[str, Any]) -> str:
    _, token = ingest.create_token(a["practice"], by=None)
    response = client.post("/api/v1/enroll", {"token": token, "name": "pc-a-clock"},
                           content_type="application/json")
    assert response.status_code == 201
    credential: str = response.json()["credential"]
    return credential


def test_a_queued_report_arriving_late_is_history_only(client: Client,
                                                       tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    cred = _enroll_again(client, a)
    now = datetime.now(UTC)
    assert _upload(client, cred, _clean_report(now - timedelta(hours=1)), now).status_code == 201
    # Made three days ago while the server was unreachable, sent now by a right clock.
    assert _upload(client, cred, report_bytes(at=now - timedelta(days=3)),
                   now).status_code == 201
    device = Device.objects.get(name="pc-a-clock")
    assert device.score == 92 and device.reports.count() == 2
    assert device.clock_offset is not None and abs(device.clock_offset) < 60
    assert not device.clock_flagged
    assert not Alert.objects.filter(device=device).exists()  # history raises nothing
    login_client(client, a["lead"])
    page = _page(client, f"/poste/{device.pk}/")
    assert '<b id="device-score">92</b>' in page and "à l&#x27;heure" in page


def test_a_crafted_date_cannot_freeze_the_state(client: Client,
                                                tenants: dict[str, Any]) -> None:
    """A clean report whose Date header claims a clock years behind would be 'newer' than
    anything: it is never placed after its own arrival, so the next report replaces it."""
    a = tenants["a"]
    cred = _enroll_again(client, a)
    now = datetime.now(UTC)
    assert _upload(client, cred, _clean_report(now),
                   now - timedelta(days=3650)).status_code == 201
    assert _upload(client, cred, report_bytes(at=now + timedelta(seconds=1)),
                   now + timedelta(seconds=1)).status_code == 201
    device = Device.objects.get(name="pc-a-clock")
    assert device.score == 48


def test_without_a_date_header_the_last_received_is_current(tenants: dict[str, Any]) -> None:
    device = tenants["a"]["device_shared"]
    ingest.store_report(device, _clean_report(days_ago(0)))
    ingest.store_report(device, report_bytes(at=days_ago(300)))
    device.refresh_from_db()
    assert device.score == 48
    assert device.clock_offset is None and not device.clock_flagged  # unknown, not "off"


@given(generated=st.datetimes(timezones=st.just(UTC)),
       sent=st.none() | st.datetimes(timezones=st.just(UTC)),
       received=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1),
                             timezones=st.just(UTC)))
def test_observed_time_is_never_after_arrival(generated: datetime, sent: datetime | None,
                                              received: datetime) -> None:
    try:
        observed, offset = ingest.observed_time(generated, received, sent)
    except OverflowError:
        return  # beyond datetime's range: the schema's date-time check refuses these first
    assert observed <= received
    if sent is None:
        assert observed == received


def test_the_report_api_tells_the_clock(client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    data = load_report()
    login_client(client, a["lead"])
    body = client.get(f"/api/v1/reports/{a['report'].pk}").json()
    assert "observed_at" in body and "clock_offset" in body
    assert json.dumps(data)  # fixture intact
