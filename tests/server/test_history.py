"""Score history (one row per device and day), the charts, and the pages built on them."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from dentsec.server.console import history, ingest
from dentsec.server.console.models import DailyScore, Device

from .conftest import load_report, login_client

pytestmark = pytest.mark.django_db


def upload(device: Device, *, days_ago: float, score: int | None = None,
           name: str = "report-windows.json", failing: tuple[str, ...] = (),
           at: datetime | None = None) -> None:
    """A report audited ``days_ago`` days before ``at`` (default: now) by a device whose
    clock is right."""
    data = load_report(name)
    at = (at or timezone.now()) - timedelta(days=days_ago)
    data["generated_at"] = at.isoformat()
    if score is not None:
        data["score"]["overall"] = score
        data["score"]["by_rule"]["4"] = score
    for finding in data["findings"]:
        if finding["id"] in failing:
            finding["status"] = "fail"
    ingest.store_report(device, json.dumps(data).encode(), sent_at=timezone.now())


def last_value(page: str, chart_id: str) -> str:
    """The value written at the right end of a chart (the latest day)."""
    chart = page.split(f'id="{chart_id}"', 1)[1].split("</svg>", 1)[0]
    found = re.search(r'<text class="last"[^>]*>(\d+)</text>', chart)
    assert found is not None, chart[:300]
    return found.group(1)


def test_one_row_per_device_and_day_the_latest_report_of_the_day_wins(
        tenants: dict[str, Any]) -> None:
    device = tenants["a"]["device_shared"]
    # the three reports of day -3 fall on the same Paris day whatever the hour now
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    upload(device, days_ago=3.1, score=40, at=noon)
    upload(device, days_ago=3.0, score=60, at=noon)
    upload(device, days_ago=3.2, score=10, at=noon)  # a late one from the offline queue: older
    upload(device, days_ago=1, score=70)
    rows = {r.day: r for r in DailyScore.objects.filter(device=device)}
    day3 = (noon - timedelta(days=3)).date()
    assert rows[day3].score == 60 and rows[day3].rule_4 == 60
    assert len(rows) == 3  # the fixture's report of today, day -3 and day -1


def test_the_practice_trend_counts_every_device_every_day(client: Client,
                                                          tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    DailyScore.objects.all().delete()
    upload(a["device_staff"], days_ago=5, score=20)
    upload(a["device_shared"], days_ago=5, score=80)
    upload(a["device_shared"], days_ago=1, score=90)
    # Day -1: the staff device said nothing, so its 20 still counts: (20 + 90) / 2, where
    # a daily average of whichever devices reported would say 90.
    points = history.carried_trend(Device.objects.filter(practice=a["practice"]))
    assert [p.value for p in points] == [50, 50, 50, 50, 55, 55]
    login_client(client, a["lead"])
    page = client.get(f"/cabinet/{a['practice'].pk}/").content.decode()
    assert last_value(page, "practice-chart") == "55"
    # A revoked device leaves the trend.
    Device.objects.filter(pk=a["device_staff"].pk).update(revoked_at=timezone.now())
    page = client.get(f"/cabinet/{a['practice'].pk}/").content.decode()
    assert last_value(page, "practice-chart") == "90"


def test_a_device_last_seen_before_the_window_still_counts(tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    DailyScore.objects.all().delete()
    upload(a["device_staff"], days_ago=120, score=30)
    upload(a["device_shared"], days_ago=2, score=70)
    points = history.carried_trend(Device.objects.filter(practice=a["practice"]))
    assert len(points) == history.DAYS
    assert points[0].value == 30 and points[-1].value == 50


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(-5, 20),
                          st.one_of(st.none(), st.integers(0, 100))), max_size=40))
@settings(max_examples=200, deadline=None)
def test_carrying_forward_is_a_mean_of_last_known_values(
        rows: list[tuple[int, int, int | None]]) -> None:
    start = datetime(2026, 1, 1).date()
    end = start + timedelta(days=9)
    dated = sorted(((d, start + timedelta(days=o), v) for d, o, v in rows),
                   key=lambda r: r[1])
    points = history._carry(dated, start, end)
    assert all(start <= p.day <= end and 0 <= p.value <= 100 for p in points)
    days = [p.day for p in points]
    assert days == sorted(set(days))
    for p in points:  # recompute the day's value from scratch
        known: dict[int, int] = {}
        for device, day, value in dated:
            if day > p.day:
                continue
            if value is not None:
                known[device] = value
            elif day >= start:  # measured without this value: no longer known
                known.pop(device, None)
        assert p.value == round(sum(known.values()) / len(known))


def test_device_page_leads_with_five_fixes_and_what_is_new(client: Client,
                                                           tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    device = a["device_shared"]
    login_client(client, a["lead"])
    page = client.get(f"/poste/{device.pk}/").content.decode()
    assert page.index('id="device-fixes"') < page.index('id="findings"')
    fixes = page.split('id="device-fixes"', 1)[1].split("</ol>", 1)[0]
    assert fixes.count("<li>") == 5 and "/corriger/BAK-RECENT/" in fixes
    assert "Premier rapport de ce poste" in page
    upload(device, days_ago=0, name="report-linux.json", failing=("FW-ENABLED",))
    page = client.get(f"/poste/{device.pk}/").content.decode()
    news = page.split('id="device-new"', 1)[1].split("</div>", 1)[0]
    assert "nouveau" in news and "/corriger/FW-ENABLED/" in news
    assert "corrigé" in news and "La dernière sauvegarde est récente" in news
    assert "PWD-MIN-LENGTH" not in news  # failing in both reports: not new


def test_device_charts_have_a_date_axis_and_one_chart_per_rule(
        client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    device = a["device_staff"]
    upload(device, days_ago=30, score=35)
    login_client(client, a["staff"])
    page = client.get(f"/poste/{device.pk}/").content.decode()
    chart = page.split('id="device-chart"', 1)[1].split("</figure>", 1)[0]
    today = timezone.localdate()
    first = today - timedelta(days=history.DAYS - 1)
    assert f">{first:%d/%m/%Y}</text>" in chart and f">{today:%d/%m/%Y}</text>" in chart
    assert f"{(today - timedelta(days=30)):%d/%m/%Y} — 35" in chart  # the point's title
    assert page.split('id="rule-charts"', 1)[1].count("<svg") == 6
    assert "<script" not in chart and "style=" not in chart  # CSP-safe


def test_rule_view_lists_devices_and_their_checks(client: Client,
                                                  tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    login_client(client, a["lead"])
    page = client.get(f"/cabinet/{a['practice'].pk}/regle/4/").content.decode()
    assert "Règle 4 — Sauvegardes" in page
    table = page.split('id="rule-devices"', 1)[1]
    assert "pc-a-staff" in table and "pc-a-shared" in table
    assert "La dernière sauvegarde est récente" in table
    assert "Les mots de passe doivent" not in table  # rule 1, not this one
    assert "pc-a-other-practice" not in page
    assert client.get(f"/cabinet/{a['practice'].pk}/regle/9/").status_code == 404


def test_a_check_across_the_providers_practices(client: Client,
                                                tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    upload(a["device_shared"], days_ago=0, name="report-linux.json")
    login_client(client, a["admin"])
    page = client.get("/controle/BAK-RECENT/").content.decode()
    assert "La dernière sauvegarde est récente" in page
    assert "2 postes à corriger sur 3" in page
    assert "Cabinet a1" in page and "Cabinet a2" in page and "pc-a-shared" not in page
    assert "pc-b-" not in page and "Cabinet b" not in page
    login_client(client, a["lead"])
    page = client.get("/controle/BAK-RECENT/").content.decode()
    assert "1 poste à corriger sur 2" in page and "Cabinet a2" not in page
    assert client.get("/controle/NOPE-NOPE/").status_code == 404
    login_client(client, a["staff"])
    assert client.get("/controle/BAK-RECENT/").status_code == 404


def test_the_new_pages_speak_english(client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    login_client(client, a["lead"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    device = client.get(f"/poste/{a['device_staff'].pk}/").content.decode()
    assert "This device's five fixes" in device and "Score history (90 days)" in device
    assert "The last backup is recent" in client.get(
        f"/cabinet/{a['practice'].pk}/regle/4/").content.decode()  # the catalog's English
    alerts_page = client.get("/alertes/").content.decode()
    assert "Acknowledge" in alerts_page and "the backup is overdue" in alerts_page
    assert "Les cinq" not in device and "Acquitter" not in alerts_page


def test_the_migration_fills_the_history_from_stored_reports(tenants: dict[str, Any]) -> None:
    """A console upgraded with months of reports gets their charts at once."""
    from importlib import import_module

    from django.apps import apps

    device = tenants["a"]["device_shared"]
    upload(device, days_ago=10, score=30)
    upload(device, days_ago=10.1, score=20)
    expected = sorted(DailyScore.objects.values_list("device_id", "day", "score"))
    DailyScore.objects.all().delete()
    migration = import_module("dentsec.server.console.migrations.0003_history_alerts")
    migration.backfill_daily_scores(apps, None)
    assert sorted(DailyScore.objects.values_list("device_id", "day", "score")) == expected


def test_history_older_than_the_keep_period_goes(tenants: dict[str, Any]) -> None:
    device = tenants["a"]["device_shared"]
    upload(device, days_ago=history.KEEP_DAYS + 5, score=10)
    upload(device, days_ago=history.KEEP_DAYS - 5, score=20)
    assert history.prune() == 1
    assert sorted(DailyScore.objects.filter(device=device).values_list("score", flat=True)) \
        == [20, 48]
