"""Console page times with a large provider's history: gunicorn on 127.0.0.1 in front of
PostgreSQL, 1,000 practices / 10,000 devices and 90 days of reports per device.

Prints p50/p95 of the provider overview and of the history pages (practice trend, device
page with its charts, rule → devices → checks, one check across all practices, alerts).

    .venv/bin/python benchmarks/server_pages.py [--database-url postgres://…]
        [--practices 1000] [--devices 10000] [--days 90] [--requests 60]

How the history is stored (what keeps these pages fast): each upload writes one row per
device and day in console_dailyscore (score and six rule scores, upserted in the same
transaction as the report). Charts and the practice trend read at most days x devices of
those narrow rows through the (device, day) and (practice, day) indexes; no page reads a
report body except the device's current one. The seed writes the same rows the upload
path writes (reports without body for past days, one full current report per device),
with COPY, because 900,000 uploads would take an hour.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from server_ingest import (
    SAMPLE,
    default_pg_url,
    free_port,
    percentile,
    pg_admin,
    seed,
    sign_in,
    with_db,
)

CHECKS = ("BAK-RECENT", "UPD-OS-SUPPORTED", "FW-SMB1", "ACC-DAILY-ADMIN", "PWD-MIN-LENGTH",
          "FW-ENABLED", "ACC-SCREEN-LOCK", "DL-SCAN")


def seed_history(days: int) -> dict[str, Any]:
    """Reports, daily scores, current reports, failing checks and alerts for every device."""
    from django.db import connection
    from django.utils import timezone

    from dentsec.server.console.models import Alert, DailyScore, Device, Report

    rng = random.Random(13)
    body = gzip.compress(SAMPLE.read_bytes(), mtime=0)
    now = datetime.now(UTC)
    devices = list(Device.objects.values_list("pk", "practice_id"))
    report_cols = ("device_id", "digest", "generated_at", "received_at", "observed_at",
                   "clock_offset", "lang", "score", "by_rule", "critical_count", "body")
    daily_cols = ("device_id", "practice_id", "day", "observed_at", "score", "rule_1",
                  "rule_2", "rule_3", "rule_4", "rule_5", "rule_6", "critical_count")
    def history_of(pk: int) -> list[tuple[datetime, int, list[int], int]]:
        """The device's days (the same in both COPY passes: its own random stream)."""
        mine = random.Random(pk)
        score = mine.randint(20, 90)
        out = []
        for back in range(days - 1, -1, -1):
            score = max(0, min(100, score + mine.randint(-3, 4)))
            out.append((now - timedelta(days=back, minutes=mine.randint(0, 600)), score,
                        [max(0, min(100, score + mine.randint(-20, 20))) for _ in range(6)],
                        mine.randint(0, 3)))
        return out

    with connection.cursor() as cursor:
        raw = cursor.cursor  # one COPY at a time on a connection
        with raw.copy(f"COPY {Report._meta.db_table} ({', '.join(report_cols)}) "
                      "FROM STDIN") as copy:
            for pk, _practice in devices:
                for n, (at, score, rules, crit) in enumerate(history_of(pk)):
                    by_rule = json.dumps({str(r + 1): v for r, v in enumerate(rules)})
                    copy.write_row((pk, f"{pk:08x}{n:056x}", at, at, at, 0, "fr", score,
                                    by_rule, crit, body if n == days - 1 else b""))
        with raw.copy(f"COPY {DailyScore._meta.db_table} ({', '.join(daily_cols)}) "
                      "FROM STDIN") as copy:
            for pk, practice_id in devices:
                for at, score, rules, crit in history_of(pk):
                    copy.write_row((pk, practice_id, timezone.localdate(at), at, score,
                                    *rules, crit))
        cursor.execute(
            f"UPDATE {Device._meta.db_table} d SET current_report_id = r.id, "
            "last_observed_at = r.observed_at FROM (SELECT DISTINCT ON (device_id) id, "
            f"device_id, observed_at FROM {Report._meta.db_table} "
            "ORDER BY device_id, observed_at DESC) r WHERE r.device_id = d.id")
    batch = []
    for pk, _practice in devices:
        failing = sorted(rng.sample(CHECKS, rng.randint(0, 5)))
        batch.append(Device(pk=pk, failing=failing, previous_failing=failing[1:]))
    Device.objects.bulk_update(batch, ["failing", "previous_failing"], batch_size=2000)
    Alert.objects.bulk_create(
        [Alert(practice_id=practice, device_id=pk, kind=kind, key=f"{pk}")
         for pk, practice in devices for kind in (Alert.KIND_BACKUP, Alert.KIND_OS_EOL)],
        batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"devices": [pk for pk, _ in devices],
            "practices": sorted({practice for _, practice in devices})}


