"""Score history: one row per device and day (models.DailyScore), written at ingest.

The practice trend carries each device's last known score forward day by day, so a day
on which only the healthy device reported does not lift the practice: every active device
counts on every day once it has reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from dentsec.server.console.models import DailyScore, Device

RULES = ("1", "2", "3", "4", "5", "6")
DAYS = 90
KEEP_DAYS = 400
"""Rows older than this go (charts show 90 days, the monthly report last month); some
3.6 million rows a year for 10,000 devices otherwise."""
FIELDS = ("score",) + tuple(f"rule_{r}" for r in RULES)

_TABLE = DailyScore._meta.db_table
_COLUMNS = ("device_id", "practice_id", "day", "observed_at", *FIELDS, "critical_count")
_UPDATED = [c for c in _COLUMNS if c not in ("device_id", "practice_id", "day")]
# One statement on PostgreSQL and SQLite: a later report of the same day replaces the row,
# an earlier one (a late upload from the offline queue) leaves it alone.
_UPSERT = (f'INSERT INTO "{_TABLE}" ({", ".join(_COLUMNS)}) '
           f'VALUES ({", ".join(["%s"] * len(_COLUMNS))}) '
           'ON CONFLICT (device_id, day) DO UPDATE SET '
           + ", ".join(f"{c} = excluded.{c}" for c in _UPDATED)
           + f' WHERE "{_TABLE}".observed_at <= excluded.observed_at')


def _small(value: Any) -> int | None:
    return int(value) if isinstance(value, int) else None


def record_day(device: Device, observed: datetime, score: dict[str, Any],
               critical: int) -> None:
    """Keep this report's scores as the device's figures for its day."""
    by_rule = score.get("by_rule") or {}
    ops = connection.ops
    values = [device.pk, device.practice_id,
              ops.adapt_datefield_value(timezone.localdate(observed)),
              ops.adapt_datetimefield_value(observed), _small(score.get("overall")),
              *(_small(by_rule.get(r)) for r in RULES), critical]
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, values)


def prune(today: date | None = None) -> int:
    """Drop the rows older than KEEP_DAYS; returns how many."""
    limit = (today or timezone.localdate()) - timedelta(days=KEEP_DAYS)
    deleted, _ = DailyScore.objects.filter(day__lt=limit).delete()
    return deleted


@dataclass(frozen=True)
class Point:
    day: date
    value: int


def window(days: int = DAYS, today: date | None = None) -> tuple[date, date]:
    end = today or timezone.localdate()
    return end - timedelta(days=days - 1), end


def device_series(device: Device, days: int = DAYS,
                  today: date | None = None) -> dict[str, list[Point]]:
    """The device's own points per field (overall score and each rule), day by day."""
    start, end = window(days, today)
    rows = (DailyScore.objects.filter(device=device, day__gte=start, day__lte=end)
            .order_by("day").values("day", *FIELDS))
    series: dict[str, list[Point]] = {f: [] for f in FIELDS}
    for row in rows:
        for name in FIELDS:
            if row[name] is not None:
                series[name].append(Point(row["day"], row[name]))
    return series


def carried_trend(devices: QuerySet[Device], field: str = "score", days: int = DAYS,
                  today: date | None = None) -> list[Point]:
    """Mean over the devices of each one's last known value, for each day of the window.

    Two indexed queries: the window's rows, and each device's last row before it (so a
    device that reported the day before the window counts from the first day)."""
    assert field in FIELDS
    start, end = window(days, today)
    ids = list(devices.values_list("pk", flat=True))
    if not ids:
        return []
    inside = list(DailyScore.objects.filter(device_id__in=ids, day__gte=start, day__lte=end)
                  .values_list("device_id", "day", field))
    last_before = (DailyScore.objects.filter(device_id__in=ids, day__lt=start)
                   .values("device_id").annotate(last=Max("day")))
    seeds: list[tuple[int, date, int | None]] = []
    pairs = [(row["device_id"], row["last"]) for row in last_before]
    if pairs:
        match = Q()
        for device_id, day in pairs:
            match |= Q(device_id=device_id, day=day)
        seeds = list(DailyScore.objects.filter(match).values_list("device_id", "day", field))
    return _carry(seeds + inside, start, end)


def _carry(rows: Iterable[tuple[int, date, int | None]], start: date,
           end: date) -> list[Point]:
    by_day: dict[date, list[tuple[int, int | None]]] = defaultdict(list)
    current: dict[int, int] = {}
    for device_id, day, value in rows:
        if day < start:
            if value is not None:
                current[device_id] = value
        else:
            by_day[day].append((device_id, value))
    points: list[Point] = []
    day = start
    while day <= end:
        for device_id, value in by_day.get(day, ()):
            if value is None:
                current.pop(device_id, None)  # measured, but not this rule: no longer known
            else:
                current[device_id] = value
        if current:
            points.append(Point(day, round(sum(current.values()) / len(current))))
        day += timedelta(days=1)
    return points