def measure(base: str, totp: str, urls: dict[str, list[str]], requests: int
            ) -> dict[str, list[float]]:
    import httpx

    times: dict[str, list[float]] = {name: [] for name in urls}
    with httpx.Client(base_url=base, timeout=120, follow_redirects=False) as client:
        sign_in(client, totp)
        for name, choices in urls.items():
            first = client.get(choices[0])  # warm the worker
            assert first.status_code == 200, (name, first.status_code)
            for n in range(requests):
                url = choices[n % len(choices)]
                t0 = time.perf_counter()
                response = client.get(url)
                times[name].append(time.perf_counter() - t0)
                assert response.status_code == 200, (url, response.status_code)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=default_pg_url())
    parser.add_argument("--practices", type=int, default=1000)
    parser.add_argument("--devices", type=int, default=10000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--requests", type=int, default=60, help="per page")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    args = parser.parse_args()
    if not args.database_url:
        print("needs PostgreSQL: --database-url or DENTSEC_TEST_POSTGRES_URL")
        return 2
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or \
        shutil.which("gunicorn")
    if gunicorn is None:
        print("gunicorn is not installed in this virtualenv: pip install gunicorn")
        return 2
    load = os.getloadavg()
    home = Path(tempfile.mkdtemp(prefix="dentsec-bench-pages-"))
    bench_db = f"dentsec_bench_pages_{os.getpid()}"
    pg_admin(args.database_url, f"CREATE DATABASE {bench_db}")
    env = {**os.environ, "DENTSEC_HOME": str(home), "DENTSEC_SECURE_COOKIES": "0",
           "DENTSEC_SECRET_KEY": "benchmark-only-" + "k" * 40,
           "DENTSEC_DATABASE_URL": with_db(args.database_url, bench_db),
           "DENTSEC_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    os.environ.update(env)
    server = None
    try:
        from django.core.management import call_command
        from django.db import connections

        from dentsec.server import setup_django

        setup_django()
        call_command("migrate", verbosity=0)
        t0 = time.perf_counter()
        seeded = seed(args.practices, args.devices, 0)
        world = seed_history(args.days)
        seed_s = time.perf_counter() - t0
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('console_dailyscore'))"
                           ", (SELECT count(*) FROM console_dailyscore)")
            daily_size, daily_rows = cursor.fetchone()
        connections.close_all()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [gunicorn, "dentsec.server.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers), "--log-level", "warning"], env=env)
        import httpx

        for _ in range(300):
            try:
                httpx.get(base + "/connexion/", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        rng = random.Random(5)
        practices = rng.sample(world["practices"], 20)
        devices = rng.sample(world["devices"], 20)
        urls = {
            "provider overview": ["/prestataire/"],
            "practice page (90-day trend)": [f"/cabinet/{p}/" for p in practices],
            "device page (7 charts)": [f"/poste/{d}/" for d in devices],
            "rule → devices → checks": [f"/cabinet/{p}/regle/4/" for p in practices],
            "one check across all practices": ["/controle/BAK-RECENT/"],
            "alerts (true counts)": ["/alertes/"],
        }
        times = measure(base, seeded["totp"], urls, args.requests)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        pg_admin(args.database_url, f"DROP DATABASE IF EXISTS {bench_db} WITH (FORCE)")
        shutil.rmtree(home, ignore_errors=True)

    print(f"database: PostgreSQL; gunicorn: {args.workers} sync workers; cpus: "
          f"{os.cpu_count()}; load average before: {load[0]:.1f}")
    print(f"seeded {args.practices} practices / {args.devices} devices / "
          f"{args.days} days of reports per device in {seed_s:.0f} s; "
          f"daily score table: {daily_rows} rows, {daily_size}")
    worst = 0.0
    for name, values in times.items():
        p95 = percentile(values, 95)
        worst = max(worst, p95)
        print(f"  {name:32s} p50 {statistics.median(values) * 1000:6.1f} ms   "
              f"p95 {p95 * 1000:6.1f} ms   ({len(values)} requests)")
    print(f"worst p95: {worst * 1000:.0f} ms (goal: 300 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
